// The console's state, folded from the snapshot and every committed event the stream brings.
// Bounded: the newest events only, whatever the bridge writes over a long watch.
export const MAX_EVENTS = 2000;
export const MAX_DECISIONS = 500;
export const MAX_THREADS = 500;
const SERIES_SECONDS = 300;

export function emptyState() {
  return { head: null, events: [], decisions: [], agents: new Map(), delegations: [], reservations: [], threads: new Map(), messageEvents: new Set(), health: null, series: new Map(), lastSequence: 0, skipped: 0 };
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'expired']);
export const isOpen = (d) => !TERMINAL.has(d.state);
export const escalationsOf = (delegations) => delegations.filter((d) => d.kind === 'validation' && isOpen(d));

function agentOf(state, id) {
  let agent = state.agents.get(id);
  if (!agent) {
    agent = { id, status: 'seen', sessions: 0, role: null, lastSeen: null, lastType: null };
    state.agents.set(id, agent);
  }
  return agent;
}

/** Folds one committed event in; returns false for one already seen (a repeat after a reconnect). */
export function apply(state, event) {
  if (event.sequence <= state.lastSequence) return false;
  state.lastSequence = event.sequence;
  state.events.push(event);
  if (state.events.length > MAX_EVENTS) state.events.splice(0, state.events.length - MAX_EVENTS);
  const agent = agentOf(state, event.agent);
  agent.lastSeen = event.time;
  agent.lastType = event.type;
  switch (event.type) {
    case 'session.created':
      agent.status = 'live';
      agent.sessions += 1;
      break;
    case 'session.ended':
      agent.sessions = Math.max(0, agent.sessions - 1);
      if (agent.sessions === 0) agent.status = 'ended';
      if (event.data.expertDeregistered) agent.role = null;
      break;
    case 'expert.registered':
      agent.role = event.data.role;
      break;
    case 'expert.deregistered':
      agent.role = null;
      break;
    case 'agent.revoked':
      agent.status = 'revoked';
      agent.sessions = 0;
      agent.role = null;
      break;
    case 'message.sent':
    case 'message.read':
    case 'message.acknowledged':
      applyMessage(state, event);
      break;
    case 'validation.decided':
      state.decisions.push(event);
      if (state.decisions.length > MAX_DECISIONS) state.decisions.splice(0, state.decisions.length - MAX_DECISIONS);
      observe(state, event);
      break;
  }
  return true;
}

/** Validation latency per second and tier, for the live chart. */
function observe(state, event) {
  const second = Math.floor(Date.parse(event.time) / 1000);
  let bucket = state.series.get(second);
  if (!bucket) {
    bucket = { latencies: [], count: 0, denied: 0 };
    state.series.set(second, bucket);
    for (const key of state.series.keys()) if (key < second - SERIES_SECONDS) state.series.delete(key);
  }
  bucket.count += 1;
  if (event.data.decision === 'deny') bucket.denied += 1;
  if (typeof event.data.latencyMs === 'number' && bucket.latencies.length < 5000) bucket.latencies.push(event.data.latencyMs);
}

const quantile = (sorted, q) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);

/** uPlot's data: [seconds, p50, p99, decisions per second] over the last minutes. */
export function chartData(state, nowSeconds = Math.floor(Date.now() / 1000)) {
  const xs = [], p50 = [], p99 = [], rate = [];
  for (let s = nowSeconds - 120; s <= nowSeconds; s++) {
    const bucket = state.series.get(s);
    const sorted = bucket ? [...bucket.latencies].sort((a, b) => a - b) : [];
    xs.push(s);
    p50.push(quantile(sorted, 0.5));
    p99.push(quantile(sorted, 0.99));
    rate.push(bucket ? bucket.count : 0);
  }
  return [xs, p50, p99, rate];
}

/**
 * Folds a message event into its thread (by event id, so the history the page loads and the
 * stream may overlap). Bounded: the threads with the oldest activity go first.
 */
export function applyMessage(state, event) {
  if (state.messageEvents.has(event.id)) return;
  state.messageEvents.add(event.id);
  if (state.messageEvents.size > 20000) state.messageEvents.delete(state.messageEvents.values().next().value);
  const data = event.data;
  let thread = state.threads.get(data.thread);
  if (!thread) {
    thread = { id: data.thread, subject: null, messages: new Map(), participants: new Set(), lastAt: null };
    state.threads.set(data.thread, thread);
  }
  thread.lastAt = !thread.lastAt || data.at > thread.lastAt ? data.at : thread.lastAt;
  if (event.type === 'message.sent') {
    const had = thread.messages.get(data.id);
    thread.messages.set(data.id, { ...data, receipts: had?.receipts ?? new Map() });
    thread.subject ??= data.subject;
    thread.participants.add(data.from);
    for (const r of data.recipients) thread.participants.add(r);
  } else {
    let message = thread.messages.get(data.id);
    if (!message) {
      message = { id: data.id, pending: true, receipts: new Map() };
      thread.messages.set(data.id, message);
    }
    const receipt = message.receipts.get(data.by) ?? { readAt: null, acknowledgedAt: null, note: null };
    if (event.type === 'message.read') receipt.readAt = data.at;
    else Object.assign(receipt, { acknowledgedAt: data.at, note: data.note, readAt: receipt.readAt ?? data.at });
    message.receipts.set(data.by, receipt);
  }
  if (state.threads.size > MAX_THREADS) {
    const oldest = [...state.threads.values()].sort((a, b) => (a.lastAt ?? '').localeCompare(b.lastAt ?? ''))[0];
    state.threads.delete(oldest.id);
  }
}

/** Threads, newest activity first; each with its sent messages in order. */
export function threadsOf(state) {
  return [...state.threads.values()]
    .map((t) => ({ ...t, list: [...t.messages.values()].filter((m) => !m.pending).sort((a, b) => a.at.localeCompare(b.at)) }))
    .filter((t) => t.list.length > 0)
    .sort((a, b) => b.lastAt.localeCompare(a.lastAt));
}
