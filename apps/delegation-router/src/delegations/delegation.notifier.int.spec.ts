import { BUS_EVENTS, CreateDelegationSchema, RPC, type Delegation, type DelegationChanged } from '@lighthouse/contracts';
import { decide, DelegationProjection } from '@lighthouse/delegation';
import { createLogger } from '@lighthouse/observability';
import { startNats, type NatsHandle } from '@lighthouse/testing';
import { EventStoreClient, FrameCodec, NatsBus } from '@lighthouse/transport';
import { connect } from 'nats';
import { DelegationNotifier } from './delegation.notifier';
import { DelegationRepository } from './delegation.repository';

// Notices over a real NATS (JetStream): queued until the router's next store request or a short
// timer, so they leave in the same socket write as that request instead of one of their own.
const logger = createLogger('notifier-test', 'silent');
const delegation = (state: Delegation['state'], assignee: string | null): Delegation => ({
  id: '5b2f1c9e-8a7d-4e3f-9b1a-0c2d3e4f5a6b',
  kind: 'task',
  requester: 'ana',
  target: { role: 'reviewer' },
  title: 'review',
  body: '',
  context: {},
  state,
  assignee,
  claimEpoch: assignee ? 1 : 0,
  leaseExpiresAt: null,
  deadline: '2026-12-08T02:00:00.000Z',
  createdAt: '2026-12-08T01:00:00.000Z',
  updatedAt: '2026-12-08T01:00:00.000Z',
  releasedFrom: [],
  progress: [],
  result: null,
  error: null,
  correlationId: 'c-1',
});

describe('delegation notices', () => {
  let nats: NatsHandle;
  let bus: NatsBus;
  let listener: NatsBus;

  beforeAll(async () => {
    nats = await startNats();
    [bus, listener] = await Promise.all([NatsBus.connect({ servers: nats.url, name: 'router' }), NatsBus.connect({ servers: nats.url, name: 'gateway' })]);
  }, 30_000);

  afterAll(async () => {
    await bus?.close();
    await listener?.close();
    await nats?.stop();
  });

  const heard = (agent: string) => {
    const notices: DelegationChanged[] = [];
    const subscription = listener.subscribe(BUS_EVENTS.delegationChanged, (n) => notices.push(n), { suffix: agent });
    return { notices, subscription };
  };
  const settle = async () => {
    await bus.flush();
    await listener.flush();
  };

  it('given notices told with a long delay, then none leaves before a flush, and a flush sends them all, in order, to each agent once', async () => {
    const notifier = await DelegationNotifier.create(bus, logger, 60_000);
    const ana = heard('ana');
    const bo = heard('bo');
    notifier.tell(delegation('in_progress', 'bo'), 'created', ['ana', 'ana']);
    notifier.tell(delegation('in_progress', 'bo'), 'claimed', ['bo']);
    notifier.notify(delegation('completed', 'bo'), 'completed');
    await settle();
    expect(ana.notices).toEqual([]);
    notifier.flush();
    await settle();
    expect(ana.notices.map((n) => [n.change, n.delegation.state])).toEqual([
      ['created', 'in_progress'],
      ['completed', 'completed'],
    ]);
    expect(bo.notices.map((n) => n.change)).toEqual(['claimed', 'completed']);
    ana.subscription.unsubscribe();
    bo.subscription.unsubscribe();
  });

  it('given a short delay, then a notice leaves on its own without a flush', async () => {
    const notifier = await DelegationNotifier.create(bus, logger, 20);
    const ana = heard('ana');
    notifier.notify(delegation('queued', null), 'created');
    await settle();
    for (let waited = 0; ana.notices.length === 0 && waited < 2000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await settle();
    }
    expect(ana.notices.map((n) => n.change)).toEqual(['created']);
    ana.subscription.unsubscribe();
  });

  it('given notices waiting, when the repository appends, then the append request reaches the server before them', async () => {
    // A stand-in for the event store over the real server, on one connection that also hears the
    // notices: NATS keeps one publisher's order, so this sees what the server routed first.
    const codec = new FrameCodec();
    const store = await connect({ servers: nats.url, name: 'store-stand-in' });
    const order: string[] = [];
    store.subscribe(RPC.events.append.subject, {
      callback: (_error, msg) => {
        order.push('append');
        msg.respond(codec.encode({ id: codec.decodeRequest(msg.data).id, response: { status: 'committed', sequences: [1], streamVersion: 1 }, isDisposed: true }));
      },
    });
    store.subscribe(`${BUS_EVENTS.delegationChanged.subject}.>`, { callback: () => order.push('notice') });
    await store.flush();
    const notifier = await DelegationNotifier.create(bus, logger, 60_000);
    const repository = new DelegationRepository(new EventStoreClient(bus), new DelegationProjection(), () => notifier.flush());
    notifier.notify(delegation('completed', 'bo'), 'completed');
    const { id } = delegation('queued', null);
    const ana = { agent: 'ana', roles: [], operator: false, capacity: 4 };
    const created = decide({ type: 'create', actor: ana, request: CreateDelegationSchema.parse({ target: { role: 'reviewer' }, title: 'review' }), id, correlationId: 'c-1' }, null);
    if (!created.ok) throw new Error(created.message);
    await expect(repository.append(id, undefined, created.events, 'ana', new Date())).resolves.toBe(true);
    await store.flush();
    expect(order).toEqual(['append', 'notice', 'notice']);
    await store.close();
  });
});
