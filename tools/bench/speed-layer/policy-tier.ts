// The policy tier on a cold call (issue 15): decide() — normalise, effect model, rules — of a
// 200-character command never seen before (no memory tier, no normalisation cache), beside the
// same run's cost of parsing the same kind of text alone with mvdan-sh (the floor no policy can
// go under). Five everyday shapes of line take turns, each with its paths, names and numbers
// drawn from `i`, so neither the text nor most of its words repeat from one call to the next.
import { spawnSync } from 'node:child_process';
import { SERVICE_NODE_FLAGS } from '@lighthouse/config';
import { decide, loadDefaultPolicy } from '@lighthouse/policy';
import { parseShell } from '../../../libs/policy/src/shell/shell-parser';
import { msValues, ratio } from '../bridge';

const CONTEXT = { workspaceRoot: '/workspace/app', homeDir: '/home/agent', environment: 'local' } as const;
const LENGTH = 200;
const WORDS = ['parser', 'lexer', 'router', 'billing', 'auth', 'search', 'export', 'cache', 'queue', 'mailer', 'report', 'upload', 'theme'];

/** Everyday developer lines: git and npm, a grep pipeline into tmp, container and cluster reads, Python checks, a loop over changed files. */
const SHAPES: Array<(i: number, w: string) => string> = [
  (i, w) => `cd /workspace/app && git add -A && git commit -m "fix: ${w} edge case ${i}" && npm run lint -- --fix src/${w}/index.ts && npx jest src/${w} --runInBand | tail -n ${20 + (i % 50)}`,
  (i, w) => `grep -rn "${w}Handler${i}" src/modules/${w}-${i % 97} --include='*.ts' | sed -e 's/^\\.\\///' | sort -u > /tmp/hits-${i}.txt && wc -l /tmp/hits-${i}.txt && cat /tmp/hits-${i}.txt`,
  (i, w) => `docker compose -f deploy/compose.${w}.yml ps && kubectl get pods -n team-${i % 13} -o wide | grep -v Completed && kubectl logs deploy/${w}-api-${i} --since=1h | grep -i error | cut -c1-99`,
  (i, w) => `python3 -m pytest tests/unit/test_${w}_${i}.py -k "not slow" -q && ruff check src/${w}_${i % 31} && mypy src/${w}_${i % 31} --strict && coverage report --include='src/${w}_${i % 31}/*' -m | tail -n 5`,
  (i, w) => `for f in $(git diff --name-only HEAD~${(i % 9) + 1} -- src/${w}); do npx prettier --check "$f"; done; git log --oneline -n ${(i % 40) + 5} --stat -- src/${w}/case-${i}.ts src/${w}/case-${i}.spec.ts`,
];

/** A realistic 200-character developer line, different for every `i` (so nothing can be cached). */
export function commandOf(i: number): string {
  const shape = SHAPES[i % SHAPES.length] as (i: number, w: string) => string;
  const base = shape(i, `${WORDS[Math.floor(i / SHAPES.length) % WORDS.length] as string}${i % 7}`);
  if (base.length > LENGTH) throw new Error(`bench command longer than ${LENGTH} characters: ${base}`);
  return base.length > LENGTH - 3 ? base.padEnd(LENGTH) : `${base} # ${'x'.repeat(LENGTH - base.length - 3)}`;
}

/** Times `calls` cold decide() calls and parses of distinct 200-character commands, interleaved, after a separate warm-up. */
export function policyTierCold(calls: number): Record<string, unknown> {
  const policy = loadDefaultPolicy();
  // Warm the code paths (JIT, the policy file read once) on other commands of the same shapes.
  for (let i = 0; i < 1000; i += 1) {
    decide({ tool: 'Bash', input: { command: commandOf(1_000_000 + i) } }, CONTEXT, policy);
    parseShell(commandOf(2_000_000 + i));
  }
  const decideMs: number[] = [];
  const parseMs: number[] = [];
  const decisions: Record<string, number> = {};
  for (let i = 0; i < calls; i += 1) {
    const command = commandOf(i);
    let started = performance.now();
    parseShell(command);
    parseMs.push(performance.now() - started);
    const again = commandOf(calls + i);
    started = performance.now();
    const decision = decide({ tool: 'Bash', input: { command: again } }, CONTEXT, policy);
    decideMs.push(performance.now() - started);
    decisions[decision.decision] = (decisions[decision.decision] ?? 0) + 1;
  }
  const cold = msValues(decideMs);
  const floor = msValues(parseMs);
  const lengths = new Set(Array.from({ length: SHAPES.length * 10 }, (_, i) => commandOf(i).length));
  return {
    command_chars: [...lengths],
    shapes: SHAPES.length,
    calls,
    decisions,
    cold_decide: cold,
    targets: { p50_under_0_2_ms: cold.p50_ms < 0.2, p99_under_1_ms: cold.p99_ms < 1 },
    baseline_parse_only: floor,
    ratio_p50_vs_parse: ratio(cold.p50_ms, floor.p50_ms),
    ratio_p99_vs_parse: ratio(cold.p99_ms, floor.p99_ms),
  };
}

/** Set in the child process that times the tier (see {@link policyTierInServiceProcess}). */
export const POLICY_CHILD_ENV = 'BENCH_POLICY_CHILD';

/**
 * Times the tier in a child process started with the V8 flags the speed layer (which runs the
 * tier) starts with, not in the bench's own process: a young generation's size decides how
 * often a cold decision pays for a scavenge, so the tail is only the service's with its flags.
 * The child is this bench again, with {@link POLICY_CHILD_ENV} set: it prints the figures as its
 * last line.
 */
export function policyTierInServiceProcess(calls: number): Record<string, unknown> {
  const child = spawnSync(process.execPath, ['--enable-source-maps', ...SERVICE_NODE_FLAGS, __filename], {
    env: { ...process.env, [POLICY_CHILD_ENV]: String(calls) },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !last.startsWith('{')) throw new Error(`the policy tier's process failed (exit ${String(child.status)}): ${child.stderr.slice(-2000)}`);
  return { node_flags: SERVICE_NODE_FLAGS, ...(JSON.parse(last) as Record<string, unknown>) };
}
