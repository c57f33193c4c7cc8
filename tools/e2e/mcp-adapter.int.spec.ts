import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Delegation, EventEnvelope, ExpertList } from '@lighthouse/contracts';
import { waitFor, whichBinary } from '@lighthouse/testing';
import { EventStoreClient, NatsBus } from '@lighthouse/transport';
import { z } from 'zod';
import { AgentClient, issueCredential } from './agent-client';
import { startE2eStack, type E2eStack } from './e2e-stack';

// End to end: the built bridge as processes, and lighthouse-mcp adapters started the way Claude
// Code starts them (the built executable, over stdio, driven by the MCP SDK's client), plus the
// hook command given Claude Code's PreToolUse payloads on stdin.
const repo = join(__dirname, '..', '..');

// The shared view is mounted for real when this machine can (root, /dev/fuse, fusermount).
const fuseSkipReason = ((): string | null => {
  if (process.getuid?.() !== 0) return 'not running as root';
  try {
    accessSync('/dev/fuse', constants.R_OK | constants.W_OK);
  } catch {
    return 'this machine has no usable /dev/fuse';
  }
  return whichBinary('fusermount') ? null : 'fusermount is not installed';
})();
if (fuseSkipReason) process.stderr.write(`mcp-adapter e2e: the shared-view mount test is skipped: ${fuseSkipReason}\n`);
const itWithMount = fuseSkipReason ? it.skip : it;

interface Adapter {
  agentId: string;
  client: Client;
  pid: number;
  log: () => string;
  call<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<{ isError: boolean; text: string; value: T }>;
  close(): Promise<void>;
}

interface HookRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const GRANTED_ROLES = ['security_architect', 'qa_engineer', 'data_engineer', 'performance_engineer'];
const mounted = (path: string) => readFileSync('/proc/mounts', 'utf8').split('\n').some((line) => line.split(' ')[1] === path);

describe('lighthouse-mcp: adapters and the hook against the running bridge', () => {
  let stack: E2eStack;
  let bus: NatsBus;
  let events: EventStoreClient;
  let dir: string;
  let mountPoint: string;
  const credentials = new Map<string, string>();
  const open: Adapter[] = [];

  const adapterMain = () => join(stack.root, 'dist', 'apps', 'mcp-adapter', 'main.js');
  const credentialOf = async (agentId: string) => {
    if (!credentials.has(agentId)) credentials.set(agentId, await issueCredential(stack.gatewayUrl, stack.adminSecret, agentId, GRANTED_ROLES));
    return credentials.get(agentId) as string;
  };
  const envOf = async (agentId: string, extra: Record<string, string> = {}): Promise<Record<string, string>> => ({
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    LIGHTHOUSE_URL: stack.gatewayUrl,
    LIGHTHOUSE_AGENT_ID: agentId,
    LIGHTHOUSE_CREDENTIAL: await credentialOf(agentId),
    LIGHTHOUSE_STATE_DIR: join(dir, 'state', agentId),
    LIGHTHOUSE_HEARTBEAT_MS: '1000',
    LIGHTHOUSE_MOUNT: mountPoint,
    ...extra,
  });

  /** Starts an adapter as Claude Code does: its command over stdio, configured by environment. */
  async function adapter(agentId: string, extra: Record<string, string> = {}): Promise<Adapter> {
    const transport = new StdioClientTransport({ command: adapterMain(), args: [], env: await envOf(agentId, extra), stderr: 'pipe' });
    let log = '';
    transport.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(transport);
    const handle: Adapter = {
      agentId,
      client,
      pid: transport.pid ?? -1,
      log: () => log,
      call: async (name, args = {}) => {
        const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 })) as { isError?: boolean; content: Array<{ text: string }>; structuredContent: unknown };
        return { isError: result.isError === true, text: result.content[0]?.text ?? '', value: result.structuredContent as never };
      },
      close: () => client.close(),
    };
    open.push(handle);
    return handle;
  }

  /** Runs `lighthouse-mcp hook pre-tool-use` with a Claude Code payload on stdin. */
  async function hook(env: Record<string, string>, tool: string, input: Record<string, unknown>): Promise<HookRun> {
    const payload = { session_id: 'cc-session-1', transcript_path: join(dir, 'transcript.jsonl'), cwd: '/workspace', hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input, tool_use_id: 'toolu_01' };
    const child = spawn(adapterMain(), ['hook', 'pre-tool-use'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(JSON.stringify(payload));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    return { code, stdout, stderr };
  }

  /** The decision's event, once the speed layer's journal has moved it into the event store. */
  async function decisionEvent(decisionId: string): Promise<EventEnvelope> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { events: found } = await events.read({ stream: 'decisions', type: 'validation.decided', limit: 1000 });
      const event = found.find((e) => e.id === decisionId);
      if (event) return event;
      if (Date.now() > deadline) throw new Error(`decision ${decisionId} is not in the event store after 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lh-mcp-e2e-'));
    mountPoint = join(dir, 'mnt');
    mkdirSync(mountPoint);
    stack = await startE2eStack({
      repo,
      env: {
        // Short tokens and claims: the adapters must refresh and heartbeat to keep them.
        LH_TOKEN_TTL_S: '10',
        LH_DELEGATION_CLAIM_LEASE_MS: '3000',
        LH_DELEGATION_ASSIGN_LEASE_MS: '3000',
        LH_DELEGATION_TICK_MS: '200',
        ...(fuseSkipReason ? {} : { LH_FUSE_MOUNT: 'optional', LH_FUSE_MOUNT_POINT: mountPoint }),
      },
    });
    bus = await NatsBus.connect({ ...stack.natsObserver, name: 'mcp-e2e-reader' });
    events = new EventStoreClient(bus);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(open.map((a) => a.close().catch(() => undefined)));
    await bus?.close();
    await stack?.stop();
    if (mountPoint && mounted(mountPoint)) spawnSync('fusermount', ['-uz', mountPoint]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('registers two agents as different experts; one delegates to the other role, which waits for it, completes it, and the result comes back', async () => {
    const [dev, sec, qa] = await Promise.all([
      adapter('mcp-dev-ana'),
      adapter('mcp-sec-bo', { LIGHTHOUSE_ROLE: 'security_architect', LIGHTHOUSE_CAPACITY: '2', LIGHTHOUSE_CAPABILITIES: 'threat-model' }),
      adapter('mcp-qa-cy'),
    ]);
    const registered = await qa.call('register_expertise', { role: 'qa_engineer', capabilities: ['e2e'] });
    expect(registered).toMatchObject({ isError: false, value: { agentId: 'mcp-qa-cy', role: 'qa_engineer', status: 'available' } });
    // The security adapter registers from its own start-up, after its session opens: wait for it.
    const listed = async () => (await dev.call<ExpertList>('list_experts', {})).value.experts;
    await waitFor(async () => (await listed()).some((e) => e.agentId === 'mcp-sec-bo'), 15_000, 'the security expert registered by its adapter');
    expect(await listed()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ agentId: 'mcp-sec-bo', role: 'security_architect', capacity: 2, capabilities: ['threat-model'] }),
        expect.objectContaining({ agentId: 'mcp-qa-cy', role: 'qa_engineer' }),
      ]),
    );

    const created = await dev.call<Delegation>('delegate', { role: 'security_architect', title: 'review the token refresh', body: 'diff --git a/auth.ts', context: { pr: 7 } });
    expect(created).toMatchObject({ isError: false, value: { state: 'queued', requester: 'mcp-dev-ana', target: { role: 'security_architect' } } });
    const id = created.value.id;
    const result = dev.call<Delegation>('wait_for_result', { delegationId: id, waitMs: 30_000 });

    expect((await qa.call('next_delegation', { waitMs: 300 })).value).toEqual({ delegation: null, epoch: null });
    const next = await sec.call<{ delegation: Delegation; epoch: number }>('next_delegation', { waitMs: 10_000 });
    expect(next.value).toMatchObject({ epoch: 1, delegation: { id, state: 'in_progress', assignee: 'mcp-sec-bo', body: 'diff --git a/auth.ts', context: { pr: 7 } } });
    expect((await sec.call('report_progress', { delegationId: id, epoch: 1, note: 'reading the diff' })).isError).toBe(false);
    // Longer than the 3 s claim lease: the adapter's heartbeats keep the claim.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const stale = await qa.call('complete_delegation', { delegationId: id, epoch: 1, result: { verdict: 'forged' } });
    expect(stale).toMatchObject({ isError: true, value: { error: { code: 'FORBIDDEN' } } });
    const done = await sec.call<Delegation>('complete_delegation', { delegationId: id, epoch: 1, result: { verdict: 'approve', findings: [] } });
    expect(done).toMatchObject({ isError: false, value: { state: 'completed' } });

    expect((await result).value).toMatchObject({ id, state: 'completed', result: { verdict: 'approve', findings: [] }, progress: [expect.objectContaining({ note: 'reading the diff' })] });
  }, 60_000);

  it('reports bridge status: health of every service, who the agent is (its token refreshed past its 10 s life), and the hash of the tool list it serves', async () => {
    const agent = await adapter('mcp-status-di');
    const first = await agent.call<{ whoami: { agentId: string; sessionId: string; tokenExpiresAt: string }; health: { status: string }; adapter: { toolDefinitionsHash: string } }>('status');
    expect(first.value).toMatchObject({ health: { status: 'up' }, whoami: { agentId: 'mcp-status-di' } });
    const listed = await agent.client.request({ method: 'tools/list', params: {} }, z.object({ tools: z.array(z.unknown()) }));
    expect(listed.tools).toHaveLength(24);
    expect(first.value.adapter.toolDefinitionsHash).toBe(createHash('sha256').update(JSON.stringify(listed.tools)).digest('hex'));
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const later = await agent.call<typeof first.value>('status');
    expect(later.value.whoami.sessionId).toBe(first.value.whoami.sessionId);
    expect(Date.parse(later.value.whoami.tokenExpiresAt)).toBeGreaterThan(Date.parse(first.value.whoami.tokenExpiresAt));
    expect(agent.log()).not.toContain('no session');
  }, 30_000);

  it('refuses a dangerous command through the validate tool and allows a harmless one', async () => {
    const agent = await adapter('mcp-val-ed');
    const refused = await agent.call<{ decision: string; decisionId: string; ruleId: string }>('validate', { tool: 'Bash', input: { command: 'rm -rf /' }, cwd: '/workspace' });
    expect(refused).toMatchObject({ isError: false, value: { decision: 'deny', tier: 'policy' } });
    const allowed = await agent.call<{ decision: string }>('validate', { tool: 'Bash', input: { command: 'ls -la' }, cwd: '/workspace' });
    expect(allowed.value.decision).toBe('allow');
    expect((await decisionEvent(refused.value.decisionId)).data).toMatchObject({ decision: 'deny', tool: 'Bash' });
  }, 30_000);

  it('the hook blocks rm -rf / (exit 2, reason on stderr) and lets ls through (deferring: no rule judged it); both decisions are in the event store', async () => {
    const env = await envOf('mcp-hook-fa');
    const refused = await hook(env, 'Bash', { command: 'rm -rf /', description: 'clean up' });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^Lighthouse denied this Bash call: .+ \((policy|memory|shared) rule [\w.-]+; decision [0-9a-f-]{36}\)\n$/);
    // No rule judged `ls` and the effect model sees no risk: the hook prints nothing, so Claude
    // Code's own permission rules decide …
    const deferred = await hook(env, 'Bash', { command: 'ls' });
    expect({ code: deferred.code, stdout: deferred.stdout }).toEqual({ code: 0, stdout: '' });
    // … unless the operator asks for an explicit allow of every allow.
    const allowed = await hook({ ...env, LIGHTHOUSE_HOOK_ON_ALLOW: 'always' }, 'Bash', { command: 'ls' });
    expect(allowed.code).toBe(0);
    const output = JSON.parse(allowed.stdout) as { hookSpecificOutput: { hookEventName: string; permissionDecision: string; permissionDecisionReason: string } };
    expect(output.hookSpecificOutput).toMatchObject({ hookEventName: 'PreToolUse', permissionDecision: 'allow' });

    const idOf = (text: string) => /decision ([0-9a-f-]{36})/.exec(text)?.[1] as string;
    const [deny, allow] = await Promise.all([decisionEvent(idOf(refused.stderr)), decisionEvent(idOf(output.hookSpecificOutput.permissionDecisionReason))]);
    expect(deny).toMatchObject({ type: 'validation.decided', stream: 'decisions', agent: 'mcp-hook-fa', data: { decision: 'deny', tool: 'Bash' } });
    expect(allow).toMatchObject({ type: 'validation.decided', agent: 'mcp-hook-fa', data: { decision: 'allow', tool: 'Bash', basis: 'no-risk-seen' } });
    expect(deny.data).toMatchObject({ basis: 'rule', effects: expect.arrayContaining([expect.objectContaining({ kind: 'delete', class: 'root', risky: true })]) });
    // One session served both runs: the grant was cached (owner-only) and reused.
    const sessions = (await events.read({ stream: 'agent:mcp-hook-fa', type: 'session.created', limit: 100 })).events;
    expect(sessions).toHaveLength(1);
    // Its cached session ended elsewhere: the next run is refused once, opens a new one and decides.
    const other = new AgentClient(stack.gatewayUrl, 'mcp-hook-fa', await credentialOf('mcp-hook-fa'));
    await other.start();
    expect((await other.change('DELETE', `/sessions/${(sessions[0]?.data as { sessionId: string }).sessionId}`)).status).toBe(200);
    expect((await hook(env, 'Bash', { command: 'ls' })).code).toBe(0);
    expect((await events.read({ stream: 'agent:mcp-hook-fa', type: 'session.created', limit: 100 })).events).toHaveLength(3);
  }, 30_000);

  it('fails closed when the gateway cannot be reached: shell and write tools blocked, reads pass with a warning', async () => {
    const env = { ...(await envOf('mcp-hook-fa')), LIGHTHOUSE_URL: 'http://127.0.0.1:1', LIGHTHOUSE_STATE_DIR: join(dir, 'state', 'unreachable') };
    for (const [tool, input] of [['Bash', { command: 'ls' }], ['Write', { file_path: '/workspace/a.ts', content: 'x' }]] as const) {
      const run = await hook(env, tool, input);
      expect(run).toMatchObject({ code: 2, stderr: expect.stringContaining(`could not validate this ${tool} call, so it is blocked (fail closed). SERVICE_UNAVAILABLE`) });
    }
    const read = await hook(env, 'Read', { file_path: '/workspace/a.ts' });
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout)).toEqual({ systemMessage: expect.stringContaining('runs unvalidated') });
  }, 30_000);

  it('gives an adapter with a bad credential a clear error (and its hook blocks shell commands)', async () => {
    await credentialOf('mcp-bad-gu');
    const env = { LIGHTHOUSE_CREDENTIAL: `lhc_${'x'.repeat(43)}` };
    const agent = await adapter('mcp-bad-gu', env);
    for (const tool of ['status', 'list_experts', 'next_delegation']) {
      const answer = await agent.call(tool, tool === 'next_delegation' ? { waitMs: 100 } : {});
      expect(answer).toMatchObject({ isError: true, value: { error: { code: 'UNAUTHENTICATED' } } });
      expect(answer.text).toContain('refused the credential of agent mcp-bad-gu');
      expect(answer.text).toContain('check LIGHTHOUSE_AGENT_ID and LIGHTHOUSE_CREDENTIAL');
    }
    const run = await hook(await envOf('mcp-bad-gu', env), 'Bash', { command: 'ls' });
    expect(run).toMatchObject({ code: 2, stderr: expect.stringContaining('UNAUTHENTICATED') });
  }, 30_000);

  it('turns gateway refusals into tool errors and bad arguments into validation errors, and keeps serving', async () => {
    const agent = await adapter('mcp-err-ha');
    const unknown = await agent.call('complete_delegation', { delegationId: '00000000-0000-4000-8000-000000000000', epoch: 1, result: {} });
    expect(unknown).toMatchObject({ isError: true, value: { error: { code: 'NOT_FOUND' } } });
    const both = await agent.call('delegate', { role: 'qa_engineer', agent: 'mcp-qa-cy', title: 'x' });
    expect(both).toMatchObject({ isError: true, value: { error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('exactly one of role') } } });
    const bad = await agent.call('register_expertise', { role: 'Not A Role' });
    expect(bad).toMatchObject({ isError: true, value: { error: { code: 'VALIDATION_FAILED' } } });
    const ungranted = await agent.call('register_expertise', { role: 'release_manager' });
    expect(ungranted).toMatchObject({ isError: true, value: { error: { code: 'ROLE_NOT_GRANTED', message: expect.stringContaining('release_manager') } } });
    await expect(agent.client.callTool({ name: 'rm_rf', arguments: {} })).rejects.toThrow(/unknown tool rm_rf/);
    expect((await agent.call('status')).isError).toBe(false);
  }, 30_000);

  it('stores and queries events through the gateway, or says the gateway has no event routes', async () => {
    const agent = await adapter('mcp-evt-io');
    const document = (await (await fetch(`${stack.gatewayUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    const stored = await agent.call('store_event', { type: 'review.finding_reported', stream: 'review:auth', data: { severity: 'high' } });
    const queried = await agent.call<{ events: EventEnvelope[] }>('query_events', { stream: 'review:auth' });
    if (document.paths['/events']) {
      expect(stored.isError).toBe(false);
      expect(queried.value.events).toEqual([expect.objectContaining({ type: 'review.finding_reported', agent: 'mcp-evt-io' })]);
    } else {
      expect(stored).toMatchObject({ isError: true, value: { error: { code: 'NOT_FOUND', message: 'this gateway does not offer POST /events (the event routes are not deployed there yet)' } } });
      expect(queried).toMatchObject({ isError: true, value: { error: { code: 'NOT_FOUND', message: expect.stringContaining('GET /events') } } });
    }
  }, 30_000);

  it('says clearly when the shared project view is not mounted', async () => {
    const agent = await adapter('mcp-fs-jo', { LIGHTHOUSE_MOUNT: join(dir, 'nothing-here') });
    const answer = await agent.call('list_files', { path: '/current' });
    expect(answer).toMatchObject({ isError: true, value: { error: { code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining(`the shared project view is not mounted at ${join(dir, 'nothing-here')}`) } } });
  }, 30_000);

  itWithMount('lists and reads files of the mounted shared view, and refuses paths out of it', async () => {
    const deadline = Date.now() + 30_000;
    while (!mounted(mountPoint) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mounted(mountPoint)).toBe(true);
    mkdirSync(join(mountPoint, 'current', 'docs'), { recursive: true });
    writeFileSync(join(mountPoint, 'current', 'docs', 'plan.md'), '# Plan\nship the adapter\n');
    const agent = await adapter('mcp-fs-ka');
    const listed = await agent.call<{ entries: Array<{ name: string; type: string }> }>('list_files', { path: '/current/docs' });
    expect(listed.value.entries).toEqual([{ name: 'plan.md', type: 'file' }]);
    const read = await agent.call('read_file', { path: '/current/docs/plan.md' });
    expect(read.value).toMatchObject({ encoding: 'utf8', content: '# Plan\nship the adapter\n', nextOffset: null });
    expect((await agent.call('list_files', { path: '/' })).value).toMatchObject({ entries: expect.arrayContaining([{ name: 'history', type: 'directory' }]) });
    expect((await agent.call('read_file', { path: '/current/../../etc/passwd' })).value).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  }, 60_000);

  it('opens a new session (and registers again) when its session is ended behind its back', async () => {
    const agent = await adapter('mcp-back-ni', { LIGHTHOUSE_ROLE: 'data_engineer' });
    const before = await agent.call<{ whoami: { sessionId: string } }>('status');
    // The same agent, from elsewhere, ends the adapter's session: its token is refused from now on.
    const other = new AgentClient(stack.gatewayUrl, 'mcp-back-ni', await credentialOf('mcp-back-ni'));
    expect((await other.start()).status).toBe(201);
    expect((await other.change('DELETE', `/sessions/${before.value.whoami.sessionId}`)).status).toBe(200);
    expect((await other.get<ExpertList>('/experts?role=data_engineer')).body.experts).toEqual([]);
    const after = await agent.call<{ whoami: { sessionId: string } }>('status');
    expect(after.isError).toBe(false);
    expect(after.value.whoami.sessionId).not.toBe(before.value.whoami.sessionId);
    expect((await other.get<ExpertList>('/experts?role=data_engineer')).body.experts).toEqual([expect.objectContaining({ agentId: 'mcp-back-ni' })]);
  }, 30_000);

  it('ends its session when the client goes away: the expert registration goes with it', async () => {
    const leaving = await adapter('mcp-leave-lu', { LIGHTHOUSE_ROLE: 'performance_engineer' });
    const watcher = await adapter('mcp-watch-mo');
    expect((await leaving.call('status')).isError).toBe(false);
    const roles = async () => (await watcher.call<ExpertList>('list_experts', { role: 'performance_engineer' })).value.experts.map((e) => e.agentId);
    expect(await roles()).toEqual(['mcp-leave-lu']);
    await leaving.close();
    const deadline = Date.now() + 5_000;
    while ((await roles()).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await roles()).toEqual([]);
    const ended = (await events.read({ stream: 'agent:mcp-leave-lu', type: 'session.ended', limit: 10 })).events;
    expect(ended).toEqual([expect.objectContaining({ data: expect.objectContaining({ expertDeregistered: true }) })]);
  }, 30_000);
});
