import { randomUUID } from 'node:crypto';
import { CreateDelegationSchema, SendMessageSchema, type NewEvent } from '@lighthouse/contracts';
import { decide } from '@lighthouse/delegation';
import { EventLog } from '@lighthouse/event-log';
import { decideSend } from '@lighthouse/messaging';

// Recent enough that no deadline or lease has lapsed when the router starts (it would append expiries).
const T0 = Date.now() - 2 * 86_400_000;
const WEEK_MS = 7 * 86_400_000;
const FEATURES = ['prog:git', 'prog:npm', 'prog:rm', 'prog:curl', 'sub:status', 'sub:test', 'sub:push', 'path:workspace', 'path:tmp', 'path:home-dotfile', 'flag:force', 'pipe:shell', 'tool:Bash', 'tool:Write'];
const agentOf = (n: number) => `agent-${n % 1000}`;
const event = (type: string, stream: string, agent: string, data: Record<string, unknown>): NewEvent => ({ id: randomUUID(), type, stream, agent, correlationId: 'bench', causationId: null, schemaVersion: 1, data });

/** A validation decision as the speed layer writes it (trainable: a policy answer with its features). */
function decision(n: number, at: string): NewEvent {
  const features = FEATURES.filter((_, i) => (n >> i) % 3 === 0).slice(0, 5);
  const deny = features.includes('prog:rm') || features.includes('pipe:shell');
  return event('validation.decided', 'decisions', agentOf(n), {
    tool: 'Bash',
    decision: deny ? 'deny' : 'allow',
    tier: 'policy',
    at,
    training: { features, source: 'policy', agent: agentOf(n) },
  });
}

/** A delegation's whole life in one append (one stream): created, claimed, and (9 in 10) completed. */
function delegation(n: number, atMs: number): NewEvent[] {
  const id = randomUUID();
  const request = CreateDelegationSchema.parse({ target: { role: `role_${n % 10}` }, title: `review ${n}`, body: 'look at this change please', deadlineSeconds: 604_800 });
  const created = decide({ type: 'create', actor: { agent: agentOf(n), roles: [], operator: false, capacity: 4 }, request, id, correlationId: id }, null);
  if (!created.ok) throw new Error(created.message);
  const at = (ms: number) => new Date(atMs + ms).toISOString();
  const stream = `delegation-${id}`;
  const expert = `expert-${n % 100}`;
  const events = [
    event('delegation.created', stream, agentOf(n), { ...(created.events[0]?.data as Record<string, unknown>), at: at(0) }),
    event('delegation.claimed', stream, expert, { assignee: expert, claimEpoch: 1, leaseExpiresAt: new Date(Date.now() + WEEK_MS).toISOString(), at: at(10) }),
  ];
  if (n % 10 !== 0) events.push(event('delegation.completed', stream, expert, { result: { verdict: 'approve', n }, at: at(20) }));
  return events;
}

/** A message from one agent to another (a new thread). */
function message(n: number, atMs: number): NewEvent {
  const id = randomUUID();
  const request = SendMessageSchema.parse({ to: { agents: [agentOf(n + 1)] }, subject: `about ${n}`, body: `the build of change ${n} is green` });
  const [sent] = decideSend({ type: 'send', actor: { agent: agentOf(n), roles: [], operator: false, capacity: 1 }, request, roleMembers: [], isAgent: () => true, id, now: new Date(atMs) }, undefined);
  return event('message.sent', `thread-${id}`, agentOf(n), sent?.data as Record<string, unknown>);
}

/**
 * A history of about `count` events, in appends (one list per append): per ten events, six
 * validation decisions, one delegation's life (three events; one in ten left claimed), and an
 * agent's own note or (one in five) a message.
 */
export function* history(count: number): Generator<NewEvent[]> {
  for (let cycle = 0, written = 0; written < count; cycle++) {
    const atMs = T0 + cycle * 1000;
    const at = new Date(atMs).toISOString();
    const appends = [
      ...Array.from({ length: 6 }, (_, i) => [decision(cycle * 6 + i, at)]),
      delegation(cycle, atMs),
      [cycle % 5 === 0 ? message(cycle, atMs) : event('note.recorded', `agent:${agentOf(cycle)}`, agentOf(cycle), { text: `finished step ${cycle} of the migration`, at })],
    ];
    for (const events of appends) {
      written += events.length;
      yield events;
    }
  }
}

/** Writes {@link history} straight into a log directory with the file engine (no gateway, no store service). */
export async function writeHistory(dir: string, secret: Buffer, count: number, progress: (written: number) => void): Promise<number> {
  const log = await EventLog.open({ dir, keyring: { keys: [{ id: 1, secret }], activeKeyId: 1 } });
  const inflight = new Set<Promise<unknown>>();
  let written = 0;
  for (const events of history(count)) {
    const pending = log.append({ events });
    inflight.add(pending);
    void pending.finally(() => inflight.delete(pending));
    const before = written;
    written += events.length;
    if (inflight.size >= 2000) await Promise.race(inflight);
    if (Math.floor(written / 100_000) > Math.floor(before / 100_000)) progress(written);
  }
  await Promise.all(inflight);
  await log.close();
  return written;
}
