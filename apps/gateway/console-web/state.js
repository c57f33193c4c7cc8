// The console's state, folded from the snapshot and every committed event the stream brings.
// Bounded: the newest events only, whatever the bridge writes over a long watch.
export const MAX_EVENTS = 2000;
export const MAX_DECISIONS = 500;
const SERIES_SECONDS = 300;

export function emptyState() {
  return { head: null, events: [], decisions: [], agents: new Map(), delegations: [], health: null, series: new Map(), lastSequence: 0 };
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
