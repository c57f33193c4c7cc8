import { NewEventSchema } from '@lighthouse/contracts';
import { sessionEvent } from './session-event';

describe('session events', () => {
  it('builds a valid event on the agent stream', () => {
    const event = sessionEvent('session.refreshed', 'me@example.com', { sessionId: 's'.repeat(22), tokenExpiresAt: new Date(0).toISOString() }, 'req-1');
    expect(NewEventSchema.parse(event)).toMatchObject({ type: 'session.refreshed', stream: 'agent:me/example.com', agent: 'me@example.com', correlationId: 'req-1' });
  });

  it('refuses data that does not match the event schema (a secret slipping in, say)', () => {
    const data = { sessionId: 's'.repeat(22), tokenExpiresAt: new Date(0).toISOString(), token: 'v1.a.b' };
    expect(() => sessionEvent('session.refreshed', 'agent-1', data as never, 'req-1')).toThrow();
  });
});
