// The console's small component set (preact + htm): layout, navigation, tables, badges, the
// live chart (uPlot). Plain elements with real buttons and links, so the keyboard works everywhere.
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import uPlot from 'uplot';

export const html = htm.bind(h);

export const PAGES = [
  ['agents', 'Agents'],
  ['delegations', 'Delegations'],
  ['decisions', 'Decisions'],
  ['escalations', 'Escalations'],
  ['messages', 'Messages'],
  ['timeline', 'Timeline'],
  ['health', 'Health'],
  ['sla', 'SLAs'],
];

export function Nav({ page, go, counts }) {
  return html`<nav aria-label="Console pages"><ul class="nav">
    ${PAGES.map(([id, label]) => html`<li><a href=${`/console/${id}`} aria-current=${page === id ? 'page' : undefined}
      onClick=${(e) => { e.preventDefault(); go(id); }}>${label}${counts[id] ? html` <span class="count">${counts[id]}</span>` : ''}</a></li>`)}
  </ul></nav>`;
}

export function Header({ operator, live, onSignOut }) {
  return html`<header class="top">
    <a class="skip" href="#main">Skip to content</a>
    <strong class="brand">Lighthouse console</strong>
    <span class=${`live ${live ? 'on' : 'off'}`} role="status" data-testid="live">${live ? 'live' : 'reconnecting…'}</span>
    <span class="who">${operator}</span>
    <button type="button" class="secondary" onClick=${onSignOut}>Sign out</button>
  </header>`;
}

export const Badge = ({ tone, children }) => html`<span class=${`badge ${tone ?? ''}`}>${children}</span>`;

export const toneOf = (value) =>
  ({ allow: 'ok', live: 'ok', up: 'ok', completed: 'ok', deny: 'bad', down: 'bad', failed: 'bad', revoked: 'bad', expired: 'bad', cancelled: 'muted', ended: 'muted', escalate: 'warn', degraded: 'warn', holds: 'ok', breached: 'bad', 'at-risk': 'warn', 'no-data': 'muted', queued: 'warn', in_progress: 'info', assigned: 'info' })[value] ?? '';

/** A table that scrolls sideways on a phone instead of overflowing the page. */
export function Table({ caption, columns, rows, empty, testid }) {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${caption}>
    <table data-testid=${testid}><caption>${caption}</caption>
      <thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
      <tbody>${rows.length === 0 ? html`<tr><td colspan=${columns.length} class="empty">${empty}</td></tr>` : rows}</tbody>
    </table></div>`;
}

export const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '—');
export const dateTime = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

/** Polls `load` every `ms` while the page is shown; answers [value, error, reload]. */
export function usePoll(load, ms) {
  const [value, setValue] = useState(null);
  const [error, setError] = useState('');
  const reload = async () => {
    try {
      setValue(await load());
      setError('');
    } catch (failure) {
      setError(failure.message);
    }
  };
  useEffect(() => {
    reload();
    const timer = setInterval(reload, ms);
    return () => clearInterval(timer);
  }, []);
  return [value, error, reload];
}

/** A live time series (uPlot): one chart, its data replaced as the stream brings more. */
export function TimeSeries({ title, data, series }) {
  const holder = useRef(null);
  const chart = useRef(null);
  useEffect(() => {
    const width = Math.max(280, holder.current.clientWidth);
    chart.current = new uPlot({
      title, width, height: 220,
      scales: { x: { time: true } },
      series: [{}, ...series],
      axes: [{}, { label: 'ms' }],
    }, data, holder.current);
    const resize = () => chart.current.setSize({ width: Math.max(280, holder.current.clientWidth), height: 220 });
    window.addEventListener('resize', resize);
    return () => { window.removeEventListener('resize', resize); chart.current.destroy(); };
  }, []);
  useEffect(() => { chart.current?.setData(data); }, [data]);
  return html`<figure class="chart" aria-label=${title}><div ref=${holder}></div></figure>`;
}
