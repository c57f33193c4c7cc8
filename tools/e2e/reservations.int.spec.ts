import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  RESERVATIONS_STREAM,
  type EventEnvelope,
  type Message,
  type MessagePage,
  type ReleasedReservations,
  type ReservationGrant,
  type ReservationList,
} from '@lighthouse/contracts';
import { parsePattern, patternsOverlap } from '@lighthouse/reservations';
import { EventStoreClient, NatsBus } from '@lighthouse/transport';
import { issueCredential, startedAgent, type AgentClient } from './agent-client';
import { startE2eStack, type E2eStack } from './e2e-stack';

// Issue 17 end to end: the built bridge as processes, two lighthouse-mcp adapters driven over
// stdio by the MCP client as Claude Code drives them, and the PreToolUse / PostToolUse hooks run
// as Claude Code runs them (a process per call, its payload on stdin). A holder that stops showing
// signs of life (its adapter killed) loses its reservations within the lease.
const repo = join(__dirname, '..', '..');
/** The holder's lease: not seen alive for this long, its reservations end (short, so the test sees it). */
const LEASE_MS = 4_000;
const TICK_MS = 200;

interface Adapter {
  agentId: string;
  pid: number;
  env: Record<string, string>;
  call<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<{ isError: boolean; text: string; value: T }>;
  close(): Promise<void>;
}

interface HookRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('file reservations and messages end to end, through two adapters and their hooks', () => {
  let stack: E2eStack;
  let bus: NatsBus;
  let events: EventStoreClient;
  let dir: string;
  const open: Adapter[] = [];
  const credentials = new Map<string, string>();
  const main = () => join(stack.root, 'dist', 'apps', 'mcp-adapter', 'main.js');

  const envOf = (agentId: string): Record<string, string> => ({
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    LIGHTHOUSE_URL: stack.gatewayUrl,
    LIGHTHOUSE_AGENT_ID: agentId,
    LIGHTHOUSE_CREDENTIAL: credentials.get(agentId) as string,
    LIGHTHOUSE_STATE_DIR: join(dir, 'state', agentId),
    LIGHTHOUSE_HEARTBEAT_MS: '1000',
    LIGHTHOUSE_MOUNT: join(dir, 'mnt'),
  });

  /** lighthouse-mcp as Claude Code starts it: the built executable over stdio, configured by environment. */
  async function adapter(agentId: string): Promise<Adapter> {
    if (!credentials.has(agentId)) credentials.set(agentId, await issueCredential(stack.gatewayUrl, stack.adminSecret, agentId));
    const env = envOf(agentId);
    const transport = new StdioClientTransport({ command: main(), args: [], env, stderr: 'pipe' });
    transport.stderr?.on('data', () => undefined);
    const client = new Client({ name: 'e2e-reservations', version: '1.0.0' });
    await client.connect(transport);
    const handle: Adapter = {
      agentId,
      pid: transport.pid ?? -1,
      env,
      call: async (name, args = {}) => {
        const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 })) as { isError?: boolean; content: Array<{ text: string }>; structuredContent: unknown };
        return { isError: result.isError === true, text: result.content[0]?.text ?? '', value: result.structuredContent as never };
      },
      close: () => client.close(),
    };
    open.push(handle);
    return handle;
  }

  /** `lighthouse-mcp hook <event>` with a Claude Code payload on stdin. */
  async function hook(env: Record<string, string>, event: string, payload: Record<string, unknown>): Promise<HookRun> {
    const child = spawn(main(), ['hook', event], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(JSON.stringify(payload));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    return { code, stdout, stderr };
  }
  const preToolUse = (env: Record<string, string>, tool: string, input: Record<string, unknown>) =>
    hook(env, 'pre-tool-use', { session_id: 'cc-1', transcript_path: join(dir, 't.jsonl'), cwd: '/workspace', hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input, tool_use_id: 'toolu_01' });
  const write = (env: Record<string, string>, path: string) => preToolUse(env, 'Write', { file_path: `/workspace/${path}`, content: 'export const token = 1;\n' });
  const shell = (env: Record<string, string>, command: string) => preToolUse(env, 'Bash', { command });
  const additionalContext = (stdout: string): string => (stdout.trim() ? (JSON.parse(stdout) as { hookSpecificOutput: { additionalContext: string } }).hookSpecificOutput.additionalContext : '');

  async function reservationEvents(fromSequence: number): Promise<EventEnvelope[]> {
    const out: EventEnvelope[] = [];
    for (let next: number | null = fromSequence; next !== null; ) {
      const page = await events.read({ stream: RESERVATIONS_STREAM, fromSequence: next, limit: 1000 });
      out.push(...page.events);
      next = page.events.length === 0 ? null : page.nextSequence;
    }
    return out;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lh-reservations-e2e-'));
    stack = await startE2eStack({ repo, env: { LH_RESERVATION_LEASE_MS: String(LEASE_MS), LH_RESERVATION_TICK_MS: String(TICK_MS) } });
    bus = await NatsBus.connect({ ...stack.natsObserver, name: 'reservations-e2e-reader' });
    events = new EventStoreClient(bus);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(open.map((a) => a.close().catch(() => undefined)));
    await bus?.close();
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  describe('two adapters, A holding src/auth/**', () => {
    let a: Adapter;
    let b: Adapter;
    let firstEpoch: number;
    let expiresAt: string;

    beforeAll(async () => {
      [a, b] = await Promise.all([adapter('resv-ana'), adapter('resv-bo')]);
      for (const one of [a, b]) expect((await one.call('list_reservations', {})).isError).toBe(false);
    }, 60_000);

    it("denies B's hook a Write into A's reservation, naming A, the pattern, the reason and the expiry, and allows B's Write elsewhere", async () => {
      const reserved = await a.call<ReservationGrant>('reserve_files', { paths: ['src/auth/**'], reason: 'rewriting the token refresh', ttlSeconds: 600 });
      expect(reserved).toMatchObject({ isError: false, value: { reservations: [{ holder: 'resv-ana', pattern: 'src/auth/**', mode: 'exclusive', reason: 'rewriting the token refresh' }] } });
      firstEpoch = reserved.value.epoch;
      expiresAt = reserved.value.reservations[0]?.expiresAt as string;

      const denied = await write(b.env, 'src/auth/token.ts');
      expect(denied.code).toBe(2);
      expect(denied.stderr).toContain('Lighthouse denied this Write call: src/auth/token.ts is reserved: src/auth/**, reserved exclusively by resv-ana');
      expect(denied.stderr).toContain(`until ${expiresAt} (reason: rewriting the token refresh)`);
      expect(denied.stderr).toContain('reservation rule reservation.held');
      expect(await write(b.env, 'src/ui/x.ts')).toMatchObject({ code: 0, stderr: '' });
      // The holder itself writes freely.
      expect((await write(a.env, 'src/auth/token.ts')).code).toBe(0);

      // B sees who holds what, and cannot take it.
      const listed = await b.call<ReservationList>('list_reservations', { path: 'src/auth/token.ts' });
      expect(listed.value.reservations).toEqual([expect.objectContaining({ holder: 'resv-ana', pattern: 'src/auth/**', epoch: firstEpoch, expiresAt })]);
      expect((await b.call<ReservationList>('list_reservations', { mine: true })).value.reservations).toEqual([]);
      const taken = await b.call('reserve_files', { paths: ['src/auth/token.ts'], reason: 'fix a typo' });
      expect(taken).toMatchObject({ isError: true, value: { error: { code: 'RESERVATION_CONFLICT', message: expect.stringContaining('by resv-ana until') } } });
      const unsafe = await b.call('reserve_files', { paths: ['**'], reason: 'everything' });
      expect(unsafe).toMatchObject({ isError: true, value: { error: { code: 'VALIDATION_FAILED' } } });
    }, 60_000);

    it.each([
      ['sed -i', 'sed -i s/1/2/ src/auth/token.ts'],
      ['> redirection', 'echo "export const token = 2;" > src/auth/token.ts'],
      ['>> redirection', 'echo x >> src/auth/session.ts'],
      ['mv out of it', 'mv src/auth/token.ts src/ui/token.ts'],
      ['mv into it', 'mv src/ui/x.ts src/auth/x.ts'],
      ['rm', 'rm src/auth/token.ts'],
      ['rm -r of a directory above it', 'rm -r src'],
      ['tee', 'cat notes.txt | tee src/auth/notes.ts'],
    ])("denies B's shell command that changes the reserved path (%s)", async (_what, command) => {
      const run = await shell(b.env, command);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('reserved exclusively by resv-ana');
      expect(run.stderr).toContain('reservation rule reservation.held');
    }, 30_000);

    it.each([
      ['cat', 'cat src/auth/token.ts'],
      ['grep', 'grep -n token src/auth/token.ts'],
      ['a write elsewhere that reads it', 'cat src/auth/token.ts > src/ui/copy.ts'],
    ])("allows B's shell command that only reads the reserved path (%s)", async (_what, command) => {
      const run = await shell(b.env, command);
      expect(run.code).toBe(0);
      expect(run.stderr).not.toContain('reserved');
    }, 30_000);

    it("keeps A's reservation while A's adapter heartbeats past the lease; A killed with SIGKILL, B's same Write is allowed within the lease; A back reserves with a new epoch and its old epoch is refused", async () => {
      const { lastSequence } = await events.head();
      await sleep(LEASE_MS + 1_000);
      expect((await write(b.env, 'src/auth/token.ts')).code).toBe(2);

      process.kill(a.pid, 'SIGKILL');
      const killedAt = Date.now();
      let allowed: HookRun | undefined;
      while (!allowed && Date.now() - killedAt < LEASE_MS + 20_000) {
        const run = await write(b.env, 'src/auth/token.ts');
        if (run.code === 0) allowed = run;
        else await sleep(100);
      }
      const waited = Date.now() - killedAt;
      expect(allowed).toMatchObject({ code: 0, stderr: '' });
      // Within the lease, give or take the housekeeping tick and a loaded machine's event delivery.
      expect(waited).toBeLessThan(LEASE_MS + 10_000);
      const ended = (await reservationEvents(lastSequence + 1)).filter((e) => e.type === 'reservation.expired');
      expect(ended).toEqual([expect.objectContaining({ data: expect.objectContaining({ epoch: firstEpoch, cause: 'holder-gone' }) })]);

      const back = await adapter('resv-ana');
      const again = await back.call<ReservationGrant>('reserve_files', { paths: ['src/auth/**'], reason: 'back at the token refresh', ttlSeconds: 600 });
      expect(again.isError).toBe(false);
      expect(again.value.epoch).toBeGreaterThan(firstEpoch);
      const stale = await back.call('release_files', { epoch: firstEpoch });
      expect(stale).toMatchObject({ isError: true, value: { error: { code: 'STALE_EPOCH', message: expect.stringContaining(`epoch ${firstEpoch} is not a live grant of resv-ana`) } } });
      expect((await write(b.env, 'src/auth/token.ts')).code).toBe(2);
      // Renewing through the adapter extends the live grant; the old epoch cannot be renewed.
      const renewed = await back.call<ReservationGrant>('renew_reservations', { epoch: again.value.epoch, ttlSeconds: 1200 });
      expect(renewed).toMatchObject({ isError: false, value: { epoch: again.value.epoch } });
      expect(Date.parse(renewed.value.reservations[0]?.expiresAt as string)).toBeGreaterThan(Date.parse(again.value.reservations[0]?.expiresAt as string));
      expect(await back.call('renew_reservations', { epoch: firstEpoch })).toMatchObject({ isError: true, value: { error: { code: 'STALE_EPOCH' } } });

      const id = again.value.reservations[0]?.id as string;
      const released = await back.call<ReleasedReservations>('release_files', { epoch: again.value.epoch, ids: [id] });
      expect(released).toMatchObject({ isError: false, value: { released: [id] } });
      await waitForAllowed(b.env, 'src/auth/token.ts');
      a = back;
    }, 90_000);

    it("brings A's message with acknowledgement required into B's context through B's hook after one tool call, and A hears B's acknowledgement", async () => {
      const sent = await a.call<Message>('send_message', { agents: ['resv-bo'], subject: 'hands off src/auth', body: 'I am rewriting **src/auth** until noon.', importance: 'urgent', ackRequired: true });
      expect(sent.isError).toBe(false);
      const id = sent.value.id;

      expect((await b.call('list_reservations', {})).isError).toBe(false);
      const postToolUse = { session_id: 'cc-1', transcript_path: join(dir, 't.jsonl'), cwd: '/workspace', hook_event_name: 'PostToolUse', tool_name: 'mcp__lighthouse__list_reservations', tool_input: {}, tool_response: { ok: true } };
      const said = await hook(b.env, 'post-tool-use', postToolUse);
      expect(said.code).toBe(0);
      const context = additionalContext(said.stdout);
      expect(context).toContain('URGENT message from resv-ana: "hands off src/auth"');
      expect(context).toContain(`acknowledge_message {"id":"${id}"}`);

      expect((await b.call('acknowledge_message', { id, note: 'staying out' })).isError).toBe(false);
      let heard = '';
      const deadline = Date.now() + 10_000;
      while (!heard.includes('resv-bo acknowledged') && Date.now() < deadline) {
        expect((await a.call('list_reservations', {})).isError).toBe(false);
        heard += additionalContext((await hook(a.env, 'post-tool-use', { ...postToolUse, session_id: 'cc-2' })).stdout);
      }
      expect(heard).toContain(`resv-bo acknowledged your message "hands off src/auth" (message ${id}, note: "staying out")`);
      const thread = await a.call<MessagePage>('read_thread', { thread: sent.value.thread });
      expect(thread.value.messages[0]?.receipts).toEqual([expect.objectContaining({ agent: 'resv-bo', acknowledgedAt: expect.any(String), note: 'staying out' })]);
    }, 60_000);

    it("ends C's reservation with C's session when its adapter exits cleanly (the client goes away): session-ended, not a lease running out", async () => {
      const c = await adapter('resv-cy');
      const reserved = await c.call<ReservationGrant>('reserve_files', { paths: ['docs/**'], mode: 'shared', reason: 'editing the guide', ttlSeconds: 600 });
      expect(reserved.isError).toBe(false);
      // Shared: B holds nothing there, so only strict mode would stop it; C's exclusive one would.
      expect((await write(b.env, 'docs/guide.md')).code).toBe(0);
      const exclusive = await c.call<ReservationGrant>('reserve_files', { paths: ['docs/**'], reason: 'rewriting the guide', ttlSeconds: 600 });
      expect(exclusive.value.epoch).toBeGreaterThan(reserved.value.epoch);
      expect((await write(b.env, 'docs/guide.md')).stderr).toContain('docs/**, reserved exclusively by resv-cy');
      const { lastSequence } = await events.head();
      await c.close();
      await waitForAllowed(b.env, 'docs/guide.md');
      const ended = (await reservationEvents(lastSequence + 1)).filter((e) => e.type === 'reservation.expired');
      expect(ended).toEqual([expect.objectContaining({ data: expect.objectContaining({ id: exclusive.value.reservations[0]?.id, cause: 'session-ended' }) })]);
    }, 60_000);

    /** B's Write goes through once the release has reached the speed layer (it follows the store). */
    async function waitForAllowed(env: Record<string, string>, path: string): Promise<void> {
      const deadline = Date.now() + 10_000;
      let run = await write(env, path);
      while (run.code !== 0 && Date.now() < deadline) {
        await sleep(100);
        run = await write(env, path);
      }
      expect(run).toMatchObject({ code: 0, stderr: '' });
    }
  });

  it('given 100 agents racing through the gateway for overlapping globs, then the stored events never show two holders of one exclusive path, and no release is lost', async () => {
    const GLOBS = ['race/src/**', 'race/src/auth/**', 'race/src/auth/token.ts', 'race/src/*/token.ts', 'race/src/{auth,ui}/**', 'race/src/ui/x.ts', 'race/docs/*.md', 'race/docs/**', 'race/{src,docs}/**/*.md'];
    const agents: AgentClient[] = [];
    for (let i = 0; i < 100; i += 20) agents.push(...(await Promise.all(Array.from({ length: 20 }, (_, k) => startedAgent(stack, `racer-${i + k}`)))));
    const { lastSequence } = await events.head();
    // Every racer shows signs of life, as its adapter would: the lease must not end a grant mid-race.
    const keepAlive = setInterval(() => agents.forEach((agent) => void agent.change('POST', '/sessions/heartbeat').catch(() => undefined)), 1_000);
    const granted: string[] = [];
    const released: string[] = [];
    try {
      for (let round = 0; round < 3; round++) {
        const outcomes = await Promise.all(
          agents.map(async (agent, i) => {
            const mode = i % 5 === 0 ? 'shared' : 'exclusive';
            const answer = await agent.change<ReservationGrant>('POST', '/reservations', { paths: [GLOBS[(i + round) % GLOBS.length]], mode, reason: `round ${round}`, ttlSeconds: 600 });
            if (answer.status === 409) return undefined;
            expect(answer.status).toBe(201);
            return { agent, grant: answer.body };
          }),
        );
        const winners = outcomes.filter((o) => o !== undefined);
        expect(winners.length).toBeGreaterThan(0);
        expect(winners.length).toBeLessThan(agents.length);
        for (const { grant } of winners) granted.push(...grant.reservations.map((r) => r.id));
        await Promise.all(
          winners.map(async ({ agent, grant }) => {
            const answer = await agent.change<ReleasedReservations>('POST', '/reservations/release', { epoch: grant.epoch });
            expect(answer.status).toBe(200);
            released.push(...answer.body.released);
          }),
        );
      }
    } finally {
      clearInterval(keepAlive);
    }

    const history = await reservationEvents(lastSequence + 1);
    const live = new Map<string, { holder: string; pattern: string; mode: string }>();
    for (const e of history) {
      const data = e.data as { id: string; holder: string; pattern: string; mode: string };
      if (e.type !== 'reservation.reserved') {
        live.delete(data.id);
        continue;
      }
      for (const other of live.values()) {
        const exclusive = other.mode === 'exclusive' || data.mode === 'exclusive';
        if (exclusive && other.holder !== data.holder && patternsOverlap(parsePattern(other.pattern), parsePattern(data.pattern))) {
          throw new Error(`${data.holder} was granted ${data.pattern} (${data.mode}) while ${other.holder} held ${other.pattern} (${other.mode}), event ${e.sequence}`);
        }
      }
      live.set(data.id, data);
    }
    expect(history.filter((e) => e.type === 'reservation.reserved').map((e) => (e.data as { id: string }).id).sort()).toEqual([...granted].sort());
    expect(history.filter((e) => e.type === 'reservation.released').map((e) => (e.data as { id: string }).id).sort()).toEqual([...released].sort());
    expect([...released].sort()).toEqual([...granted].sort());
    expect(history.filter((e) => e.type === 'reservation.expired' || e.type === 'reservation.forced')).toEqual([]);
    expect(live.size).toBe(0);
    expect((await agents[0]?.get<ReservationList>('/reservations?path=race/**'))?.body.reservations).toEqual([]);
  }, 180_000);
});
