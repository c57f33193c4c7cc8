// The console's pages: each a function of the folded state.
import { useState } from 'preact/hooks';
import { Badge, html, Table, TimeSeries, time, toneOf } from './components.js';
import { chartData, escalationsOf } from './state.js';

export function AgentsPage({ state }) {
  const agents = [...state.agents.values()].filter((a) => a.status !== 'seen' || a.role).sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''));
  const claims = (id) => state.delegations.filter((d) => d.assignee === id && (d.state === 'assigned' || d.state === 'in_progress')).length;
  return html`<${Table} caption="Agents" testid="agents" empty="No agent has started a session yet."
    columns=${['Agent', 'Session', 'Expert role', 'Claims', 'Last seen', 'Last event']}
    rows=${agents.map((a) => html`<tr data-agent=${a.id}><th scope="row">${a.id}</th><td><${Badge} tone=${toneOf(a.status)}>${a.status}<//></td>
      <td>${a.role ?? '—'}</td><td>${claims(a.id)}</td><td>${time(a.lastSeen)}</td><td>${a.lastType}</td></tr>`)} />`;
}

const COLUMNS = [
  ['queued', 'Queued', (d) => d.state === 'queued'],
  ['claimed', 'Assigned / claimed', (d) => d.state === 'assigned' || d.state === 'in_progress'],
  ['finished', 'Finished', (d) => !['queued', 'assigned', 'in_progress'].includes(d.state)],
];

export function DelegationsPage({ state }) {
  return html`<div class="board" data-testid="board">${COLUMNS.map(([id, label, test]) => {
    const cards = state.delegations.filter(test);
    return html`<section class="column" data-column=${id} aria-label=${label}><h2>${label} <span class="count">${cards.length}</span></h2>
      ${cards.slice(0, 50).map((d) => html`<article class="card" data-delegation=${d.id} tabindex="0">
        <h3>${d.title}</h3>
        <p><${Badge} tone=${toneOf(d.state)}>${d.state}<//> <${Badge}>${d.kind}<//> for ${'role' in d.target ? `role ${d.target.role}` : d.target.agent}</p>
        <p class="meta">by ${d.requester}${d.assignee ? html` · held by <b>${d.assignee}</b> at epoch ${d.claimEpoch}` : ''}${d.leaseExpiresAt ? ` · lease to ${time(d.leaseExpiresAt)}` : ''}</p>
      </article>`)}
    </section>`;
  })}</div>`;
}

const effectsOf = (data) => (Array.isArray(data.effects) ? data.effects.slice(0, 3).map((e) => `${e.kind}: ${e.command}`).join('; ') : '');

export function DecisionsPage({ state }) {
  const rows = [...state.decisions].reverse().slice(0, 200);
  return html`<${Table} caption="Decision stream (newest first; commands as normalised, secrets redacted)" testid="decisions" empty="No decision yet."
    columns=${['Time', 'Agent', 'Tool', 'Decision', 'Tier', 'Rule / ruled by', 'Latency', 'Effects']}
    rows=${rows.map((e) => html`<tr><td>${time(e.time)}</td><td>${e.agent}</td><td>${e.data.tool}</td>
      <td><${Badge} tone=${toneOf(e.data.decision)}>${e.data.decision}<//></td><td>${e.data.tier}</td>
      <td>${e.data.ruledBy ?? e.data.ruleId ?? '—'}</td><td>${Number(e.data.latencyMs).toFixed(1)} ms</td><td class="wrap">${effectsOf(e.data)}</td></tr>`)} />`;
}

function Ruling({ escalation, onRule }) {
  const [reason, setReason] = useState('');
  const [ttl, setTtl] = useState('3600');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const send = async (decision, scope) => {
    if (!reason.trim()) return setError('Give a reason: it is recorded with your ruling.');
    setBusy(true);
    setError('');
    try {
      await onRule(escalation.id, { decision, scope, ttlSeconds: Number(ttl), reason });
    } catch (e) {
      setError(e.message);
      setBusy(false);
    }
  };
  const id = `reason-${escalation.id}`;
  return html`<form class="ruling" onSubmit=${(e) => e.preventDefault()}>
    <label for=${id}>Reason</label>
    <input id=${id} name="reason" value=${reason} onInput=${(e) => setReason(e.currentTarget.value)} maxlength="2000" required />
    <label for=${`${id}-ttl`}>Pattern allowed for</label>
    <select id=${`${id}-ttl`} value=${ttl} onChange=${(e) => setTtl(e.currentTarget.value)}>
      <option value="900">15 minutes</option><option value="3600">1 hour</option><option value="28800">8 hours</option><option value="86400">1 day</option>
    </select>
    <div class="actions">
      <button type="button" disabled=${busy} onClick=${() => send('allow', 'once')}>Allow once</button>
      <button type="button" disabled=${busy} class="secondary" onClick=${() => send('allow', 'pattern')}>Allow pattern</button>
      <button type="button" disabled=${busy} class="danger" onClick=${() => send('deny', 'once')}>Deny</button>
    </div>
    ${error && html`<p class="error" role="alert">${error}</p>`}
  </form>`;
}

export function EscalationsPage({ state, onRule }) {
  const waiting = escalationsOf(state.delegations);
  if (waiting.length === 0) return html`<p class="empty" data-testid="no-escalations">Nothing is waiting for an answer.</p>`;
  return html`<div class="escalations">${waiting.map((d) => html`<article class="card escalation" data-escalation=${d.id}>
    <h2>${d.title}</h2>
    <p><${Badge} tone="warn">${d.context.awaiting === 'humans' ? 'no expert live: waiting for a human' : `waiting for ${d.target.role ?? d.target.agent}`}<//> asked by ${d.requester} at ${time(d.createdAt)}, deadline ${time(d.deadline)}</p>
    <p class="command"><code>${d.context.command ?? d.context.tool}</code></p>
    <p class="meta">${d.body.split('\n')[0]}${d.context.ruleId ? ` (rule ${d.context.ruleId})` : ''}</p>
    <${Ruling} escalation=${d} onRule=${onRule} />
  </article>`)}</div>`;
}

export function TimelinePage({ state }) {
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const matches = [...state.events].reverse().filter((e) => !q || `${e.type} ${e.stream} ${e.agent}`.toLowerCase().includes(q)).slice(0, 300);
  return html`<div>
    <p class="chain" data-testid="chain">Log head: sequence <b>${state.head?.lastSequence ?? state.lastSequence}</b>, chain head <code>${(state.head?.chainHead ?? '').slice(0, 16) || '—'}</code>.
      Whole-chain verification and signed checkpoints are read with the event store's <code>verify</code> command.</p>
    <label for="search">Search events</label>
    <input id="search" type="search" value=${query} onInput=${(e) => setQuery(e.currentTarget.value)} placeholder="type, stream or agent" />
    <${Table} caption="Event timeline (newest first)" testid="timeline" empty="No event matches."
      columns=${['#', 'Time', 'Type', 'Stream', 'Agent']}
      rows=${matches.map((e) => html`<tr><td>${e.sequence}</td><td>${time(e.time)}</td><td>${e.type}</td><td>${e.stream}</td><td>${e.agent}</td></tr>`)} />
  </div>`;
}

export function HealthPage({ state }) {
  const services = Object.entries(state.health?.services ?? {});
  return html`<div>
    <${Table} caption=${`Services: ${state.health?.status ?? 'unknown'}`} testid="services" empty="No report yet."
      columns=${['Service', 'Status', 'NATS round trip']}
      rows=${services.map(([name, s]) => html`<tr><th scope="row">${name}</th><td><${Badge} tone=${toneOf(s.status)}>${s.status}<//></td><td>${s.rttMs == null ? s.error ?? '—' : `${s.rttMs} ms`}</td></tr>`)} />
    <${TimeSeries} title="Validation latency (p50, p99) from the decision stream" data=${chartData(state)}
      series=${[{ label: 'p50 ms', stroke: '#2b6cb0' }, { label: 'p99 ms', stroke: '#c53030' }, { label: 'decisions/s', stroke: '#718096', scale: 'rate' }]} />
  </div>`;
}
