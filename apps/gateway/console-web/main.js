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

function Console({ me, initialPage }) {
  const state = useRef(emptyState()).current;
  const [, redraw] = useReducer((n) => n + 1, 0);
  const [page, setPage] = useState(initialPage);
  const [live, setLive] = useState(false);

  useEffect(() => {
    let refetch;
    const refreshDelegations = () => {
      clearTimeout(refetch);
      refetch = setTimeout(async () => {
        state.delegations = (await api.delegations().catch(() => ({ delegations: state.delegations }))).delegations;
        redraw();
      }, 100);
    };
    let refetchReservations;
    const refreshReservations = () => {
      clearTimeout(refetchReservations);
      refetchReservations = setTimeout(async () => {
        state.reservations = (await api.reservations().catch(() => ({ reservations: state.reservations }))).reservations;
        redraw();
      }, 100);
    };
    const source = new EventSource('/console/api/stream');
    const buffered = [];
    let started = false;
    source.addEventListener('open', () => setLive(true));
    source.addEventListener('error', () => setLive(false));
    source.addEventListener('end', () => window.location.assign('/console/sign-in'));
    source.addEventListener('committed', (message) => {
      const event = JSON.parse(message.data);
      if (!started) return void buffered.push(event);
      if (apply(state, event) && event.type.startsWith('delegation.')) refreshDelegations();
      if (event.type.startsWith('reservation.') || event.type === 'session.ended' || event.type === 'agent.revoked') refreshReservations();
      redraw();
    });
    api.snapshot().then((snapshot) => {
      state.head = snapshot.head;
      state.health = snapshot.health;
      state.delegations = snapshot.delegations;
      for (const event of snapshot.events) apply(state, event);
      for (const event of buffered.splice(0)) apply(state, event);
      started = true;
      redraw();
    });
    refreshReservations();
    api.messages().then((history) => {
      for (const event of history.events) applyMessage(state, event);
      redraw();
    }).catch(() => undefined);
    const health = setInterval(async () => {
      state.health = await api.health().catch(() => state.health);
      redraw();
    }, 5000);
    const tick = setInterval(redraw, 1000); // the chart's time axis moves on
    return () => { source.close(); clearInterval(health); clearInterval(tick); clearTimeout(refetch); clearTimeout(refetchReservations); };
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
    redraw();
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
