// The Lighthouse console: one page app over the gateway's console API, live over SSE.
import { render } from 'preact';
import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { Header, html, Nav, PAGES } from './components.js';
import { AgentsPage, DecisionsPage, DelegationsPage, EscalationsPage, HealthPage, MessagesPage, SlaPage, TimelinePage } from './pages.js';
import { apply, applyMessage, emptyState, escalationsOf } from './state.js';

const VIEWS = { agents: AgentsPage, delegations: DelegationsPage, decisions: DecisionsPage, escalations: EscalationsPage, timeline: TimelinePage, health: HealthPage, sla: SlaPage, messages: MessagesPage };

function SignIn() {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError('');
    try {
      await api.signIn(String(form.get('operator')), String(form.get('secret')));
      window.location.assign('/console/agents');
    } catch (failure) {
      setError(failure.status === 401 ? 'That secret is not the operator secret.' : failure.message);
      setBusy(false);
    }
  };
  // POST by script only: the secret never goes into a URL, a history entry or a log line.
  return html`<main id="main" class="sign-in">
    <h1>Lighthouse console</h1>
    <form method="post" action="#" onSubmit=${submit} aria-describedby="sign-in-help">
      <p id="sign-in-help">Sign in with your name (recorded with every ruling you give) and the operator secret, or the operator credential (<code>lho_…</code>) issued to your name.</p>
      <label for="operator">Your name</label>
      <input id="operator" name="operator" autocomplete="username" required pattern="[A-Za-z0-9][A-Za-z0-9_.@\\-]{0,63}" />
      <label for="secret">Operator secret or credential</label>
      <input id="secret" name="secret" type="password" autocomplete="current-password" required />
      <button type="submit" disabled=${busy}>Sign in</button>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </form>
  </main>`;
}

/** Most redraws a second: events are folded in as they come, the page is drawn at most this often. */
const REDRAW_EVERY_MS = 250;
/** Refetches the stream asks for (the board after delegation events, the reservations) at most this often. */
const REFETCH_EVERY_MS = 1000;

/**
 * Runs `work` at most once per `ms`, the last call never lost (a debounce would never run while
 * events keep coming, which is when it matters).
 */
function throttle(ms, work) {
  let timer = null;
  let last = 0;
  const fire = () => {
    timer = null;
    last = Date.now();
    work();
  };
  const call = () => {
    if (timer === null) timer = setTimeout(fire, Math.max(0, last + ms - Date.now()));
  };
  call.cancel = () => clearTimeout(timer);
  return call;
}

function Console({ me, initialPage }) {
  const state = useRef(emptyState()).current;
  const [, bump] = useReducer((n) => n + 1, 0);
  const [page, setPage] = useState(initialPage);
  const [live, setLive] = useState(false);
  // One redraw per frame at most, at most every REDRAW_EVERY_MS, none while the page is hidden
  // (the state still folds every event in; the page is drawn once when shown again).
  const redraw = useRef(null);
  if (!redraw.current) {
    let dirty = false;
    const frame = throttle(REDRAW_EVERY_MS, () => {
      if (document.hidden) return;
      requestAnimationFrame(() => {
        if (!dirty) return;
        dirty = false;
        bump();
      });
    });
    redraw.current = () => {
      dirty = true;
      if (!document.hidden) frame();
    };
    redraw.current.cancel = frame.cancel;
  }

  useEffect(() => {
    const refreshDelegations = throttle(REFETCH_EVERY_MS, async () => {
      state.delegations = (await api.delegations().catch(() => ({ delegations: state.delegations }))).delegations;
      redraw.current();
    });
    const refreshReservations = throttle(REFETCH_EVERY_MS, async () => {
      state.reservations = (await api.reservations().catch(() => ({ reservations: state.reservations }))).reservations;
      redraw.current();
    });
    const source = new EventSource('/console/api/stream');
    // Stream events wait here while the page reads what comes before them (the snapshot, a gap).
    const buffered = [];
    let holding = 1;
    const fold = (event) => {
      if (apply(state, event) && event.type.startsWith('delegation.')) refreshDelegations();
      if (event.type.startsWith('reservation.') || event.type === 'session.ended' || event.type === 'agent.revoked') refreshReservations();
    };
    const take = (event) => (holding > 0 ? buffered.push(event) : fold(event));
    const release = () => {
      if (--holding > 0) return;
      for (const event of buffered.splice(0).sort((a, b) => a.sequence - b.sequence)) fold(event);
      redraw.current();
    };
    source.addEventListener('open', () => setLive(true));
    source.addEventListener('error', () => setLive(false));
    source.addEventListener('end', () => window.location.assign('/console/sign-in'));
    source.addEventListener('committed', (message) => {
      take(JSON.parse(message.data));
      redraw.current();
    });
    // Events coalesced by the gateway (a few batches a second, in sequence order).
    source.addEventListener('batch', (message) => {
      for (const event of JSON.parse(message.data)) take(event);
      redraw.current();
    });
    // The gateway dropped events this page read too slowly to take: read them from the log.
    source.addEventListener('gap', (message) => {
      const gap = JSON.parse(message.data);
      holding += 1;
      api.events(gap.fromSequence, gap.toSequence).then((range) => {
        state.skipped += range.fromSequence - gap.fromSequence;
        for (const event of range.events) fold(event);
      }, () => {
        state.skipped += gap.dropped;
      }).finally(release);
    });
    api.snapshot().then((snapshot) => {
      state.head = snapshot.head;
      state.health = snapshot.health;
      state.delegations = snapshot.delegations;
      for (const event of snapshot.events) apply(state, event);
      release();
    }, release);
    refreshReservations();
    api.messages().then((history) => {
      for (const event of history.events) applyMessage(state, event);
      redraw.current();
    }).catch(() => undefined);
    const health = setInterval(async () => {
      if (document.hidden) return;
      state.health = await api.health().catch(() => state.health);
      redraw.current();
    }, 5000);
    const shown = () => {
      if (!document.hidden) redraw.current();
    };
    document.addEventListener('visibilitychange', shown);
    return () => {
      source.close();
      clearInterval(health);
      refreshDelegations.cancel();
      refreshReservations.cancel();
      redraw.current.cancel();
      document.removeEventListener('visibilitychange', shown);
    };
  }, []);

  useEffect(() => {
    const onPop = () => setPage(pageOf(window.location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const go = (next) => {
    window.history.pushState(null, '', `/console/${next}`);
    setPage(next);
    document.getElementById('main')?.focus();
  };
  const signOut = async () => {
    await api.signOut().catch(() => undefined);
    window.location.assign('/console/sign-in');
  };
  const onRule = async (id, ruling) => {
    await api.rule(id, ruling);
    state.delegations = (await api.delegations()).delegations;
    bump();
  };
  const View = VIEWS[page] ?? AgentsPage;
  const counts = { escalations: escalationsOf(state.delegations).length };
  return html`<div class="layout">
    <${Header} operator=${me.operator} live=${live} onSignOut=${signOut} />
    <${Nav} page=${page} go=${go} counts=${counts} />
    <main id="main" tabindex="-1"><h1>${PAGES.find(([id]) => id === page)?.[1]}</h1><${View} state=${state} onRule=${onRule} /></main>
  </div>`;
}

const pageOf = (path) => path.split('/')[2] || 'agents';

async function start() {
  const root = document.getElementById('app');
  const page = document.body.dataset.page;
  if (page === 'sign-in') return render(html`<${SignIn} />`, root);
  try {
    const me = await api.me();
    render(html`<${Console} me=${me} initialPage=${page} />`, root);
  } catch {
    window.location.assign('/console/sign-in');
  }
}

start();
