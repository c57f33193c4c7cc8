/** A connection's (or a group of same-named connections') message counters, from nats-server's /connz. */
export interface NatsCounters {
  /** Messages it published. */
  inMsgs: number;
  /** Messages delivered to it (each subscriber of a message counts once). */
  outMsgs: number;
  inBytes: number;
  outBytes: number;
}

interface ConnzEntry {
  cid: number;
  name?: string;
  authorized_user?: string;
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
}

/**
 * Every client connection's counters by connection name (a service names its connections; the
 * user, else the id, for one that does not), same-named connections summed. Closed connections
 * are not listed: read before and after a run whose connections stay open.
 */
export async function natsCounters(monitorUrl: string): Promise<Map<string, NatsCounters>> {
  const reply = await fetch(`${monitorUrl}/connz?auth=1&limit=100000`, { signal: AbortSignal.timeout(5000) });
  if (!reply.ok) throw new Error(`${monitorUrl}/connz answered ${reply.status}`);
  const { connections } = (await reply.json()) as { connections: ConnzEntry[] };
  const byName = new Map<string, NatsCounters>();
  for (const c of connections) {
    const key = c.name ?? c.authorized_user ?? `cid-${c.cid}`;
    const sum = byName.get(key) ?? { inMsgs: 0, outMsgs: 0, inBytes: 0, outBytes: 0 };
    sum.inMsgs += c.in_msgs;
    sum.outMsgs += c.out_msgs;
    sum.inBytes += c.in_bytes;
    sum.outBytes += c.out_bytes;
    byName.set(key, sum);
  }
  return byName;
}

/** What each connection published and was delivered between two readings (`skip`: names left out). */
export function trafficBetween(before: Map<string, NatsCounters>, after: Map<string, NatsCounters>, skip: readonly string[] = []): Record<string, NatsCounters> {
  const zero: NatsCounters = { inMsgs: 0, outMsgs: 0, inBytes: 0, outBytes: 0 };
  const out: Record<string, NatsCounters> = {};
  for (const [name, a] of after) {
    if (skip.includes(name)) continue;
    const b = before.get(name) ?? zero;
    const d = { inMsgs: a.inMsgs - b.inMsgs, outMsgs: a.outMsgs - b.outMsgs, inBytes: a.inBytes - b.inBytes, outBytes: a.outBytes - b.outBytes };
    if (d.inMsgs > 0 || d.outMsgs > 0) out[name] = d;
  }
  return out;
}
