// The hook's whole-process wall time per tool call (issues 15 and 16): `lighthouse-mcp hook
// pre-tool-use` from spawn to exit, as Claude Code runs it (the executable itself, so its #! line
// starts node; a PreToolUse event as JSON on stdin), with its session cached (one signed POST
// /validate to the running bridge), against spawning a bare `node -e 0` the same way in the same
// run, interleaved. Every hook run must answer a real decision from the gateway (exit 0 with an
// explicit allow, or nothing for an allow on no risk seen) and keep the one cached session: a run
// that failed fast, or opened a session of its own, would flatter the figure. The same signed
// POST /validate made from this process (keep-alive, interleaved) is reported beside it: the
// share of the hook's time that is the bridge's answer, not the hook's start.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentClient, issueCredential } from '../../e2e/agent-client';
import { msValues, ratio } from '../bridge';

/** Issue 16: the hook's spawn-to-exit p50 at most this many times a bare `node -e 0`'s. */
export const HOOK_TARGET_RATIO_P50 = 1.3;

function timed(command: string, args: string[], env: NodeJS.ProcessEnv, stdin: string): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  const started = performance.now();
  const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.on('error', () => undefined);
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once('close', (code) => resolve({ ms: performance.now() - started, code, stdout, stderr })));
}

/** The session id in the hook's grant cache (one file per agent and gateway). */
function cachedSession(state: string): string {
  const files = readdirSync(state).filter((f) => f.startsWith('hook-grant-'));
  if (files.length !== 1) throw new Error(`expected one cached grant, found ${files.length}`);
  return (JSON.parse(readFileSync(join(state, files[0] as string), 'utf8')) as { grant: { sessionId: string } }).grant.sessionId;
}

/** What one hook run answered, if it is a decision from the gateway; else throws (the bench must not time failures). */
function decisionOf(run: { code: number | null; stdout: string; stderr: string }): 'allow' | 'defer' {
  if (run.code !== 0) throw new Error(`the hook answered exit ${run.code}: ${run.stderr.trim()}`);
  if (run.stdout.trim() === '') return 'defer';
  const answer = JSON.parse(run.stdout) as { hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string } };
  const reason = answer.hookSpecificOutput?.permissionDecisionReason ?? '';
  if (answer.hookSpecificOutput?.permissionDecision !== 'allow' || !/decision [0-9a-f-]{36}/.test(reason)) throw new Error(`not a decision: ${run.stdout}`);
  return 'allow';
}

/** Runs the built hook `runs` times (after one run that opens and caches the session) and `node -e 0` as often, interleaved. */
export async function hookProcess(hookMain: string, gatewayUrl: string, adminSecret: string, runs: number): Promise<Record<string, unknown>> {
  const state = mkdtempSync(join(tmpdir(), 'lh-bench-hook-'));
  try {
    const credential = await issueCredential(gatewayUrl, adminSecret, 'bench-hook');
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LIGHTHOUSE_URL: gatewayUrl, LIGHTHOUSE_AGENT_ID: 'bench-hook', LIGHTHOUSE_CREDENTIAL: credential, LIGHTHOUSE_STATE_DIR: state };
    const payload = (i: number) => JSON.stringify({ session_id: 'bench', transcript_path: '/tmp/bench.jsonl', cwd: '/workspace/app', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: `git status --short src/${i % 10}` }, tool_use_id: `toolu_${i}` });
    decisionOf(await timed(hookMain, ['hook', 'pre-tool-use'], env, payload(0)));
    const session = cachedSession(state);
    const direct = new AgentClient(gatewayUrl, 'bench-hook-direct', await issueCredential(gatewayUrl, adminSecret, 'bench-hook-direct'));
    if ((await direct.start()).status !== 201) throw new Error('the direct client could not open a session');
    const hook: number[] = [];
    const bare: number[] = [];
    const inProcess: number[] = [];
    const decisions = { allow: 0, defer: 0 };
    for (let i = 1; i <= runs; i += 1) {
      const run = await timed(hookMain, ['hook', 'pre-tool-use'], env, payload(i));
      decisions[decisionOf(run)] += 1;
      hook.push(run.ms);
      bare.push((await timed(process.execPath, ['-e', '0'], env, '')).ms);
      const started = performance.now();
      const answer = await direct.change('POST', '/validate', { tool: 'Bash', input: { command: `git status --short src/${i % 10}` }, cwd: '/workspace/app' });
      if (answer.status !== 200) throw new Error(`direct validate answered ${answer.status}`);
      inProcess.push(performance.now() - started);
    }
    if (cachedSession(state) !== session) throw new Error('the hook opened a new session during the timed runs: not a cached-session figure');
    const h = msValues(hook);
    const b = msValues(bare);
    return {
      runs,
      cached_session: true,
      decisions,
      hook_wall: h,
      baseline_node_e_0: b,
      validate_in_process: msValues(inProcess),
      hook_minus_node_p50_ms: Math.round((h.p50_ms - b.p50_ms) * 1000) / 1000,
      ratio_p50_vs_node: ratio(h.p50_ms, b.p50_ms),
      ratio_p99_vs_node: ratio(h.p99_ms, b.p99_ms),
      [`ratio_p50_at_most_${String(HOOK_TARGET_RATIO_P50).replace('.', '_')}`]: ratio(h.p50_ms, b.p50_ms) <= HOOK_TARGET_RATIO_P50,
    };
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}
