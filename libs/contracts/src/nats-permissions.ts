import type { EventDefinition, RpcDefinition } from './contract';
import { BUS_EVENTS, EVENT_LOG_SUBJECT, RPC, committedSubject } from './contract-table';
import { EVENT_CHANNELS, type EventChannel } from './event-channels';
import { JETSTREAM_BUCKETS, JETSTREAM_STREAMS } from './subjects';

/**
 * The NATS users of Lighthouse: one per service, each owning the contract-table contexts whose
 * requests it serves and whose events it publishes (none: it serves nothing, e.g. the gateway).
 * Agents have no user: nothing on their side of the network may reach the bus.
 */
export const NATS_SERVICE_CONTEXTS = {
  'event-store': ['events'],
  'session-registry': ['session'],
  'speed-layer': ['speed'],
  'delegation-router': ['delegation', 'message', 'search'],
  'fuse-mounter': ['fuse'],
  gateway: [],
} as const satisfies Record<string, readonly (keyof typeof RPC)[]>;

/** A NATS user of Lighthouse (a service). */
export type NatsServiceUser = keyof typeof NATS_SERVICE_CONTEXTS;

/**
 * The committed-event channels each service follows, and the only ones it may subscribe to:
 * what it applies (the router no decisions, the speed layer no delegations), never the rest.
 * The mounter shows any public stream, whatever its events' types.
 */
export const FOLLOWED_CHANNELS = {
  'event-store': [],
  'session-registry': [],
  'speed-layer': ['validation', 'expert', 'session', 'agent', 'credential', 'reservation'],
  // Delegations, messages and agents' own events (search); reservations, and the session ends and revocations that release them;
  // the credentials issued, which say what agents a message may name.
  'delegation-router': ['delegation', 'message', 'other', 'reservation', 'session', 'agent', 'credential'],
  'fuse-mounter': EVENT_CHANNELS,
  // The operators' console shows every event live (and subscribes only while a console is open).
  gateway: EVENT_CHANNELS,
} as const satisfies Record<NatsServiceUser, readonly EventChannel[]>;

/** What one user may publish and subscribe to, as nats-server's `permissions` block wants it. */
export interface NatsPermissions {
  publish: { allow: string[] };
  subscribe: { allow: string[] };
  /** May publish a reply to a request it received (and only one), without publish rights on the reply subject. */
  allow_responses: true;
}

/**
 * The inbox prefix of a user: its replies and JetStream deliveries arrive there, and only it may
 * subscribe there, so nobody reads another service's replies (session grants among them).
 */
export const natsInboxPrefix = (user: string): string => `_INBOX_${user}`;

const API = '$JS.API';

/** Creates or brings to its spec a stream the service owns, and reads its state. */
const manageStream = (stream: string): string[] => [`${API}.STREAM.CREATE.${stream}`, `${API}.STREAM.UPDATE.${stream}`, `${API}.STREAM.INFO.${stream}`];

/**
 * Reads a stream: its state, single messages (direct or through the leader), and its own
 * consumers — created (ephemeral ordered ones, named at random), fetched from, acknowledged,
 * flow-controlled. `deletes`: it deletes the ordered consumers it created when done (a consumer
 * of a stream it reads alone; no other service's consumer lives there).
 */
const readStream = (stream: string, options: { deletes?: boolean } = {}): string[] => [
  `${API}.STREAM.INFO.${stream}`,
  `${API}.STREAM.MSG.GET.${stream}`,
  `${API}.DIRECT.GET.${stream}`,
  `${API}.DIRECT.GET.${stream}.>`,
  `${API}.CONSUMER.CREATE.${stream}`,
  `${API}.CONSUMER.CREATE.${stream}.>`,
  `${API}.CONSUMER.INFO.${stream}.*`,
  `${API}.CONSUMER.MSG.NEXT.${stream}.*`,
  `$JS.ACK.${stream}.>`,
  `$JS.FC.${stream}.>`,
  ...(options.deletes ? [`${API}.CONSUMER.DELETE.${stream}.*`] : []),
];

/** A shared durable consumer the service owns on a stream it reads: created, looked up, fetched, acknowledged. */
const durableConsumer = (stream: string, name: string): string[] => [
  `${API}.CONSUMER.CREATE.${stream}.${name}`,
  `${API}.CONSUMER.CREATE.${stream}.${name}.>`,
  `${API}.CONSUMER.DURABLE.CREATE.${stream}.${name}`,
  `${API}.CONSUMER.INFO.${stream}.${name}`,
  `${API}.CONSUMER.MSG.NEXT.${stream}.${name}`,
  `$JS.ACK.${stream}.${name}.>`,
];

/** Opens an object store bucket (finding its stream by subject) and reads its objects. */
const readBucket = (bucket: string): string[] => [`${API}.STREAM.NAMES`, ...readStream(`OBJ_${bucket}`)];

/**
 * Writes an object store bucket: creates it, puts objects (chunks and meta records under
 * `$O.<bucket>`), and purges the chunks a replaced object leaves behind (the store's own put does).
 */
const writeBucket = (bucket: string): string[] => [...readBucket(bucket), ...manageStream(`OBJ_${bucket}`), `${API}.STREAM.PURGE.OBJ_${bucket}`, `$O.${bucket}.>`];

/** The replicated event log's stream (LH_EVENT_BACKEND=jetstream) and its signed checkpoint's KV bucket. */
const EVENT_LOG_STREAM = JETSTREAM_STREAMS.eventLog;
const CHECKPOINT_BUCKET = `${EVENT_LOG_STREAM}_CHECKPOINT`;

/** The speed layer's durable consumer forwarding the decision journal into the event store. */
export const DECISION_FORWARDER = 'event-store-forwarder';

/**
 * The JetStream API each service calls, by resource, and nothing else: no service may delete or
 * purge a stream it does not own, delete another service's consumer, create a stream of its own
 * choosing (one could record subjects the service may not hear), or write a bucket it only reads.
 * `$JS.API.INFO` (the account's limits) is what opening JetStream asks first.
 * Resource names are the defaults (JETSTREAM_STREAMS, JETSTREAM_BUCKETS): a deployment that
 * renames one (LH_EVENT_STREAM, LH_SNAPSHOT_BUCKET, LH_FUSE_BUCKET) is refused until it renders
 * users for the new names.
 */
export const JETSTREAM_API = {
  // The only writer of the replicated log: creates its stream (deletes and purges refused by the
  // stream itself), reads it page by page, and owns the checkpoint bucket. Nobody else reads them.
  'event-store': [
    `${API}.INFO`,
    ...manageStream(EVENT_LOG_STREAM),
    ...readStream(EVENT_LOG_STREAM, { deletes: true }),
    ...manageStream(`KV_${CHECKPOINT_BUCKET}`),
    ...readStream(`KV_${CHECKPOINT_BUCKET}`),
  ],
  'session-registry': [],
  // The decision journal's streams and their forwarder; the snapshots of its followers.
  'speed-layer': [
    `${API}.INFO`,
    ...[JETSTREAM_STREAMS.decisions, JETSTREAM_STREAMS.decisionGroups].flatMap((stream) => [...manageStream(stream), ...durableConsumer(stream, DECISION_FORWARDER)]),
    ...writeBucket(JETSTREAM_BUCKETS.snapshots),
  ],
  // The notices stream (it publishes into it on its own subjects); the snapshots of its followers.
  'delegation-router': [`${API}.INFO`, ...manageStream(JETSTREAM_STREAMS.delegationNotices), ...writeBucket(JETSTREAM_BUCKETS.snapshots)],
  // The shared filesystem's chunk store, its own.
  'fuse-mounter': [`${API}.INFO`, ...writeBucket(JETSTREAM_BUCKETS.fileChunks)],
  // Agents' event streams: ordered consumers on the notices, deleted when the stream closes.
  gateway: [`${API}.INFO`, ...readStream(JETSTREAM_STREAMS.delegationNotices, { deletes: true })],
} as const satisfies Record<NatsServiceUser, readonly string[]>;

/**
 * The replicated event log (LH_EVENT_BACKEND=jetstream): its records' subjects and its signed
 * checkpoint's bucket (default stream LH_EVENTS). Only the event store writes them.
 */
export const EVENT_LOG_PUBLISH = [`${EVENT_LOG_SUBJECT}.>`, `$KV.${CHECKPOINT_BUCKET}.>`];

const rpcSubjects = (context: keyof typeof RPC): string[] => Object.values<RpcDefinition>(RPC[context]).map((rpc) => rpc.subject);
const everyRpcSubject = (): string[] => (Object.keys(RPC) as (keyof typeof RPC)[]).flatMap(rpcSubjects);
const eventSubjects = (filter: (subject: string) => boolean): string[] =>
  Object.values<EventDefinition>(BUS_EVENTS)
    .map((event) => event.subject as string)
    .filter(filter)
    // Per-agent subjects (`<subject>.<agent>`) sit under the declared one.
    .flatMap((subject) => [subject, `${subject}.>`]);

const COMMITTED = BUS_EVENTS.committed.subject as string;
/**
 * The decision journal (and its groups) is read through its JetStream streams' consumers only,
 * never by a core subscription: a subscriber could hear every agent's decisions and answer a
 * group's publish before the stream does.
 */
const DECISION_JOURNAL = BUS_EVENTS.decisionJournaled.subject as string;

/**
 * The permissions of one service, derived from the contract table: it may send any request
 * (the callee checks the caller's proof), publish only its own context's events, serve only its
 * own context's requests, hear every bus event but the decision journal and the committed events
 * of channels it does not follow ({@link FOLLOWED_CHANNELS}), and read only its own inbox.
 */
export function natsPermissions(user: NatsServiceUser): NatsPermissions {
  const contexts: readonly (keyof typeof RPC)[] = NATS_SERVICE_CONTEXTS[user];
  const own = (subject: string) => contexts.some((context) => subject.startsWith(`lh.${context}.`));
  const followed = FOLLOWED_CHANNELS[user].map(committedSubject);
  return {
    publish: { allow: [...everyRpcSubject(), ...eventSubjects(own), ...new Set(JETSTREAM_API[user]), ...(user === 'event-store' ? EVENT_LOG_PUBLISH : [])] },
    subscribe: { allow: [...contexts.flatMap(rpcSubjects), ...eventSubjects((subject) => subject !== COMMITTED && subject !== DECISION_JOURNAL), ...followed, `${natsInboxPrefix(user)}.>`] },
    allow_responses: true,
  };
}

/** A user and its password, as the server config lists it. */
export interface NatsUserSecret {
  user: NatsServiceUser;
  password: string;
}

const quoted = (value: string) => JSON.stringify(value);
const list = (subjects: string[]) => `[${subjects.map(quoted).join(', ')}]`;

/**
 * The `authorization { users = [...] }` block of a nats-server config: every service user with
 * its permissions (and nothing else: a client without a user is refused). `extraUsers` are
 * rendered entries laid on top (the test kit's observer).
 */
export function natsAuthorizationConfig(users: readonly NatsUserSecret[], extraUsers: readonly string[] = []): string {
  const lines = users.map(({ user, password }) => {
    const p = natsPermissions(user);
    return [
      `    { user: ${quoted(user)}, password: ${quoted(password)}, permissions: {`,
      `      publish: { allow: ${list(p.publish.allow)} }`,
      `      subscribe: { allow: ${list(p.subscribe.allow)} }`,
      `      allow_responses: true`,
      `    } }`,
    ].join('\n');
  });
  return ['authorization {', '  users = [', ...lines, ...extraUsers, '  ]', '}'].join('\n');
}
