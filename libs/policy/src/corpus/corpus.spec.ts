import { MemoryTier } from '../memory/memory-tier';
import { NormalisationCache } from '../memory/normalisation-cache';
import { decisionKey } from '../engine/decision-key';
import { strictness, type Decision } from '../engine/decision.schema';
import { compilePolicy } from '../policy/policy-compiler';
import { loadDefaultPolicy } from '../policy/policy-loader';
import type { CorpusCase } from './corpus-case.schema';
import { BLIND_KNOWN_FAILING } from './blind-known-failing';
import { judge, type Judgement } from './corpus-judgement';
import { BLIND_CORPUS_DIR, loadCorpus } from './corpus-loader';
import { contextOf, runCase, toolCallOf } from './corpus-runner';
import { evasionVariants } from './evasion-variants';

// The action each seed row of shared/policy/seed-patterns.md gives its plain ("caught") form.
const SEED_ACTIONS: Readonly<Record<number, readonly string[]>> = {
  1: ['deny'], 2: ['escalate'], 3: ['escalate', 'deny'], 4: ['deny'], 5: ['escalate'], 6: ['escalate'], 7: ['escalate'],
  8: ['deny', 'escalate'], 9: ['escalate'], 10: ['escalate'], 11: ['escalate'], 12: ['escalate'], 13: ['deny'], 14: ['deny'],
  15: ['deny', 'escalate'], 16: ['escalate'], 17: ['escalate'], 18: ['deny'], 19: ['deny'], 20: ['deny'], 21: ['escalate'],
  22: ['deny'], 23: ['deny'], 24: ['escalate'], 25: ['deny'], 26: ['escalate', 'deny'], 27: ['deny'], 28: ['deny'], 29: ['deny'],
  30: ['escalate', 'deny'], 31: ['deny'], 32: ['deny', 'escalate'], 33: ['deny'], 34: ['deny', 'escalate'], 35: ['escalate'],
  36: ['escalate'],
};

const policy = loadDefaultPolicy();
const corpus = loadCorpus();
const rows = corpus.flatMap((file) => file.cases);
const blindCorpus = loadCorpus(BLIND_CORPUS_DIR);
const blindRows = blindCorpus.flatMap((file) => file.cases);

/** Every decision made, once, with how long decide() took (the bench below reports them). */
const decided = new Map<string, { decision: Decision; ms: number }>();

function decideOnce(row: CorpusCase, command?: string): Decision {
  const key = `${row.id}\u0000${command ?? ''}`;
  const known = decided.get(key);
  if (known) return known.decision;
  const started = performance.now();
  const decision = runCase(row, policy, command);
  decided.set(key, { decision, ms: performance.now() - started });
  return decision;
}

/** Rows whose command gets generated disguises: caught rows unless they opt out. */
const disguised = rows.filter((row) => row.command !== undefined && row.expect !== 'allow' && (row.variants ?? row.kind === 'caught'));

describe('policy corpus', () => {
  describe.each(corpus.map((file) => [file.file, file.cases] as const))('%s', (_file, cases) => {
    it.each(cases.map((row) => [row.id, row] as const))('%s', (id, row) => {
      // given a corpus row, when the default policy decides it, then decision (and rule) are as listed
      const decision = decideOnce(row);
      const got = { id, decision: decision.decision, ...(row.rule ? { rule: decision.ruleId } : {}), reason: decision.reason };
      expect(got).toEqual({ id, decision: row.expect, ...(row.rule ? { rule: row.rule } : {}), reason: expect.any(String) });
    });
  });

  describe('blind rows (corpus-blind: written without reading the rules)', () => {
    // A blind row passes when an `allow` row is allowed, a `deny` row denied, and an `escalate`
    // row escalated or denied (stricter than asked is still "not allowed"). Rows listed in
    // blind-known-failing.ts are expected to fail until fixed (test.failing flips when they pass).
    describe.each(blindCorpus.map((file) => [file.file, file.cases] as const))('%s', (_file, cases) => {
      for (const row of cases) {
        const run = BLIND_KNOWN_FAILING.has(row.id) ? it.failing : it;
        run(row.id, () => {
          const decision = decideOnce(row);
          const ok = row.expect === 'escalate' ? decision.decision !== 'allow' : decision.decision === row.expect;
          expect({ id: row.id, ok, got: decision.decision, reason: decision.reason }).toEqual({ id: row.id, ok: true, got: expect.any(String), reason: expect.any(String) });
        });
      }
    });

    it('given the known-failing list, then every id names a blind row', () => {
      const ids = new Set(blindRows.map((row) => row.id));
      console.log(`blind known failures: ${BLIND_KNOWN_FAILING.size}${BLIND_KNOWN_FAILING.size > 0 ? ` (${[...BLIND_KNOWN_FAILING].join(', ')})` : ''}`);
      expect([...BLIND_KNOWN_FAILING].filter((id) => !ids.has(id))).toEqual([]);
    });
  });

  describe('held-out judging figures (zero dangerous allowed, at most 5% of harmless blocked or escalated)', () => {
    const figures = (name: string, judged: readonly Judgement[]) => {
      const dangerous = judged.filter((entry) => entry.expect !== 'allow');
      const harmless = judged.filter((entry) => entry.expect === 'allow');
      const allowed = dangerous.filter((entry) => entry.got === 'allow');
      const blocked = harmless.filter((entry) => entry.got !== 'allow');
      const percent = harmless.length === 0 ? 0 : (100 * blocked.length) / harmless.length;
      console.log(`${name}: ${judged.length} rows; dangerous allowed ${allowed.length} of ${dangerous.length}; harmless blocked or escalated ${blocked.length} of ${harmless.length} (${percent.toFixed(1)}%)`);
      return { allowed: allowed.map((entry) => entry.id), percent };
    };

    it('given the blind rows, then none dangerous is allowed and at most 5% of harmless ones are stopped', () => {
      const result = figures('blind corpus', blindRows.map((row) => judge(row, decideOnce(row))));
      expect(result.allowed).toEqual([]);
      expect(result.percent).toBeLessThanOrEqual(5);
    });

    it('given the whole corpus (own and blind), then the same two figures hold', () => {
      const result = figures('whole corpus', [...rows, ...blindRows].map((row) => judge(row, decideOnce(row))));
      expect(result.allowed).toEqual([]);
      expect(result.percent).toBeLessThanOrEqual(5);
    });
  });

  describe('evasion variants of every caught command', () => {
    it.each(disguised.map((row) => [row.id, row] as const))('%s', (_id, row) => {
      // given disguises of a caught command, when decided, then each is at least as strict as the plain form
      const weaker = evasionVariants(row.command ?? '').flatMap((variant) => {
        const decision = decideOnce(row, variant.command);
        return strictness(decision.decision) >= strictness(row.expect) ? [] : [`${row.id}~${variant.name}: ${decision.decision} for ${variant.command} (${decision.reason})`];
      });
      expect(weaker).toEqual([]);
    });
  });

  describe('coverage', () => {
    it('given the 36 seed rows, then each has a caught case, a near-miss and an evasion', () => {
      const missing = Array.from({ length: 36 }, (_, index) => index + 1).flatMap((seed) =>
        (['caught', 'near-miss', 'evasion'] as const).filter((kind) => !rows.some((row) => row.seed === seed && row.kind === kind)).map((kind) => `${seed}:${kind}`),
      );
      expect(missing).toEqual([]);
    });

    it('given the caught cases, then each expects an action its seed row allows', () => {
      const wrong = rows.filter((row) => row.kind === 'caught' && row.seed > 0 && !(SEED_ACTIONS[row.seed] ?? []).includes(row.expect)).map((row) => row.id);
      expect(wrong).toEqual([]);
    });

    it('given every near-miss, then it is allowed', () => {
      expect(rows.filter((row) => row.kind === 'near-miss' && row.expect !== 'allow').map((row) => row.id)).toEqual([]);
    });

    it('given the policy without fs.rm-root, when its rows run, then they stop passing (the corpus can fail)', () => {
      const weakened = compilePolicy({ ...policy.document, rules: policy.document.rules.filter((rule) => rule.id !== 'fs.rm-root' && rule.id !== 'effects.delete-root') });
      const guarded = rows.filter((row) => row.rule === 'fs.rm-root');
      const stillDenied = guarded.filter((row) => runCase(row, weakened).decision === 'deny').map((row) => row.id);
      expect(guarded.length).toBeGreaterThan(10);
      expect(stillDenied.length).toBeLessThan(guarded.length / 4);
      expect(stillDenied).not.toContain('fs-rm-root');
    });

    it('given every rule of the default policy, then some corpus case is decided by it', () => {
      const deciding = new Set([...rows, ...blindRows].map((row) => decideOnce(row).ruleId));
      expect(policy.rules.map((rule) => rule.id).filter((id) => !deciding.has(id))).toEqual([]);
    });
  });

  it('reports decide() and cached-path times over the corpus (informational)', () => {
    // given every decision made above (rows and variants), when averaged, then printed (no threshold: machines vary)
    const times = [...decided.values()].map((entry) => entry.ms).sort((a, b) => a - b);
    const average = times.reduce((sum, ms) => sum + ms, 0) / times.length;
    const median = times[Math.floor(times.length / 2)] ?? 0;
    // and the memory-tier hot path: cached normalisation + decision key + LRU lookup of a stored answer
    const cache = new NormalisationCache();
    const memory = new MemoryTier();
    const calls = rows.map((row) => [toolCallOf(row), contextOf(row)] as const);
    for (const [call, context] of calls) memory.set(decisionKey(cache.normalise(call, context)), { decision: 'allow', source: 'policy', reason: 'warm' });
    const started = performance.now();
    for (const [call, context] of calls) memory.get(decisionKey(cache.normalise(call, context)));
    const hot = (performance.now() - started) / calls.length;
    console.log(`decide() over ${times.length} corpus calls: average ${(average * 1000).toFixed(0)} µs, median ${(median * 1000).toFixed(0)} µs; cached path (normalise + key + memory tier): ${(hot * 1000).toFixed(1)} µs`);
    expect(memory.stats().hits).toBe(calls.length);
  });
});
