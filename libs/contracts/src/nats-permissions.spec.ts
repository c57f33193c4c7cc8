import { BUS_EVENTS, RPC } from './contract-table';
import { NATS_SERVICE_CONTEXTS, natsAuthorizationConfig, natsInboxPrefix, natsPermissions } from './nats-permissions';

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
