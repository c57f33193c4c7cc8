import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type { Delegation } from '@lighthouse/contracts';
import { AgentClient, issueCredential } from './agent-client';
import { startE2eStack, type E2eStack } from './e2e-stack';

// End to end through the gateway: agents delegate to an expert role, experts long-poll for work,
// results come back to the requester (by long-poll and by the server-sent event stream).
const repo = join(__dirname, '..', '..');

describe('delegations through the gateway', () => {
  let stack: E2eStack;
  let requester: AgentClient;
  let expert: AgentClient;
  let stranger: AgentClient;
  let lapsing: AgentClient;

  beforeAll(async () => {
    stack = await startE2eStack({ repo, env: { LH_DELEGATION_CLAIM_LEASE_MS: '2000', LH_DELEGATION_ASSIGN_LEASE_MS: '2000', LH_DELEGATION_TICK_MS: '200' } });
    const agent = async (id: string) => {
      const client = new AgentClient(stack.gatewayUrl, id, await issueCredential(stack.gatewayUrl, stack.adminSecret, id, ['security_architect', 'qa_engineer', 'performance_engineer']));
      expect((await client.start()).status).toBe(201);
      return client;
    };
    [requester, expert, stranger, lapsing] = await Promise.all([agent('dev-ana'), agent('sec-bo'), agent('perf-cy'), agent('qa-di')]);
    expect((await expert.change('POST', '/experts', { role: 'security_architect', capacity: 2 })).status).toBe(201);
    expect((await lapsing.change('POST', '/experts', { role: 'qa_engineer' })).status).toBe(201);
    expect((await stranger.change('POST', '/experts', { role: 'performance_engineer' })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('routes a delegation to an expert of the role and brings the result back to the requester', async () => {
    const events = openEventStream(stack.gatewayUrl, requester.session.token);
    try {
      await events.connected;
      const created = await requester.change<Delegation>('POST', '/delegations', { target: { role: 'security_architect' }, title: 'security review of this diff', body: 'diff --git a/auth.ts' });
      expect(created).toMatchObject({ status: 201, body: { state: 'queued', requester: 'dev-ana' } });
      const id = created.body.id;
      const waiting = requester.get<Delegation>(`/delegations/${id}/wait?waitMs=10000`);

      expect((await stranger.signedGet<{ delegation: Delegation | null }>('/delegations/next?waitMs=200')).body).toEqual({ delegation: null });
      const next = await expert.signedGet<{ delegation: Delegation }>('/delegations/next?waitMs=5000');
      // Offer and claim in one step: the long poll hands the delegation over claimed; claiming it again answers the same epoch.
      expect(next).toMatchObject({ status: 200, body: { delegation: { id, assignee: 'sec-bo', state: 'in_progress', claimEpoch: 1 } } });
      const claimed = await expert.change<Delegation>('POST', `/delegations/${id}/claim`, {});
      expect(claimed).toMatchObject({ status: 200, body: { state: 'in_progress', claimEpoch: 1 } });
      expect((await expert.change('POST', `/delegations/${id}/progress`, { epoch: 1, note: 'reading the diff' })).status).toBe(200);
      const done = await expert.change<Delegation>('POST', `/delegations/${id}/complete`, { epoch: 1, result: { verdict: 'approve', findings: [] } });
      expect(done).toMatchObject({ status: 200, body: { state: 'completed' } });

      expect(await waiting).toMatchObject({ status: 200, body: { state: 'completed', result: { verdict: 'approve' } } });
      const seen = await events.until((e) => e.delegation.id === id && e.delegation.state === 'completed');
      expect(seen.map((e) => e.change)).toEqual(expect.arrayContaining(['created', 'claimed', 'completed']));
      expect(events.ids().every((n) => Number.isInteger(n) && n > 0)).toBe(true);
    } finally {
      events.close();
    }
  }, 30_000);

  // Completing or failing ends a claim without the registry's round trip (issue 16): the token,
  // the signature and the claim epoch prove it; what a spent nonce would refuse, the state refuses.
  it('refuses a replayed completion or failure and one from an ended session, without changing the result', async () => {
    const created = await requester.change<Delegation>('POST', '/delegations', { target: { agent: 'sec-bo' }, title: 'replay test' });
    const id = created.body.id;
    expect((await expert.signedGet<{ delegation: Delegation }>('/delegations/next?waitMs=3000')).body.delegation).toMatchObject({ id, claimEpoch: 1 });
    const completion = expert.prepareChange('POST', `/delegations/${id}/complete`, { epoch: 1, result: { verdict: 'first' } });
    expect(await sendPrepared(completion)).toMatchObject({ status: 200, body: { state: 'completed' } });
    expect(await sendPrepared(completion)).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    expect((await sendPrepared(expert.prepareChange('POST', `/delegations/${id}/fail`, { epoch: 1, error: { code: 'X', message: 'late' } }))).status).toBe(409);
    // Another agent with a signature of its own is no holder of the claim.
    expect((await stranger.change('POST', `/delegations/${id}/complete`, { epoch: 1, result: { verdict: 'forged' } })).status).toBe(403);
    expect((await requester.get<Delegation>(`/delegations/${id}`)).body).toMatchObject({ state: 'completed', result: { verdict: 'first' } });

    // An expert whose session ended cannot end a claim it held: its token is refused at the gateway.
    const leaving = new AgentClient(stack.gatewayUrl, 'sec-eve', await issueCredential(stack.gatewayUrl, stack.adminSecret, 'sec-eve', ['security_architect']));
    expect((await leaving.start()).status).toBe(201);
    const held = await requester.change<Delegation>('POST', '/delegations', { target: { agent: 'sec-eve' }, title: 'held by a leaving expert' });
    expect((await leaving.signedGet<{ delegation: Delegation }>('/delegations/next?waitMs=3000')).body.delegation).toMatchObject({ id: held.body.id, claimEpoch: 1 });
    const late = leaving.prepareChange('POST', `/delegations/${held.body.id}/complete`, { epoch: 1, result: { verdict: 'after leaving' } });
    expect((await leaving.change('DELETE', `/sessions/${leaving.session.sessionId}`)).status).toBe(200);
    expect(await sendPrepared(late)).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect((await requester.get<Delegation>(`/delegations/${held.body.id}`)).body).toMatchObject({ state: 'in_progress', result: null });
    await requester.change('POST', `/delegations/${held.body.id}/cancel`, {});
  }, 30_000);

  // Creating a delegation does not wait for the registry either (issue 16): the request's nonce
  // names the delegation, so its replay finds the name taken instead of spending the nonce.
  it('creates nothing more when a signed create is replayed, and another agent cannot create in its name', async () => {
    const create = requester.prepareChange('POST', '/delegations', { target: { role: 'performance_engineer' }, title: 'replayed create' });
    const first = await sendPrepared(create);
    expect(first).toMatchObject({ status: 201, body: { requester: 'dev-ana', title: 'replayed create' } });
    expect(await sendPrepared(create)).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    expect(await sendPrepared(create)).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    const mine = await requester.get<{ delegations: Delegation[] }>('/delegations?scope=mine');
    expect(mine.body.delegations.filter((d) => d.title === 'replayed create')).toHaveLength(1);
    // The same request with another agent's token: the signature (under the requester's session key) gives it away.
    expect((await sendPrepared({ ...create, headers: { ...create.headers, authorization: `Bearer ${stranger.session.token}` } })).status).toBe(401);
    await requester.change('POST', `/delegations/${(first.body as Delegation).id}/cancel`, {});
  });

  it('keeps a delegation to its requester, its assignee and nobody else', async () => {
    const created = await requester.change<Delegation>('POST', '/delegations', { target: { agent: 'sec-bo' }, title: 'private question' });
    const id = created.body.id;
    expect((await stranger.get(`/delegations/${id}`)).status).toBe(403);
    expect((await stranger.change('POST', `/delegations/${id}/claim`, {})).status).toBe(403);
    expect((await stranger.change('POST', `/delegations/${id}/cancel`, {})).status).toBe(403);
    expect((await expert.get(`/delegations/${id}`)).status).toBe(200);
    expect((await requester.change('POST', `/delegations/${id}/cancel`, { reason: 'never mind' })).body).toMatchObject({ state: 'cancelled' });
  });

  it('cannot delegate as another agent: the requester comes from the token, and unknown fields are refused', async () => {
    const forged = await stranger.change('POST', '/delegations', { target: { role: 'security_architect' }, title: 'x', requester: 'dev-ana' });
    expect(forged).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const own = await stranger.change<Delegation>('POST', '/delegations', { target: { role: 'security_architect' }, title: 'mine' });
    expect(own.body.requester).toBe('perf-cy');
    await stranger.change('POST', `/delegations/${own.body.id}/cancel`, {});
  });

  it("records an agent's own events in the shared history and refuses forged bridge events", async () => {
    const stored = await requester.change<{ id: string; sequence: number }>('POST', '/events', { type: 'review.finding_reported', stream: 'review:auth', data: { severity: 'high' } });
    expect(stored).toMatchObject({ status: 201, body: { id: expect.any(String), sequence: expect.any(Number) } });
    const forged = await requester.change('POST', '/events', { type: 'delegation.completed', stream: 'review:auth', data: {} });
    expect(forged).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect((await requester.change('POST', '/events', { type: 'review.x', stream: 'decisions', data: {} })).status).toBe(403);
    // Reservations are the bridge's record of who may write where: a forged release on their stream,
    // or a reservation event on any stream, would let an agent free another's paths.
    const forgedRelease = { type: 'reservation.released', stream: 'reservations', data: { id: '00000000-0000-4000-8000-000000000001', epoch: 1, by: 'dev-ana' } };
    expect((await requester.change('POST', '/events', forgedRelease)).status).toBe(403);
    expect((await requester.change('POST', '/events', { ...forgedRelease, stream: 'review:auth' })).status).toBe(403);
    expect((await requester.change('POST', '/events', { type: 'review.x', stream: 'reservations', data: {} })).status).toBe(403);
    const read = await requester.get<{ events: Array<{ id: string; agent: string; data: Record<string, unknown> }> }>('/events?stream=review:auth');
    expect(read.body.events).toEqual([expect.objectContaining({ id: stored.body.id, agent: 'dev-ana', data: { severity: 'high' } })]);
    // Not a stream the operator made public: another agent does not read it (trust-boundaries/event-visibility).
    expect((await stranger.get<{ events: unknown[] }>('/events?stream=review:auth')).body.events).toEqual([]);
  });

  it('refuses a replayed completion and a completion by an expert whose claim lapsed', async () => {
    const created = await requester.change<Delegation>('POST', '/delegations', { target: { role: 'qa_engineer' }, title: 'lease test' });
    const id = created.body.id;
    expect((await lapsing.signedGet<{ delegation: Delegation }>('/delegations/next?waitMs=3000')).body.delegation.id).toBe(id);
    const claim = lapsing.prepareChange('POST', `/delegations/${id}/claim`, {});
    expect((await sendPrepared(claim)).status).toBe(200);
    expect((await sendPrepared(claim)).status).toBe(401);
    // No heartbeat: the claim lapses and the delegation goes back to the queue.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const late = await lapsing.change('POST', `/delegations/${id}/complete`, { epoch: 1, result: { late: true } });
    expect(late).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    expect((await requester.get<Delegation>(`/delegations/${id}`)).body).toMatchObject({ state: 'queued', releasedFrom: ['qa-di'] });
    await requester.change('POST', `/delegations/${id}/cancel`, {});
  }, 20_000);
});

async function sendPrepared(prepared: ReturnType<AgentClient['prepareChange']>) {
  const { send } = await import('./agent-client');
  return send(prepared);
}

interface Notice {
  delegation: Delegation;
  change: string;
}

/** A minimal server-sent events client over node:http, as a browser's EventSource would be. */
function openEventStream(base: string, token: string) {
  const notices: Notice[] = [];
  const ids: number[] = [];
  const listeners: Array<() => void> = [];
  let buffer = '';
  let onConnected: () => void = () => undefined;
  let onRefused: (error: Error) => void = () => undefined;
  const connected = new Promise<void>((resolve, reject) => ((onConnected = resolve), (onRefused = reject)));
  const request = httpRequest(`${base}/events/stream`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (response) => {
    response.setEncoding('utf8');
    if (response.statusCode !== 200) onRefused(new Error(`event stream answered ${response.statusCode}`));
    response.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.includes(': connected')) onConnected();
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        const id = /^id: (\d+)-\d+$/m.exec(block)?.[1]; // <delegation seq>-<message seq>
        if (data) notices.push(JSON.parse(data) as Notice);
        if (id) ids.push(Number(id));
        listeners.forEach((l) => l());
      }
    });
  });
  request.on('error', () => undefined);
  request.end();
  return {
    connected,
    ids: () => ids,
    until: (predicate: (n: Notice) => boolean, timeoutMs = 5000) =>
      new Promise<Notice[]>((resolve, reject) => {
        const check = () => notices.some(predicate) && resolve(notices);
        const timer = setTimeout(() => reject(new Error(`no matching event in ${timeoutMs} ms: ${JSON.stringify(notices.map((n) => n.change))}`)), timeoutMs);
        listeners.push(() => check() && clearTimeout(timer));
        if (check()) clearTimeout(timer);
      }),
    close: () => request.destroy(),
  };
}
