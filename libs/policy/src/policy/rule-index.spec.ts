import { loadCorpus } from '../corpus/corpus-loader';
import { normalise } from '../tool/tool-call-normaliser';
import { conditionMatches } from './rule-matcher';
import { loadDefaultPolicy } from './policy-loader';
import { subjectsOf } from './subject';

const policy = loadDefaultPolicy();
const context = { workspaceRoot: '/workspace/app', homeDir: '/home/agent' };
const calls = loadCorpus().flatMap(({ cases }) => cases.map((row) => (row.command !== undefined ? { tool: 'Bash', input: { command: row.command } } : { tool: row.tool ?? '', input: row.input ?? {} })));

describe('RuleIndex', () => {
  it('given every corpus call, when its subjects are matched through the index, then the first matching rule is the one a full scan finds', () => {
    let matched = 0;
    for (const call of calls) {
      for (const subject of subjectsOf(normalise(call, context))) {
        const full = policy.rules.find((rule) => conditionMatches(rule.when, subject, {}));
        const indexed = policy.ruleIndex.candidates(subject).find((rule) => conditionMatches(rule.when, subject, {}));
        expect(indexed?.id).toBe(full?.id);
        if (full) matched += 1;
      }
    }
    expect(calls.length).toBeGreaterThan(500);
    expect(matched).toBeGreaterThan(300);
  });

  it('given a plain command, when indexed, then rules for other programs and for risky effects are left out', () => {
    const [subject] = subjectsOf(normalise({ tool: 'Bash', input: { command: 'ls -la' } }, context));
    if (!subject) throw new Error('no subject');
    const candidates = policy.ruleIndex.candidates(subject);
    expect(candidates.length).toBeLessThan(policy.rules.length / 2);
    expect(candidates.some((rule) => rule.when.riskyEffects !== undefined)).toBe(false);
    expect(policy.ruleIndex.candidates(subject)).toBe(candidates);
  });
});
