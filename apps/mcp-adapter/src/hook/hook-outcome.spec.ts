import type { ValidationResult } from '@lighthouse/contracts';
import { outcomeOfDecision, outcomeWithoutDecision } from './hook-outcome';

const result = (decision: ValidationResult['decision'], extra: Partial<ValidationResult> = {}): ValidationResult => ({
  decisionId: '6561d641-a42b-4b15-9320-43bebda67cb6',
  decision,
  tier: 'policy',
  ruleId: 'fs.rm-root',
  reason: 'recursive delete of /',
  confidence: 1,
  latencyMs: 1.2,
  delegationId: null,
  basis: 'rule',
  effects: [],
  ...extra,
});
const json = (text: string | undefined) => JSON.parse(text ?? 'null') as { hookSpecificOutput?: Record<string, string>; systemMessage?: string };

describe('the hook answer for a decision', () => {
  it('deny: exit 2, and the reason, rule and decision id on stderr for Claude to read', () => {
    const outcome = outcomeOfDecision('Bash', result('deny'), 'allow');
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stdout).toBeUndefined();
    expect(outcome.stderr).toBe('Lighthouse denied this Bash call: recursive delete of / (policy rule fs.rm-root; decision 6561d641-a42b-4b15-9320-43bebda67cb6)');
  });

  it('allow by an expert (or a rule): exit 0 with permissionDecision allow, or nothing at all when Claude Code should decide (defer)', () => {
    const outcome = outcomeOfDecision('Bash', result('allow', { ruleId: null, tier: 'memory', reason: 'approved by ana', basis: 'expert' }), 'allow');
    expect(outcome.exitCode).toBe(0);
    expect(json(outcome.stdout).hookSpecificOutput).toEqual({
      hookEventName: 'PreToolUse',
      permissionDecision: 'allow',
      permissionDecisionReason: expect.stringContaining('approved by ana (memory tier; decision 6561d641'),
    });
    expect(outcomeOfDecision('Bash', result('allow'), 'defer')).toEqual({ exitCode: 0 });
  });

  it('allow on no risk seen: nothing printed, exit 0 (Claude Code\'s own permission rules decide), unless the operator says always', () => {
    const unjudged = result('allow', { ruleId: null, reason: 'no rule matched and no risk seen: `ls`', basis: 'no-risk-seen' });
    expect(outcomeOfDecision('Bash', unjudged, 'allow')).toEqual({ exitCode: 0 });
    expect(outcomeOfDecision('Bash', result('allow', { basis: 'pattern', tier: 'pattern' }), 'allow')).toEqual({ exitCode: 0 });
    expect(json(outcomeOfDecision('Bash', unjudged, 'always').stdout).hookSpecificOutput).toMatchObject({ permissionDecision: 'allow' });
  });

  it('escalate: ask the human, with the reason', () => {
    const outcome = outcomeOfDecision('Write', result('escalate', { tier: 'expert' }), 'allow');
    expect(outcome.exitCode).toBe(0);
    expect(json(outcome.stdout).hookSpecificOutput).toMatchObject({ permissionDecision: 'ask', permissionDecisionReason: expect.stringContaining('Lighthouse asks a human to confirm this Write call') });
  });

  it('escalate: the reason shows where an operator answers it in the console', () => {
    const outcome = outcomeOfDecision('Write', result('escalate', { tier: 'expert' }), 'allow', 'https://lighthouse.example.com/');
    expect(json(outcome.stdout).hookSpecificOutput).toMatchObject({ permissionDecisionReason: expect.stringContaining('Lighthouse console: https://lighthouse.example.com/console/escalations') });
  });

  it('names the human who ruled', () => {
    const outcome = outcomeOfDecision('Bash', result('allow', { tier: 'expert', basis: 'expert', ruledBy: 'human.alice' }), 'allow');
    expect(json(outcome.stdout).hookSpecificOutput).toMatchObject({ permissionDecision: 'allow', permissionDecisionReason: expect.stringContaining('ruled by human.alice') });
  });
});

describe('the hook answer without a decision', () => {
  const down = { code: 'SERVICE_UNAVAILABLE' as const, message: 'the gateway at http://127.0.0.1:1 is unreachable' };

  it.each(['Bash', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit'])('blocks %s (fail closed) and says why', (tool) => {
    const outcome = outcomeWithoutDecision(tool, down);
    expect(outcome).toEqual({ exitCode: 2, stderr: expect.stringContaining(`could not validate this ${tool} call, so it is blocked (fail closed). SERVICE_UNAVAILABLE: the gateway`) });
  });

  it.each(['Read', 'Grep', 'Glob'])('lets %s run with a warning', (tool) => {
    const outcome = outcomeWithoutDecision(tool, down);
    expect(outcome.exitCode).toBe(0);
    expect(json(outcome.stdout)).toEqual({ systemMessage: expect.stringContaining('runs unvalidated. SERVICE_UNAVAILABLE') });
  });

  it('puts any other tool to the human', () => {
    const outcome = outcomeWithoutDecision('WebFetch', { code: 'UNAUTHENTICATED', message: 'credential refused' });
    expect(outcome.exitCode).toBe(0);
    expect(json(outcome.stdout).hookSpecificOutput).toMatchObject({ permissionDecision: 'ask', permissionDecisionReason: expect.stringContaining('UNAUTHENTICATED: credential refused') });
  });
});
