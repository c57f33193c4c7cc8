import { BUS_EVENTS, EVENT_LOG_SUBJECT, RPC, SERVICE_HEALTH_RPCS } from './contract-table';

const subjectsOf = <T extends Record<string, { subject: string }>>(group: T) =>
  Object.fromEntries(Object.entries(group).map(([name, def]) => [name, def.subject])) as { readonly [K in keyof T]: string };

/**
 * Every NATS subject by name, derived from the contract table ({@link RPC}, {@link BUS_EVENTS}),
 * where each is declared once with its schemas. Prefer passing the definitions themselves; this
 * map serves code that only needs the string (health tables, metrics labels, deploy manifests).
 */
export const SUBJECTS = {
  session: {
    ...subjectsOf(RPC.session),
    revoked: BUS_EVENTS.revoked.subject as string,
    presence: BUS_EVENTS.presence.subject as string,
  },
  speed: { ...subjectsOf(RPC.speed), decided: BUS_EVENTS.decisionJournaled.subject as string },
  events: { ...subjectsOf(RPC.events), committed: BUS_EVENTS.committed.subject as string, records: EVENT_LOG_SUBJECT },
  delegation: { ...subjectsOf(RPC.delegation), changed: BUS_EVENTS.delegationChanged.subject as string },
  fuse: subjectsOf(RPC.fuse),
  message: { ...subjectsOf(RPC.message), noticed: BUS_EVENTS.messageNoticed.subject as string },
  search: subjectsOf(RPC.search),
} as const;

/** JetStream streams, by purpose (created by the service that writes them). */
export const JETSTREAM_STREAMS = {
  /** Per-agent delegation change and message notices, a day deep, for resumable event streams. */
  delegationNotices: 'LH_DELEGATION_NOTICES',
  /** Validation decisions on their way into the event store, one per message (older speed layers; drained, no longer written). */
  decisions: 'LH_DECISIONS',
  /** Validation decisions on their way into the event store, in groups: each message a msgpack array of `validation.decided` events. */
  decisionGroups: 'LH_DECISION_GROUPS',
  /** The replicated event log's records (LH_EVENT_BACKEND=jetstream; LH_EVENT_STREAM's default); its signed checkpoint is the KV bucket `<stream>_CHECKPOINT`. */
  eventLog: 'LH_EVENTS',
} as const;

/** JetStream object store buckets, by purpose (their defaults; the NATS users are derived from these names). */
export const JETSTREAM_BUCKETS = {
  /** Followers' snapshots, one object per follower kind (LH_SNAPSHOT_BUCKET's default). */
  snapshots: 'lh-snapshots',
  /** The shared filesystem's content chunks, by SHA-256 (LH_FUSE_BUCKET's default). */
  fileChunks: 'lighthouse-fs',
} as const;

/** The NATS services the gateway reports on in `GET /health`, with their health subject. */
export const SERVICE_HEALTH_SUBJECTS = Object.fromEntries(Object.entries(SERVICE_HEALTH_RPCS).map(([service, rpc]) => [service, rpc.subject])) as {
  readonly [K in keyof typeof SERVICE_HEALTH_RPCS]: string;
};

export type ServiceName = keyof typeof SERVICE_HEALTH_RPCS;

/** Queue group per service, so replicas share the work of one subject. */
export const queueGroupOf = (service: string): string => `lh.q.${service}`;
