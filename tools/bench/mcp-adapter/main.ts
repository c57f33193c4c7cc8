// Benchmark: lighthouse-mcp, the per-agent MCP adapter, against the built bridge (every service
// as a process on a private NATS, Redis with a private key prefix).
//   idle memory   RSS (and PSS, USS) of ADAPTERS adapters with distinct identities, each idle
//                 after its session opened and its first tool call answered, started as Claude
//                 Code starts them (the built executable); the same for `node main.js` without
//                 the executable's flags, and for one adapter after CALLS tool calls
//   start-up      from spawning the adapter to the end of MCP initialize, and to the answer of
//                 its first tool call (status: session opened, health and whoami)
//   round trip    one tool call through adapter and gateway (list_experts: GET /experts;
//                 validate: signed POST /validate) against the same HTTP call made directly
// Baselines from the same run: an idle bare `node` process, and the direct HTTP calls. The
// reference figure is the 132.8 MB measured for one instance of the adapter this replaces.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { findOrStartRedis } from '@lighthouse/testing';
import { AgentClient, issueCredential } from '../../e2e/agent-client';
import { startE2eStack, type E2eStack } from '../../e2e/e2e-stack';
import { latencySummary, percentile, timeSequential } from '../stats';

const ADAPTERS = Number(process.env['BENCH_ADAPTERS'] ?? 10);
const CALLS = Number(process.env['BENCH_CALLS'] ?? 500);
const IDLE_MS = Number(process.env['BENCH_IDLE_MS'] ?? 3000);
const REFERENCE_RSS_MB = 132.8;
// dist/tools/bench/mcp-adapter.js → the repository root
const repo = process.env['BENCH_REPO'] ?? join(__dirname, '..', '..', '..');
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round1 = (n: number) => Math.round(n * 10) / 10;

interface Memory {
  rss_mb: number;
  pss_mb: number;
  uss_mb: number;
}

/** Resident memory of a process from /proc: RSS, its proportional share (PSS), its own pages (USS). */
function memoryOf(pid: number): Memory {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  const mb = (value: number) => round1(value / 1024);
  return { rss_mb: mb(kb('Rss')), pss_mb: mb(kb('Pss')), uss_mb: mb(kb('Private_Clean') + kb('Private_Dirty')) };
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: round1(percentile(sorted, 50)), max: round1(sorted[sorted.length - 1] ?? NaN), n: sorted.length };
}

interface Adapter {
  client: Client;
  pid: number;
  /** From spawn to the end of the MCP initialize handshake. */
  initializedMs: number;
  /** From spawn to the answer of the first tool call. */
  firstAnswerMs: number;
  call(name: string, args: Record<string, unknown>): Promise<unknown>;
}

async function startAdapter(stack: E2eStack, agentId: string, credential: string, plainNode = false): Promise<Adapter> {
  const main = join(stack.root, 'dist', 'apps', 'mcp-adapter', 'main.js');
  const env = { LIGHTHOUSE_URL: stack.gatewayUrl, LIGHTHOUSE_AGENT_ID: agentId, LIGHTHOUSE_CREDENTIAL: credential, LIGHTHOUSE_MOUNT: '/nonexistent' };
  const started = process.hrtime.bigint();
  const transport = new StdioClientTransport(plainNode ? { command: process.execPath, args: [main], env } : { command: main, args: [], env });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(transport);
  const initializedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = (await client.callTool({ name, arguments: args })) as { isError?: boolean; content: Array<{ text: string }> };
    if (result.isError) throw new Error(`${name}: ${result.content[0]?.text}`);
    return result;
  };
  await call('status', {});
  return { client, pid: transport.pid ?? -1, initializedMs, firstAnswerMs: Number(process.hrtime.bigint() - started) / 1e6, call };
}

/** Spawning `node -e 0` until it exits: the start-up floor of any Node.js adapter on this machine now. */
async function bareNodeStartMs(): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** An idle bare node process: the floor any Node.js adapter stands on. */
async function bareNodeMemory(): Promise<Memory> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
  await sleep(IDLE_MS);
  const memory = memoryOf(child.pid as number);
  child.kill();
  return memory;
}

function roundTrip(viaAdapter: number[], direct: number[]) {
  const adapter = latencySummary(viaAdapter);
  const baseline = latencySummary(direct);
  return { adapter, direct: baseline, overhead_p50_us: round1(adapter.p50_us - baseline.p50_us), ratio_p50: Math.round((adapter.p50_us / baseline.p50_us) * 100) / 100 };
}

async function main(): Promise<void> {
  const redis = await findOrStartRedis();
  // The rate limit would throttle the sequential calls of one agent; it is not what is measured.
  const stack = await startE2eStack({ repo, redisUrl: redis.url, env: { LH_LOG_LEVEL: 'warn', LH_RATE_LIMIT_RPS: '100000', LH_RATE_LIMIT_BURST: '100000' } });
  const adapters: Adapter[] = [];
  try {
    log(`bridge up at ${stack.gatewayUrl}; starting ${ADAPTERS} adapters one after another`);
    const ids = Array.from({ length: ADAPTERS + 2 }, (_, i) => `bench-mcp-${i}`);
    const credentials = await Promise.all(ids.map((id) => issueCredential(stack.gatewayUrl, stack.adminSecret, id)));
    const bareStarts: number[] = [];
    for (let i = 0; i < ADAPTERS; i++) {
      adapters.push(await startAdapter(stack, ids[i] as string, credentials[i] as string));
      bareStarts.push(await bareNodeStartMs());
    }
    const plain = await startAdapter(stack, ids[ADAPTERS] as string, credentials[ADAPTERS] as string, true);
    await sleep(IDLE_MS);
    const idle = adapters.map((a) => memoryOf(a.pid));
    const plainIdle = memoryOf(plain.pid);
    const bare = await bareNodeMemory();
    log(`idle memory measured; ${CALLS} calls through the adapter and directly, interleaved`);

    const direct = new AgentClient(stack.gatewayUrl, ids[ADAPTERS + 1] as string, credentials[ADAPTERS + 1] as string);
    await direct.start();
    const one = adapters[0] as Adapter;
    const command = { tool: 'Bash', input: { command: 'git status' }, cwd: '/workspace' };
    const viaAdapter = { experts: [] as number[], validate: [] as number[], plainExperts: [] as number[] };
    const viaHttp = { experts: [] as number[], validate: [] as number[] };
    const expectOk = async (answer: Promise<{ status: number }>) => {
      const { status } = await answer;
      if (status !== 200) throw new Error(`direct call answered ${status}`);
    };
    for (let batch = 0; batch < 10; batch++) {
      const n = Math.ceil(CALLS / 10);
      viaAdapter.experts.push(...(await timeSequential(n, () => one.call('list_experts', { role: 'security_architect' }))));
      viaHttp.experts.push(...(await timeSequential(n, () => expectOk(direct.get('/experts?role=security_architect')))));
      viaAdapter.validate.push(...(await timeSequential(n, () => one.call('validate', command))));
      viaHttp.validate.push(...(await timeSequential(n, () => expectOk(direct.change('POST', '/validate', command)))));
      viaAdapter.plainExperts.push(...(await timeSequential(n, () => plain.call('list_experts', { role: 'security_architect' }))));
    }
    await plain.client.close();
    await sleep(IDLE_MS);
    const afterCalls = memoryOf(one.pid);

    const result = {
      bench: 'mcp-adapter',
      adapters: ADAPTERS,
      idle_rss_mb: summary(idle.map((m) => m.rss_mb)),
      idle_pss_mb: summary(idle.map((m) => m.pss_mb)),
      idle_uss_mb: summary(idle.map((m) => m.uss_mb)),
      rss_after_calls_mb: afterCalls.rss_mb,
      // `node main.js`: the same bundle without the executable's flags (JIT on, default young generation).
      plain_node_main_js: { idle: plainIdle, list_experts: roundTrip(viaAdapter.plainExperts, viaHttp.experts) },
      startup_ms: { initialized: summary(adapters.map((a) => a.initializedMs)), first_tool_answer: summary(adapters.map((a) => a.firstAnswerMs)) },
      round_trip: { list_experts: roundTrip(viaAdapter.experts, viaHttp.experts), validate: roundTrip(viaAdapter.validate, viaHttp.validate) },
      reference: { original_adapter_rss_mb: REFERENCE_RSS_MB, reduction_pct: Math.round((1 - percentile([...idle.map((m) => m.rss_mb)].sort((a, b) => a - b), 50) / REFERENCE_RSS_MB) * 1000) / 10 },
      baseline: { bare_node_idle: bare, bare_node_start_ms: summary(bareStarts), direct_http: { list_experts: latencySummary(viaHttp.experts), validate: latencySummary(viaHttp.validate) } },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await Promise.all(adapters.map((a) => a.client.close().catch(() => undefined)));
    await stack.stop();
    await redis.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
