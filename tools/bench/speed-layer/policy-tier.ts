// The policy tier on a cold call (issue 15): decide() — normalise, effect model, rules — of a
// 200-character command never seen before (no memory tier, no normalisation cache), beside the
// same run's cost of parsing the same text alone with mvdan-sh (the floor no policy can go under).
import { decide, loadDefaultPolicy } from '@lighthouse/policy';
import { parseShell } from '../../../libs/policy/src/shell/shell-parser';
import { msValues } from '../bridge';

const CONTEXT = { workspaceRoot: '/workspace/app', homeDir: '/home/agent', environment: 'local' } as const;

/** A realistic 200-character developer line, different for every `i` (so nothing can be cached). */
export function commandOf(i: number): string {
  const base = `cd /workspace/app && git add -A && git commit -m "fix: parser edge case ${i}" && npm run lint -- --fix src/parser/index.ts && npx jest src/parser --runInBand | tail -n ${20 + (i % 50)}`;
  return base.length >= 200 ? base.slice(0, 200) : `${base} # ${'x'.repeat(200 - base.length - 3)}`;
}

/** Times `calls` cold decide() calls and parses of distinct 200-character commands, interleaved. */
export function policyTierCold(calls: number): Record<string, unknown> {
  const policy = loadDefaultPolicy();
  // Warm the code paths (JIT, the policy file read once) on other commands.
  for (let i = 0; i < 500; i += 1) {
    decide({ tool: 'Bash', input: { command: commandOf(1_000_000 + i) } }, CONTEXT, policy);
    parseShell(commandOf(2_000_000 + i));
  }
  const decideMs: number[] = [];
  const parseMs: number[] = [];
  let allowed = 0;
  for (let i = 0; i < calls; i += 1) {
    const command = commandOf(i);
    let started = performance.now();
    parseShell(command);
    parseMs.push(performance.now() - started);
    const again = commandOf(calls + i);
    started = performance.now();
    const decision = decide({ tool: 'Bash', input: { command: again } }, CONTEXT, policy);
    decideMs.push(performance.now() - started);
    if (decision.decision === 'allow') allowed += 1;
  }
  const cold = msValues(decideMs);
  const floor = msValues(parseMs);
  return {
    command_chars: commandOf(0).length,
    calls,
    allowed,
    cold_decide: cold,
    targets: { p50_under_0_2_ms: cold.p50_ms < 0.2, p99_under_1_ms: cold.p99_ms < 1 },
    baseline_parse_only: floor,
    ratio_p50_vs_parse: Math.round((cold.p50_ms / floor.p50_ms) * 100) / 100,
  };
}
