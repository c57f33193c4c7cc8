// The hook's whole-process wall time per tool call (issue 15): `lighthouse-mcp hook pre-tool-use`
// from spawn to exit with its session cached (one signed POST /validate to the running bridge),
// against spawning a bare `node -e 0` in the same run, interleaved.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCredential } from '../../e2e/agent-client';
import { msValues } from '../bridge';

function timed(command: string, args: string[], env: NodeJS.ProcessEnv, stdin: string): Promise<{ ms: number; code: number | null; stdout: string }> {
  const started = performance.now();
  const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once('close', (code) => resolve({ ms: performance.now() - started, code, stdout })));
}

/** Runs the built hook `runs` times (after one run that opens and caches the session) and `node -e 0` as often. */
export async function hookProcess(hookMain: string, gatewayUrl: string, adminSecret: string, runs: number): Promise<Record<string, unknown>> {
  const state = mkdtempSync(join(tmpdir(), 'lh-bench-hook-'));
  try {
    const credential = await issueCredential(gatewayUrl, adminSecret, 'bench-hook');
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LIGHTHOUSE_URL: gatewayUrl, LIGHTHOUSE_AGENT_ID: 'bench-hook', LIGHTHOUSE_CREDENTIAL: credential, LIGHTHOUSE_STATE_DIR: state };
    const payload = (i: number) => JSON.stringify({ session_id: 'bench', cwd: '/workspace/app', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: `git status --short src/${i % 10}` } });
    const first = await timed(hookMain, ['hook', 'pre-tool-use'], env, payload(0));
    if (first.code !== 0) throw new Error(`the hook answered exit ${first.code}`);
    const hook: number[] = [];
    const bare: number[] = [];
    for (let i = 1; i <= runs; i += 1) {
      const run = await timed(hookMain, ['hook', 'pre-tool-use'], env, payload(i));
      if (run.code !== 0) throw new Error(`the hook answered exit ${run.code}`);
      hook.push(run.ms);
      bare.push((await timed(process.execPath, ['-e', '0'], env, '')).ms);
    }
    const h = msValues(hook);
    const b = msValues(bare);
    return { runs, cached_session: true, hook_wall: h, baseline_node_e_0: b, hook_minus_node_p50_ms: Math.round((h.p50_ms - b.p50_ms) * 1000) / 1000, ratio_p50_vs_node: Math.round((h.p50_ms / b.p50_ms) * 100) / 100 };
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}
