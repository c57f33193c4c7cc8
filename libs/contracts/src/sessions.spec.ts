import { randomBytes } from 'node:crypto';
import { SESSION_EVENT_DATA, agentStreamOf } from './session-events';
import {
  CreateSessionRequestSchema,
  CredentialSchema,
  ListExpertsQuerySchema,
  NonceSchema,
  RegisterExpertRequestSchema,
  RevocationSchema,
  SessionIdSchema,
} from './sessions';
import { StreamIdSchema } from './events';

const credential = `lhc_${randomBytes(32).toString('base64url')}`;

describe('session contracts', () => {
  it('accepts a credential exchange and rejects unknown fields', () => {
    expect(CreateSessionRequestSchema.parse({ agentId: 'agent-1', credential })).toEqual({ agentId: 'agent-1', credential });
    expect(CreateSessionRequestSchema.safeParse({ agentId: 'agent-1', credential, admin: true }).success).toBe(false);
  });

  it('accepts only well-formed credentials, session ids and nonces', () => {
    expect(CredentialSchema.safeParse(credential).success).toBe(true);
    expect(CredentialSchema.safeParse(credential.slice(0, -1)).success).toBe(false);
    expect(CredentialSchema.safeParse(`lhx_${credential.slice(4)}`).success).toBe(false);
    expect(SessionIdSchema.safeParse(randomBytes(16).toString('base64url')).success).toBe(true);
    expect(SessionIdSchema.safeParse('../../etc/passwd-xxxxx').success).toBe(false);
    expect(NonceSchema.safeParse('short').success).toBe(false);
    expect(NonceSchema.safeParse('a'.repeat(65)).success).toBe(false);
    expect(NonceSchema.safeParse('n'.repeat(16)).success).toBe(true);
  });

  it('fills expert registration defaults and bounds capacity', () => {
    expect(RegisterExpertRequestSchema.parse({ role: 'security_architect' })).toEqual({
      role: 'security_architect',
      capabilities: [],
      capacity: 1,
      status: 'available',
    });
    expect(RegisterExpertRequestSchema.safeParse({ role: 'Security Architect' }).success).toBe(false);
    expect(RegisterExpertRequestSchema.safeParse({ role: 'qa', capacity: 0 }).success).toBe(false);
    expect(RegisterExpertRequestSchema.safeParse({ role: 'qa', agentId: 'someone-else' }).success).toBe(false);
  });

  it('coerces the list limit from a query string and rejects unknown query fields', () => {
    expect(ListExpertsQuerySchema.parse({ role: 'qa', limit: '5' })).toEqual({ role: 'qa', limit: 5 });
    expect(ListExpertsQuerySchema.safeParse({ sort: 'name' }).success).toBe(false);
  });

  it('tells agent and session revocations apart', () => {
    expect(RevocationSchema.parse({ kind: 'agent', agentId: 'a', revokedAt: 10 }).kind).toBe('agent');
    expect(RevocationSchema.safeParse({ kind: 'agent', agentId: 'a', sessionId: 'x', revokedAt: 10 }).success).toBe(false);
  });

  it('maps every agent id to a valid stream, one to one', () => {
    const ids = ['agent-1', 'me@example.com', 'a.b_c-d', 'x@y@z'];
    const streams = ids.map(agentStreamOf);
    for (const stream of streams) expect(StreamIdSchema.safeParse(stream).success).toBe(true);
    expect(new Set(streams).size).toBe(ids.length);
  });

  it('has a data schema for every session event type, none of which carries a secret', () => {
    expect(Object.keys(SESSION_EVENT_DATA).sort()).toEqual([
      'agent.revoked',
      'credential.issued',
      'expert.deregistered',
      'expert.registered',
      'session.created',
      'session.ended',
      'session.refreshed',
    ]);
    for (const schema of Object.values(SESSION_EVENT_DATA)) {
      expect(Object.keys(schema.shape).filter((key) => /credential|token$|hash|key/i.test(key))).toEqual([]);
    }
  });
});
