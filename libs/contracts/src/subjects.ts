/**
 * Every NATS subject Lighthouse uses, in one place. Shape: `lh.<context>.<cmd|query|evt>.<name>.v<N>`.
 * A breaking payload change gets a new version; the old subject keeps its old schema.
 */
export const SUBJECTS = {
  session: {
    health: 'lh.session.query.health.v1',
    /** Exchange an agent credential for a session and its first token. */
    create: 'lh.session.cmd.create.v1',
    /** A new token for the caller's live session (extends its idle expiry). */
    refresh: 'lh.session.cmd.refresh.v1',
    /** End one of the caller's sessions. */
    end: 'lh.session.cmd.end.v1',
    /** Keep the caller's session (and expert registration) alive. */
    heartbeat: 'lh.session.cmd.heartbeat.v1',
    /** Register (or replace) the caller as an expert for a role. */
    registerExpert: 'lh.session.cmd.register-expert.v1',
    /** Withdraw the caller's expert registration. */
    deregisterExpert: 'lh.session.cmd.deregister-expert.v1',
    /** Registered experts, by role and status. */
    experts: 'lh.session.query.experts.v1',
    /** Operator: a new credential for an agent (shown once). */
    issueCredential: 'lh.session.cmd.issue-credential.v1',
    /** Operator: revoke an agent (credential, sessions, expert registration). */
    revokeAgent: 'lh.session.cmd.revoke-agent.v1',
    /** Every revocation still in force, for a verifier's in-memory list. */
    revocations: 'lh.session.query.revocations.v1',
    /** Published once per revocation (agent or session), for every verifier at once. */
    revoked: 'lh.session.evt.revoked.v1',
    /**
     * Checks a caller's proof for a request another service serves (a change spends its nonce)
     * and answers who it is and its expert registration.
     */
    authorize: 'lh.session.query.authorize.v1',
    /** An agent is alive (heartbeat) or gone (session ended, agent revoked); routers listen. */
    presence: 'lh.session.evt.presence.v1',
  },
  speed: {
    health: 'lh.speed.query.health.v1',
    /** Decide allow / deny / escalate for one tool call. */
    validate: 'lh.speed.cmd.validate.v1',
    /** Journal of decisions (JetStream stream LH_DECISIONS), forwarded into the event store. */
    decided: 'lh.speed.evt.decided.v1',
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
    create: 'lh.delegation.cmd.create.v1',
    get: 'lh.delegation.query.get.v1',
    list: 'lh.delegation.query.list.v1',
    /** Long-poll for an expert's next delegation. */
    next: 'lh.delegation.query.next.v1',
    claim: 'lh.delegation.cmd.claim.v1',
    progress: 'lh.delegation.cmd.progress.v1',
    complete: 'lh.delegation.cmd.complete.v1',
    fail: 'lh.delegation.cmd.fail.v1',
    cancel: 'lh.delegation.cmd.cancel.v1',
    /** Long-poll until a delegation is finished. */
    wait: 'lh.delegation.query.wait.v1',
    /** Prefix of per-agent change notices: `<changed>.<agent>` (JetStream stream LH_DELEGATION_NOTICES). */
    changed: 'lh.delegation.evt.changed.v1',
  },
  fuse: {
    health: 'lh.fuse.query.health.v1',
  },
} as const;

/** JetStream streams, by purpose (created by the service that writes them). */
export const JETSTREAM_STREAMS = {
  /** Per-agent delegation change notices, a day deep, for resumable event streams. */
  delegationNotices: 'LH_DELEGATION_NOTICES',
  /** Validation decisions on their way into the event store. */
  decisions: 'LH_DECISIONS',
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
