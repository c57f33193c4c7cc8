import { randomUUID } from 'node:crypto';
import { DecisionSchema, EffectKindSchema, EffectSchema, SessionGrantSchema, TierSchema, ValidationBasisSchema, ValidationResultSchema } from '@lighthouse/contracts';
import { BASES, DECISIONS, EFFECT_FIELDS, EFFECT_KINDS, GRANT_FIELDS, readDecision, readGrant, RESULT_FIELDS, TIERS } from './hook-answers';

// The hook reads the gateway's answers by hand (zod would double its start-up); these tests hold
// the hand-written reading to the contract schemas, which stay the source of truth.
const valid = () => ({
  decisionId: randomUUID(),
  decision: 'allow',
  tier: 'policy',
  ruleId: 'git-read',
  reason: 'read-only git',
  confidence: 1,
  latencyMs: 0.1,
  delegationId: null,
  basis: 'rule',
  effects: [{ kind: 'read', class: 'workspace', target: '/w/a', risky: false, command: 'git status' }],
});
const grant = () => ({
  agentId: 'dev-1',
  sessionId: 'A'.repeat(22),
  token: 'v1.claims.mac',
  tokenExpiresAt: new Date(Date.now() + 900_000).toISOString(),
  sessionExpiresAt: '2030-01-01T00:00:00Z',
  idleTimeoutSeconds: 1800,
  sessionKey: 'k'.repeat(43),
  audience: 'lighthouse',
});

describe('the hook reads gateway answers as the contract does', () => {
  it('knows the same fields and enum values as the schemas', () => {
    expect(Object.keys(RESULT_FIELDS).sort()).toEqual(Object.keys(ValidationResultSchema.shape).sort());
    expect(Object.keys(EFFECT_FIELDS).sort()).toEqual(Object.keys(EffectSchema.shape).sort());
    expect(Object.keys(GRANT_FIELDS).sort()).toEqual(Object.keys(SessionGrantSchema.shape).sort());
    expect([...DECISIONS]).toEqual(DecisionSchema.options);
    expect([...TIERS]).toEqual(TierSchema.options);
    expect([...BASES]).toEqual(ValidationBasisSchema.options);
    expect([...EFFECT_KINDS]).toEqual(EffectKindSchema.options);
  });

  const mutations: Array<[string, (a: Record<string, unknown>) => unknown]> = [
    ['as is', (a) => a],
    ['no effects', (a) => ({ ...a, effects: [] })],
    ['escalate by an expert with a delegation', (a) => ({ ...a, decision: 'escalate', tier: 'expert', basis: 'expert', delegationId: randomUUID(), ruleId: null })],
    ['no-risk-seen', (a) => ({ ...a, basis: 'no-risk-seen', ruleId: null })],
    ['ruled by a human', (a) => ({ ...a, tier: 'expert', basis: 'expert', ruledBy: 'human.alice' })],
    ['ruled by nobody', (a) => ({ ...a, ruledBy: null })],
    ['ruled by a number', (a) => ({ ...a, ruledBy: 5 })],
    ['ruled by a long name', (a) => ({ ...a, ruledBy: 'h'.repeat(129) })],
    ['reservation not an object', (a) => ({ ...a, decision: 'deny', tier: 'reservation', basis: 'reservation', reservation: 'held' })],
    ['empty object', () => ({})],
    ['array', (a) => [a]],
    ['string', () => '<html>'],
    ['null', () => null],
    ['unknown field', (a) => ({ ...a, extra: 1 })],
    ['missing decision', ({ decision: _d, ...a }) => a],
    ['unknown decision', (a) => ({ ...a, decision: 'approve' })],
    ['unknown tier', (a) => ({ ...a, tier: 'cache' })],
    ['unknown basis', (a) => ({ ...a, basis: 'vibes' })],
    ['decision id not a uuid', (a) => ({ ...a, decisionId: 'abc' })],
    ['confidence above 1', (a) => ({ ...a, confidence: 1.5 })],
    ['confidence as text', (a) => ({ ...a, confidence: '1' })],
    ['negative latency', (a) => ({ ...a, latencyMs: -1 })],
    ['rule id a number', (a) => ({ ...a, ruleId: 5 })],
    ['reason missing', ({ reason: _r, ...a }) => a],
    ['delegation id not a uuid', (a) => ({ ...a, delegationId: 'x' })],
    ['effects not an array', (a) => ({ ...a, effects: {} })],
    ['65 effects', (a) => ({ ...a, effects: Array.from({ length: 65 }, () => ({ kind: 'read', class: 'x', risky: false, command: 'c' })) })],
    ['effect of unknown kind', (a) => ({ ...a, effects: [{ kind: 'fly', class: 'x', risky: false, command: 'c' }] })],
    ['effect with an unknown field', (a) => ({ ...a, effects: [{ kind: 'read', class: 'x', risky: false, command: 'c', more: 1 }] })],
    ['effect risky as text', (a) => ({ ...a, effects: [{ kind: 'read', class: 'x', risky: 'no', command: 'c' }] })],
    ['effect class too long', (a) => ({ ...a, effects: [{ kind: 'read', class: 'x'.repeat(65), risky: false, command: 'c' }] })],
  ];

  it.each(mutations)('given a validation answer (%s), has the schema\'s verdict', (_name, mutate) => {
    const answer = mutate(valid());
    expect('result' in readDecision(answer)).toBe(ValidationResultSchema.safeParse(answer).success);
  });

  const grantMutations: Array<[string, (g: Record<string, unknown>) => unknown]> = [
    ['as is', (g) => g],
    ['milliseconds-free times', (g) => ({ ...g, tokenExpiresAt: '2030-01-01T00:00:00Z' })],
    ['times with an offset', (g) => ({ ...g, tokenExpiresAt: '2030-01-01T00:00:00+01:00' })],
    ['unknown field', (g) => ({ ...g, credential: 'x' })],
    ['short session key', (g) => ({ ...g, sessionKey: 'k' })],
    ['no token', ({ token: _t, ...g }) => g],
    ['token too long', (g) => ({ ...g, token: 't'.repeat(4097) })],
    ['idle timeout zero', (g) => ({ ...g, idleTimeoutSeconds: 0 })],
    ['bad session id', (g) => ({ ...g, sessionId: 'short' })],
    ['expiry not a time', (g) => ({ ...g, tokenExpiresAt: 'tomorrow' })],
  ];

  it.each(grantMutations)('given a session grant (%s), has the schema\'s verdict', (_name, mutate) => {
    const answer = mutate(grant());
    expect('grant' in readGrant(answer)).toBe(SessionGrantSchema.safeParse(answer).success);
  });
});
