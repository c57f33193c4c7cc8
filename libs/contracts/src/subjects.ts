/**
 * Every NATS subject Lighthouse uses, in one place. Shape: `lh.<context>.<cmd|query|evt>.<name>.v<N>`.
 * A breaking payload change gets a new version; the old subject keeps its old schema.
 */
export const SUBJECTS = {
  session: {
    health: 'lh.session.query.health.v1',
  },
  speed: {
    health: 'lh.speed.query.health.v1',
  },
  events: {
    health: 'lh.events.query.health.v1',
    /** Append one or more events to one stream (optionally with an expected version). */
    append: 'lh.events.cmd.append.v1',
    /** Read committed events by sequence, stream, type, agent or time, paginated. */
    read: 'lh.events.query.read.v1',
    /** Head of the log: last sequence and chain head. */
    head: 'lh.events.query.head.v1',
    /** Published once per committed event, after its batch is durable. */
    committed: 'lh.events.evt.committed.v1',
  },
  delegation: {
    health: 'lh.delegation.query.health.v1',
  },
  fuse: {
    health: 'lh.fuse.query.health.v1',
  },
} as const;

/** The NATS services the gateway reports on in `GET /health`, with their health subject. */
export const SERVICE_HEALTH_SUBJECTS = {
  'session-registry': SUBJECTS.session.health,
  'speed-layer': SUBJECTS.speed.health,
  'event-store': SUBJECTS.events.health,
  'delegation-router': SUBJECTS.delegation.health,
  'fuse-mounter': SUBJECTS.fuse.health,
} as const;

export type ServiceName = keyof typeof SERVICE_HEALTH_SUBJECTS;

/** Queue group per service, so replicas share the work of one subject. */
export const queueGroupOf = (service: string): string => `lh.q.${service}`;
