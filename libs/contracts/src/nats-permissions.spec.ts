import { BUS_EVENTS, RPC, committedSubject, decisionGroupSubject } from './contract-table';
import { FOLLOWED_CHANNELS, NATS_SERVICE_CONTEXTS, natsAuthorizationConfig, natsInboxPrefix, natsPermissions } from './nats-permissions';

describe('NATS permissions derived from the contract table', () => {
  it('lets a service serve only its own context\'s requests', () => {
    // Given the session registry and the gateway
    const registry = natsPermissions('session-registry');
    const gateway = natsPermissions('gateway');
    // Then only the registry may subscribe to the credential issuing subject
    expect(registry.subscribe.allow).toContain(RPC.session.issueCredential.subject);
    expect(gateway.subscribe.allow).not.toContain(RPC.session.issueCredential.subject);
    expect(natsPermissions('speed-layer').subscribe.allow).not.toContain(RPC.session.create.subject);
  });

  it('lets only the owner publish an event (no forged committed events)', () => {
    for (const user of Object.keys(NATS_SERVICE_CONTEXTS) as (keyof typeof NATS_SERVICE_CONTEXTS)[]) {
      const mayPublish = natsPermissions(user).publish.allow.includes(BUS_EVENTS.committed.subject as string);
      expect([user, mayPublish]).toEqual([user, user === 'event-store']);
    }
  });

  it('lets only the event store write the replicated log and its checkpoint', () => {
    for (const user of Object.keys(NATS_SERVICE_CONTEXTS) as (keyof typeof NATS_SERVICE_CONTEXTS)[]) {
      const allow = natsPermissions(user).publish.allow;
      expect([user, allow.includes('lh.events.evt.record.v1.>'), allow.includes('$KV.LH_EVENTS_CHECKPOINT.>')]).toEqual([user, user === 'event-store', user === 'event-store']);
    }
  });

  it('lets no service subscribe to the decision journal or its groups (read by stream consumers only; a subscriber could answer a group\'s publish)', () => {
    for (const user of Object.keys(NATS_SERVICE_CONTEXTS) as (keyof typeof NATS_SERVICE_CONTEXTS)[]) {
      const allow = natsPermissions(user).subscribe.allow;
      const journal = BUS_EVENTS.decisionJournaled.subject as string;
      expect([user, allow.filter((s) => s === journal || s === `${journal}.>` || s === decisionGroupSubject())]).toEqual([user, []]);
    }
    expect(natsPermissions('speed-layer').publish.allow).toContain(`${BUS_EVENTS.decisionJournaled.subject as string}.>`);
  });

  it('lets a service hear only the committed-event channels it follows (the router no decisions)', () => {
    // Given the router and the speed layer
    const router = natsPermissions('delegation-router').subscribe.allow;
    const speed = natsPermissions('speed-layer').subscribe.allow;
    // Then each may subscribe to its own channel's subject only, and to no wildcard over them
    expect(router).toContain(committedSubject('delegation'));
    expect(router).not.toContain(committedSubject('validation'));
    expect(speed).toEqual(expect.arrayContaining([committedSubject('validation')]));
    expect(speed).not.toContain(committedSubject('delegation'));
    // Decisions that teach nothing (most of them: memory hits) go to no service, the speed layer included
    expect(speed).not.toContain(committedSubject('verdict'));
    expect(router).not.toContain(committedSubject('verdict'));
    for (const user of Object.keys(NATS_SERVICE_CONTEXTS) as (keyof typeof NATS_SERVICE_CONTEXTS)[]) {
      const allowed = natsPermissions(user).subscribe.allow.filter((s) => s.startsWith(BUS_EVENTS.committed.subject as string));
      expect([user, allowed]).toEqual([user, FOLLOWED_CHANNELS[user].map(committedSubject)]);
    }
  });

  it('gives each service its own inbox and nobody the shared _INBOX.>', () => {
    for (const user of Object.keys(NATS_SERVICE_CONTEXTS) as (keyof typeof NATS_SERVICE_CONTEXTS)[]) {
      const { subscribe, publish } = natsPermissions(user);
      expect(subscribe.allow).toContain(`${natsInboxPrefix(user)}.>`);
      expect([...subscribe.allow, ...publish.allow].some((s) => s.startsWith('_INBOX.') || s === '>' || s === 'lh.>')).toBe(false);
    }
  });

  it('renders every user into one authorization block', () => {
    const config = natsAuthorizationConfig([{ user: 'gateway', password: 'p"w' }]);
    expect(config).toContain('user: "gateway", password: "p\\"w"');
    expect(config).toContain('allow_responses: true');
    expect(config.startsWith('authorization {')).toBe(true);
  });
});
