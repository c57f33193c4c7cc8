import { canSeeEvent, isPublicStream, type VisibilityContext } from './event-visibility';

const ana = { agent: 'ana', operator: false };
const operator = { agent: 'ops', operator: true };
const context: VisibilityContext = {
  publicStreams: ['fs', 'announcements-*'],
  isDelegationParty: (id, agent) => id === 'd-1' && ['ana', 'sec-bo'].includes(agent),
};
const event = (stream: string, agent: string) => ({ stream, agent });

describe('event visibility', () => {
  it('given an operator, when it reads any event, then it sees it', () => {
    expect(canSeeEvent(operator, event('agent:bo', 'bo'), context)).toBe(true);
    expect(canSeeEvent(operator, event('delegation-d-9', 'bo'), context)).toBe(true);
  });

  it("given an agent, when it reads its own stream or events it wrote, then it sees them", () => {
    expect(canSeeEvent(ana, event('agent:ana', 'session-registry'), context)).toBe(true);
    expect(canSeeEvent(ana, event('notes-ana', 'ana'), context)).toBe(true);
    expect(canSeeEvent(ana, event('decisions', 'ana'), context)).toBe(true);
  });

  it("given an agent, when it reads another agent's stream, decisions or notes, then it does not see them", () => {
    expect(canSeeEvent(ana, event('agent:bo', 'bo'), context)).toBe(false);
    expect(canSeeEvent(ana, event('agent:bo', 'ana'), context)).toBe(false);
    expect(canSeeEvent(ana, event('decisions', 'bo'), context)).toBe(false);
    expect(canSeeEvent(ana, event('notes-bo', 'bo'), context)).toBe(false);
  });

  it('given delegation events, when the agent is a party, then it sees every one of them, else none', () => {
    expect(canSeeEvent(ana, event('delegation-d-1', 'sec-bo'), context)).toBe(true);
    expect(canSeeEvent({ agent: 'sec-bo', operator: false }, event('delegation-d-1', 'ana'), context)).toBe(true);
    expect(canSeeEvent({ agent: 'cy', operator: false }, event('delegation-d-1', 'ana'), context)).toBe(false);
    expect(canSeeEvent(ana, event('delegation-d-2', 'bo'), context)).toBe(false);
  });

  it('given streams the operator made public, when any agent reads them, then it sees them', () => {
    expect(canSeeEvent(ana, event('fs', 'fuse-pod-1'), context)).toBe(true);
    expect(canSeeEvent(ana, event('announcements-release', 'bo'), context)).toBe(true);
    expect(isPublicStream('fs-other', ['fs'])).toBe(false);
  });

  it('given a thread event, when read, then only its writer, the agents of its audience and operators see it', () => {
    const sent = { stream: 'thread-t-1', agent: 'ana', data: { audience: ['ana', 'bo'] } };
    expect(canSeeEvent(ana, sent, context)).toBe(true);
    expect(canSeeEvent({ agent: 'bo', operator: false }, sent, context)).toBe(true);
    expect(canSeeEvent({ agent: 'cy', operator: false }, sent, context)).toBe(false);
    expect(canSeeEvent(operator, sent, context)).toBe(true);
  });

  it('given a thread event without an audience, or a thread stream the operator made public by pattern, then no third agent sees it', () => {
    const cy = { agent: 'cy', operator: false };
    expect(canSeeEvent(cy, { stream: 'thread-t-2', agent: 'ana', data: {} }, context)).toBe(false);
    expect(canSeeEvent(cy, { stream: 'thread-t-3', agent: 'ana', data: { audience: 'cy' } }, context)).toBe(false);
    expect(canSeeEvent(cy, { stream: 'thread-t-4', agent: 'ana', data: { audience: ['ana'] } }, { ...context, publicStreams: ['thread-*'] })).toBe(false);
  });

  it("given an agent, when it reads another agent's reservation events, then it sees them (reservations are the shared map every agent lists)", () => {
    expect(canSeeEvent(ana, event('reservations', 'bo'), context)).toBe(true);
    expect(canSeeEvent(ana, event('reservations-bo', 'bo'), context)).toBe(false);
  });
});
