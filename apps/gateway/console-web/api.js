// The console's calls to the gateway: same origin, the session cookie goes by itself; every
// change carries the CSRF token the session answered (GET /console/api/me).
let csrfToken = '';

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
  }
}

async function call(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-lh-csrf'] = csrfToken;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

export const api = {
  async me() {
    const me = await call('GET', '/console/api/me');
    csrfToken = me.csrfToken;
    return me;
  },
  async signIn(operator, secret) {
    const me = await call('POST', '/console/api/session', { operator, secret });
    csrfToken = me.csrfToken;
    return me;
  },
  signOut: () => call('POST', '/console/api/session/end', {}),
  snapshot: () => call('GET', '/console/api/snapshot'),
  events: (fromSequence, toSequence) => call('GET', `/console/api/events?${new URLSearchParams({ from: String(fromSequence), to: String(toSequence) })}`),
  delegations: () => call('GET', '/console/api/delegations'),
  health: () => call('GET', '/console/api/health'),
  reservations: () => call('GET', '/console/api/reservations'),
  messages: () => call('GET', '/console/api/messages'),
  sla: () => call('GET', '/console/api/sla'),
  chain: () => call('GET', '/console/api/chain'),
  verifyChain: () => call('POST', '/console/api/chain/verify', {}),
  search: (q) => call('GET', `/console/api/search?${new URLSearchParams({ q, limit: '50' })}`),
  rule: (id, ruling) => call('POST', `/console/api/escalations/${encodeURIComponent(id)}/ruling`, ruling),
};
