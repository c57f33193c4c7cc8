// The console's pages: each a function of the folded state.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from './api.js';
import { Badge, dateTime, html, Table, TimeSeries, time, toneOf, usePoll } from './components.js';
import { chartData, escalationsOf, threadsOf } from './state.js';

function groupBy(items, keyOf) {
  const groups = new Map();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

export function AgentsPage({ state }) {
  const agents = [...state.agents.values()].filter((a) => a.status !== 'seen' || a.role).sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''));
  // Grouped once per draw (not scanned again for every row of a thousand agents).
  const claimed = groupBy(state.delegations.filter((d) => d.assignee && (d.state === 'assigned' || d.state === 'in_progress')), (d) => d.assignee);
  const held = groupBy(state.reservations, (r) => r.holder);
  const claims = (id) => claimed.get(id) ?? [];
  const reservations = (id) => held.get(id) ?? [];
  return html`<${Table} caption="Agents: sessions, roles, the delegations each holds and the paths each has reserved" testid="agents" empty="No agent has started a session yet."
    columns=${['Agent', 'Session', 'Expert role', 'Claims', 'Reservations', 'Last seen', 'Last event']}
    rows=${agents.map((a) => html`<tr key=${a.id} data-agent=${a.id}><th scope="row">${a.id}</th><td><${Badge} tone=${toneOf(a.status)}>${a.status}<//></td>
      <td>${a.role ?? '—'}</td>
      <td class="wrap" data-claims>${claims(a.id).map((d) => html`<div>${d.title} <span class="meta">(${d.state}, epoch ${d.claimEpoch})</span></div>`)}${claims(a.id).length === 0 ? '—' : ''}</td>
      <td class="wrap" data-reservations>${reservations(a.id).map((r) => html`<div><code>${r.pattern}</code> <${Badge} tone=${r.mode === 'exclusive' ? 'warn' : 'info'}>${r.mode}<//> <span class="meta">to ${time(r.expiresAt)}</span></div>`)}${reservations(a.id).length === 0 ? '—' : ''}</td>
      <td>${time(a.lastSeen)}</td><td>${a.lastType}</td></tr>`)} />`;
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
    rows=${rows.map((e) => html`<tr key=${e.id}><td>${time(e.time)}</td><td>${e.agent}</td><td>${e.data.tool}</td>
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

function ChainPanel() {
  const [chain, error, reload] = usePoll(api.chain, 30000);
  const [busy, setBusy] = useState(false);
  const verifyNow = async () => {
    setBusy(true);
    await api.verifyChain().catch(() => undefined);
    await reload();
    setBusy(false);
  };
  const cp = chain?.checkpoint;
  return html`<section class="card chain" data-testid="chain" aria-labelledby="chain-title">
    <h2 id="chain-title">Chain verification ${chain && html`<${Badge} tone=${chain.ok ? 'ok' : 'bad'}>${chain.ok ? 'verified' : 'FAILED'}<//>`}</h2>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${!chain && !error && html`<p class="empty">Asking the event store…</p>`}
    ${chain && html`<dl class="facts">
      <dt>Verified</dt><dd>${dateTime(chain.verifiedAt)} (${Math.round(chain.durationMs)} ms)</dd>
      <dt>Log</dt><dd data-testid="chain-records">${chain.records} records in ${chain.segments} segment(s), last sequence ${chain.lastSequence}</dd>
      <dt>Chain head</dt><dd><code>${chain.chainHead.slice(0, 24)}…</code></dd>
      <dt>Last signed checkpoint</dt><dd data-testid="checkpoint">${cp.authentic
        ? html`<${Badge} tone="ok">authentic<//> sequence ${cp.lastSequence}, head <code>${(cp.chainHead ?? '').slice(0, 24)}…</code>, key ${cp.keyId}`
        : html`<${Badge} tone="bad">not authentic<//> ${cp.problem ?? ''}`}</dd>
      ${chain.problemCount > 0 && html`<dt>Problems</dt><dd><ul>${chain.problems.map((p) => html`<li><b>${p.kind}</b> (${p.severity}) ${p.segment} @${p.offset}${p.sequence === undefined ? '' : ` #${p.sequence}`}: ${p.message}</li>`)}</ul>${chain.problemCount > chain.problems.length ? `and ${chain.problemCount - chain.problems.length} more` : ''}</dd>`}
    </dl>`}
    <button type="button" class="secondary" disabled=${busy} onClick=${verifyNow}>${busy ? 'Verifying…' : 'Verify now'}</button>
  </section>`;
}

function SearchPanel() {
  const [result, setResult] = useState(null);
  const [error, setError] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    const q = String(new FormData(e.currentTarget).get('q') ?? '').trim();
    if (!q) return;
    setError('');
    try {
      setResult({ q, ...(await api.search(q)) });
    } catch (failure) {
      setError(failure.message);
    }
  };
  return html`<section aria-labelledby="search-title">
    <h2 id="search-title">Search all history</h2>
    <form class="search" role="search" onSubmit=${submit}>
      <label for="search-q">Words in messages, delegations and agents' events</label>
      <div class="inline"><input id="search-q" name="q" type="search" maxlength="200" required /><button type="submit">Search</button></div>
    </form>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${result && html`<${Table} caption=${`Search results for “${result.q}”`} testid="search-results" empty="Nothing matches."
      columns=${['Kind', 'Title', 'Snippet', 'Agent', 'Stream', 'Time']}
      rows=${result.hits.map((h) => html`<tr><td><${Badge}>${h.kind}<//></td><td>${h.title}</td><td class="wrap">${h.snippet}</td><td>${h.agent}</td><td>${h.stream}</td><td>${time(h.at)}</td></tr>`)} />`}
  </section>`;
}

/** Rows the live timeline draws (keyed by sequence: a new event adds a row, the rest stay as they are). */
const TIMELINE_ROWS = 200;

export function TimelinePage({ state }) {
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  // Newest first, the first TIMELINE_ROWS that match: a walk back from the newest, no copy of the buffer.
  const matches = [];
  for (let i = state.events.length - 1; i >= 0 && matches.length < TIMELINE_ROWS; i--) {
    const e = state.events[i];
    if (!q || `${e.type} ${e.stream} ${e.agent}`.toLowerCase().includes(q)) matches.push(e);
  }
  return html`<div>
    <${ChainPanel} />
    <${SearchPanel} />
    <h2>Live timeline</h2>
    <p class="meta">Log head: sequence <b>${state.head?.lastSequence ?? state.lastSequence}</b>; newest first, live.${state.skipped > 0 ? ` ${state.skipped} older event(s) were skipped while this page lagged (search finds them).` : ''}</p>
    <label for="filter">Filter the live timeline</label>
    <input id="filter" type="search" value=${query} onInput=${(e) => setQuery(e.currentTarget.value)} placeholder="type, stream or agent" />
    <${Table} caption="Event timeline (newest first)" testid="timeline" empty="No event matches."
      columns=${['#', 'Time', 'Type', 'Stream', 'Agent']}
      rows=${matches.map((e) => html`<tr key=${e.sequence}><td>${e.sequence}</td><td>${time(e.time)}</td><td>${e.type}</td><td>${e.stream}</td><td>${e.agent}</td></tr>`)} />
  </div>`;
}

/** The chart moves on once a second (its time axis), not with every draw of the page. */
const CHART_EVERY_MS = 1000;

export function HealthPage({ state }) {
  const services = Object.entries(state.health?.services ?? {});
  const [second, setSecond] = useState(() => Math.floor(Date.now() / 1000));
  useEffect(() => {
    const timer = setInterval(() => {
      if (!document.hidden) setSecond(Math.floor(Date.now() / 1000));
    }, CHART_EVERY_MS);
    return () => clearInterval(timer);
  }, []);
  const data = useMemo(() => chartData(state, second), [second]);
  return html`<div>
    <${Table} caption=${`Services: ${state.health?.status ?? 'unknown'}`} testid="services" empty="No report yet."
      columns=${['Service', 'Status', 'NATS round trip']}
      rows=${services.map(([name, s]) => html`<tr><th scope="row">${name}</th><td><${Badge} tone=${toneOf(s.status)}>${s.status}<//></td><td>${s.rttMs == null ? s.error ?? '—' : `${s.rttMs} ms`}</td></tr>`)} />
    <${TimeSeries} title="Validation latency (p50, p99) from the decision stream" data=${data}
      series=${[{ label: 'p50 ms', stroke: '#2b6cb0' }, { label: 'p99 ms', stroke: '#c53030' }, { label: 'decisions/s', stroke: '#718096', scale: 'rate' }]} />
  </div>`;
}

const formatValue = (unit, value) => {
  if (value === null || value === undefined) return '—';
  if (unit === 'seconds') return `${(value * 1000).toFixed(1)} ms`;
  if (unit === 'ratio') return `${(value * 100).toFixed(1)} %`;
  if (unit === 'services') return value === 0 ? 'all up' : `${value} down`;
  return value === 0 ? 'verified' : 'failed';
};
const STATUS_TEXT = { holds: 'holds', 'at-risk': 'at risk', breached: 'breached', 'no-data': 'no data yet' };

export function SlaPage() {
  const [report, error] = usePoll(api.sla, 10000);
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (!report) return html`<p class="empty">Loading…</p>`;
  const broken = report.slas.filter((s) => s.status === 'breached').length;
  return html`<div>
    <p class="meta" data-testid="sla-summary">${broken === 0 ? 'Every SLA with data holds now. ' : `${broken} SLA(s) breached now. `}
      Measured by this gateway from the services' own metrics every few seconds, in steps of ${report.stepSeconds} s, with the alerting rules' thresholds and windows${report.since ? `, since ${dateTime(report.since)}` : ''}.</p>
    <${Table} caption="Service levels now" testid="slas" empty="No SLA."
      columns=${['SLA', 'Objective', 'Now', 'Status']}
      rows=${report.slas.map((s) => html`<tr data-sla=${s.id}><th scope="row">${s.title}</th><td class="wrap">${s.objective}</td>
        <td>${formatValue(s.unit, s.value)}${s.detail ? html`<span class="meta"> ${s.detail}</span>` : ''}</td>
        <td><${Badge} tone=${toneOf(s.status)}>${STATUS_TEXT[s.status]}<//></td></tr>`)} />
    <${Table} caption="Breaches in the last 24 hours (newest first)" testid="breaches" empty="No breach in the last 24 hours."
      columns=${['SLA', 'From', 'To', 'Worst', 'Detail']}
      rows=${report.breaches.map((b) => html`<tr data-breach=${b.id}><th scope="row">${b.title}</th><td>${dateTime(b.from)}</td>
        <td>${b.ongoing ? html`<${Badge} tone="bad">ongoing<//>` : dateTime(b.to)}</td><td>${formatValue(b.unit, b.worst)}</td><td class="wrap">${b.detail ?? ''}</td></tr>`)} />
  </div>`;
}

const receiptsText = (m) => {
  const receipts = [...m.receipts.entries()];
  if (receipts.length === 0) return 'unread';
  return receipts.map(([who, r]) => `${who}: ${r.acknowledgedAt ? `acknowledged${r.note ? ` (${r.note})` : ''}` : 'read'}`).join('; ');
};

export function MessagesPage({ state }) {
  const threads = threadsOf(state);
  const [chosen, setChosen] = useState(null);
  const open = threads.find((t) => t.id === chosen) ?? threads[0];
  if (threads.length === 0) return html`<p class="empty" data-testid="no-threads">No message yet.</p>`;
  return html`<div class="threads">
    <nav aria-label="Threads" class="thread-list" data-testid="threads"><ul>
      ${threads.slice(0, 200).map((t) => html`<li><button type="button" class=${`thread ${t === open ? 'chosen' : ''}`} aria-pressed=${t === open} data-thread=${t.id} onClick=${() => setChosen(t.id)}>
        <b>${t.subject}</b><span class="meta">${t.list.length} message(s) · ${[...t.participants].join(', ')} · ${time(t.lastAt)}</span></button></li>`)}
    </ul></nav>
    <section class="thread-view" aria-label=${`Thread: ${open.subject}`} data-testid="thread">
      <h2>${open.subject}</h2>
      ${open.list.map((m) => html`<article class="card message" data-message=${m.id}>
        <p><b>${m.from}</b> to ${[...m.to.agents, ...m.to.roles.map((r) => `role ${r}`)].join(', ') || m.recipients.join(', ')} · ${time(m.at)}
          ${m.importance !== 'normal' ? html` <${Badge} tone=${m.importance === 'urgent' || m.importance === 'high' ? 'bad' : 'muted'}>${m.importance}<//>` : ''}
          ${m.ackRequired ? html` <${Badge} tone="info">ack required<//>` : ''}</p>
        <p class="body">${m.body}</p>
        <p class="meta" data-receipts>${receiptsText(m)}</p>
      </article>`)}
    </section>
  </div>`;
}
