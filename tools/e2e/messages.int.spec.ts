import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Message, MessagePage, ReadResult, SearchResult } from '@lighthouse/contracts';
import { AgentClient, issueCredential } from './agent-client';
import { startE2eStack, type E2eStack } from './e2e-stack';

// End to end through the gateway: agents write to agents, roles and threads, read their inboxes,
// acknowledge; nobody reads a message that was not sent to them, by any route. Then the same as
// Claude Code sees it: two lighthouse-mcp adapters driven over stdio by the MCP client, and the
// context hooks run with Claude Code's payloads.
const repo = join(__dirname, '..', '..');

interface Adapter {
  env: Record<string, string>;
  call<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<{ isError: boolean; text: string; value: T }>;
  close(): Promise<void>;
}

/** Starts lighthouse-mcp as Claude Code does: the built executable over stdio, configured by environment. */
async function startAdapter(main: string, env: Record<string, string>): Promise<Adapter> {
  const transport = new StdioClientTransport({ command: main, args: [], env, stderr: 'pipe' });
  transport.stderr?.on('data', () => undefined);
  const client = new Client({ name: 'e2e-messages', version: '1.0.0' });
  await client.connect(transport);
  return {
    env,
    call: async (name, args = {}) => {
      const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: 30_000 })) as { isError?: boolean; content: Array<{ text: string }>; structuredContent: unknown };
      return { isError: result.isError === true, text: result.content[0]?.text ?? '', value: result.structuredContent as never };
    },
    close: () => client.close(),
  };
}

/** Runs `lighthouse-mcp hook <event>` with a Claude Code payload on stdin; its exit code and output. */
async function runHook(main: string, env: Record<string, string>, event: string, payload: Record<string, unknown>): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(main, ['hook', event], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', () => undefined);
  child.stdin.end(JSON.stringify(payload));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, stdout };
}

const additionalContext = (stdout: string): string => (stdout.trim() ? (JSON.parse(stdout) as { hookSpecificOutput: { additionalContext: string } }).hookSpecificOutput.additionalContext : '');

describe('messages through the gateway', () => {
  let stack: E2eStack;
  let ana: AgentClient;
  let bo: AgentClient;
  let cy: AgentClient;

  beforeAll(async () => {
    stack = await startE2eStack({ repo });
    const agent = async (id: string) => {
      const client = new AgentClient(stack.gatewayUrl, id, await issueCredential(stack.gatewayUrl, stack.adminSecret, id, ['security_architect']));
      expect((await client.start()).status).toBe(201);
      return client;
    };
    [ana, bo, cy] = await Promise.all([agent('msg-ana'), agent('msg-bo'), agent('msg-cy')]);
    expect((await cy.change('POST', '/experts', { role: 'security_architect' })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('delivers a message to an agent and a role, lets a recipient reply in the thread and acknowledge, and shows the sender the receipts', async () => {
    const sent = await ana.change<Message>('POST', '/messages', { to: { agents: ['msg-bo'], roles: ['security_architect'] }, subject: 'token rotation', body: '## Rotate\nthe **keys** today', importance: 'urgent', ackRequired: true });
    expect(sent).toMatchObject({ status: 201, body: { from: 'msg-ana', recipients: ['msg-bo', 'msg-cy'], importance: 'urgent', ackRequired: true } });
    const { id, thread } = sent.body;

    const inbox = await bo.get<MessagePage>('/messages?unread=true&minImportance=high');
    expect(inbox.status).toBe(200);
    expect(inbox.body.messages.map((m) => m.id)).toEqual([id]);
    expect(inbox.body.messages[0]?.receipts).toEqual([{ agent: 'msg-bo', readAt: null, acknowledgedAt: null, note: null }]);

    const reply = await bo.change<Message>('POST', '/messages', { thread, subject: 're: token rotation', body: 'on it' });
    expect(reply).toMatchObject({ status: 201, body: { thread, recipients: ['msg-ana', 'msg-cy'] } });
    const acked = await bo.change<Message>('POST', `/messages/${id}/ack`, { note: 'rotated' });
    expect(acked).toMatchObject({ status: 200, body: { receipts: [{ agent: 'msg-bo', note: 'rotated' }] } });
    expect((await bo.get<MessagePage>('/messages?unread=true')).body.messages.map((m) => m.id)).toEqual([]);

    const seenByAna = await ana.get<MessagePage>(`/messages/threads/${thread}`);
    expect(seenByAna.body.messages.map((m) => m.subject)).toEqual(['token rotation', 're: token rotation']);
    const receipts = seenByAna.body.messages[0]?.receipts ?? [];
    expect(receipts.find((r) => r.agent === 'msg-bo')).toMatchObject({ acknowledgedAt: expect.any(String), note: 'rotated' });
    expect(receipts.find((r) => r.agent === 'msg-cy')).toMatchObject({ acknowledgedAt: null });
  }, 30_000);

  it('keeps a message between two agents from a third: no inbox entry, no thread, no receipt, no event, no forged message event', async () => {
    const sent = await ana.change<Message>('POST', '/messages', { to: { agents: ['msg-bo'] }, subject: 'private', body: 'between us' });
    const { id, thread } = sent.body;
    expect((await cy.get<MessagePage>('/messages')).body.messages.map((m) => m.id)).not.toContain(id);
    expect((await cy.get(`/messages/threads/${thread}`)).status).toBe(403);
    expect((await cy.change('POST', `/messages/${id}/ack`, {})).status).toBe(403);
    expect((await cy.change('POST', '/messages/read', { ids: [id] })).status).toBe(403);
    expect((await cy.change('POST', '/messages', { thread, subject: 'x', body: 'let me in' })).status).toBe(403);
    const events = await cy.get<ReadResult>(`/events?stream=thread-${thread}`);
    expect(events.body.events).toEqual([]);
    expect((await bo.get<ReadResult>(`/events?stream=thread-${thread}`)).body.events.map((e) => e.type)).toEqual(['message.sent']);
    const forged = await cy.change('POST', '/events', { type: 'message.sent', stream: `thread-${thread}`, data: { audience: ['msg-cy'] } });
    expect(forged.status).toBe(403);
  }, 30_000);

  it('refuses bad input with a stable error: an oversized body, unknown fields, a message to nobody, a bad cursor', async () => {
    const big = await ana.change('POST', '/messages', { to: { agents: ['msg-bo'] }, subject: 's', body: 'x'.repeat(33 * 1024) });
    expect(big.status).toBe(400);
    expect((await ana.change('POST', '/messages', { to: { agents: ['msg-bo'] }, subject: 's', body: 'b', colour: 'red' })).status).toBe(400);
    expect((await ana.change('POST', '/messages', { to: { agents: ['msg-ana'] }, subject: 's', body: 'b' })).body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await ana.get('/messages?cursor=nope')).body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await ana.get('/messages?limit=5000')).status).toBe(400);
  }, 30_000);

  describe('search', () => {
    /** The caller's hits for `q`, once the index has caught up with what was just written (it follows the store). */
    const found = async (client: AgentClient, q: string, expectAtLeast: number): Promise<SearchResult> => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const answer = await client.get<SearchResult>(`/search?q=${encodeURIComponent(q)}`);
        expect(answer.status).toBe(200);
        if (answer.body.hits.length >= expectAtLeast || Date.now() > deadline) return answer.body;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    it('finds a message between ana and cy for them, and never for bo: messages, delegations and events follow the visibility rules', async () => {
      const sent = await ana.change<Message>('POST', '/messages', { to: { agents: ['msg-cy'] }, subject: 'vault passphrase', body: 'the quartermaster passphrase rotates at dawn' });
      expect(sent.status).toBe(201);
      expect((await found(cy, 'quartermaster', 1)).hits).toEqual([expect.objectContaining({ kind: 'message', id: sent.body.id, title: 'vault passphrase', snippet: expect.stringContaining('quartermaster') })]);
      expect((await found(ana, 'quartermaster passphrase', 1)).hits.map((h) => h.id)).toEqual([sent.body.id]);
      expect((await bo.get<SearchResult>('/search?q=quartermaster')).body.hits).toEqual([]);
      expect((await bo.get<SearchResult>('/search?q=quartermster&kinds=message,event,delegation')).body.hits).toEqual([]);

      const delegated = await ana.change<{ id: string }>('POST', '/delegations', { target: { role: 'security_architect' }, title: 'audit the xylophone cipher', body: 'see thread' });
      expect(delegated.status).toBe(201);
      expect((await found(ana, 'xylophone', 1)).hits).toEqual([expect.objectContaining({ kind: 'delegation', id: delegated.body.id })]);
      expect((await bo.get<SearchResult>('/search?q=xylophone')).body.hits).toEqual([]);

      const noted = await ana.change<{ id: string }>('POST', '/events', { type: 'review.finding_reported', stream: 'notes-msg-ana', data: { finding: 'zeppelin race in the cache' } });
      expect(noted.status).toBe(201);
      expect((await found(ana, 'zeppelin', 1)).hits).toEqual([expect.objectContaining({ kind: 'event', id: noted.body.id, agent: 'msg-ana' })]);
      expect((await bo.get<SearchResult>('/search?q=zeppelin')).body.hits).toEqual([]);
    }, 60_000);

    it('refuses a query that is empty, too long, or pages with a cursor it never handed out', async () => {
      expect((await bo.get('/search?q=')).status).toBe(400);
      expect((await bo.get(`/search?q=${'x'.repeat(201)}`)).status).toBe(400);
      expect((await bo.get('/search?q=x&cursor=abc')).status).toBe(400);
      expect((await bo.get('/search?q=x&kinds=secrets')).status).toBe(400);
      expect((await bo.get('/search?q=x&limit=51')).status).toBe(400);
      expect((await bo.get('/search?q=x&colour=red')).status).toBe(400);
    }, 30_000);
  });

  describe('through lighthouse-mcp and the Claude Code hooks', () => {
    let dir: string;
    let a: Adapter;
    let b: Adapter;
    const main = () => join(stack.root, 'dist', 'apps', 'mcp-adapter', 'main.js');
    const postToolUse = (tool: string) => ({ session_id: 'cc-1', transcript_path: join(dir, 't.jsonl'), cwd: '/workspace', hook_event_name: 'PostToolUse', tool_name: tool, tool_input: {}, tool_response: { ok: true } });

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'lh-messages-e2e-'));
      const envOf = async (agentId: string) => ({
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: dir,
        LIGHTHOUSE_URL: stack.gatewayUrl,
        LIGHTHOUSE_AGENT_ID: agentId,
        LIGHTHOUSE_CREDENTIAL: await issueCredential(stack.gatewayUrl, stack.adminSecret, agentId),
        LIGHTHOUSE_STATE_DIR: join(dir, 'state', agentId),
        LIGHTHOUSE_MOUNT: join(dir, 'mnt'),
      });
      [a, b] = await Promise.all([startAdapter(main(), await envOf('mcp-ana')), startAdapter(main(), await envOf('mcp-bo'))]);
      // Both sessions open and their event streams connected (the catch-up after connecting has read the inbox).
      for (const adapter of [a, b]) expect((await adapter.call('fetch_inbox', {})).isError).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }, 60_000);

    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()]);
      rmSync(dir, { recursive: true, force: true });
    }, 30_000);

    it("brings A's message with acknowledgement required into B's context at B's next tool call, once, and A's context hears B's acknowledgement", async () => {
      const sent = await a.call<Message>('send_message', { agents: ['mcp-bo'], subject: 'freeze main', body: 'Stop merging to **main** until the release is cut.', importance: 'urgent', ackRequired: true });
      expect(sent.isError).toBe(false);
      const id = sent.value.id;

      // B's next step: one tool call, then the PostToolUse hook Claude Code runs after it.
      expect((await b.call('list_experts', {})).isError).toBe(false);
      const first = await runHook(main(), b.env, 'post-tool-use', postToolUse('mcp__lighthouse__list_experts'));
      expect(first.code).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({ hookSpecificOutput: { hookEventName: 'PostToolUse' } });
      const said = additionalContext(first.stdout);
      expect(said).toContain('URGENT message from mcp-ana: "freeze main"');
      expect(said).toContain(`acknowledge_message {"id":"${id}"}`);
      expect(said).toContain('> Stop merging to **main**');
      // Said once: the next step adds nothing new.
      expect(additionalContext((await runHook(main(), b.env, 'user-prompt-submit', { session_id: 'cc-1', hook_event_name: 'UserPromptSubmit', prompt: 'go on' })).stdout)).toBe('');

      const acked = await b.call<Message>('acknowledge_message', { id, note: 'frozen' });
      expect(acked.isError).toBe(false);
      const deadline = Date.now() + 5_000;
      let heard = '';
      while (!heard.includes('mcp-bo acknowledged') && Date.now() < deadline) {
        expect((await a.call('list_experts', {})).isError).toBe(false);
        heard += additionalContext((await runHook(main(), a.env, 'post-tool-use', postToolUse('mcp__lighthouse__list_experts'))).stdout);
      }
      expect(heard).toContain(`mcp-bo acknowledged your message "freeze main" (message ${id}, note: "frozen")`);
      const thread = await a.call<MessagePage>('read_thread', { thread: sent.value.thread });
      expect(thread.value.messages[0]?.receipts).toEqual([expect.objectContaining({ agent: 'mcp-bo', acknowledgedAt: expect.any(String), note: 'frozen' })]);
      // The search tool answers what its agent may see.
      const search = await b.call<SearchResult>('search', { q: 'freeze merging', kinds: ['message'] });
      expect(search.value.hits.map((h) => h.id)).toEqual([id]);
    }, 60_000);

    it('never blocks the agent: a context hook without identity, state or a readable payload answers exit 0 with nothing', async () => {
      const bare = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir };
      expect(await runHook(main(), bare, 'post-tool-use', postToolUse('Bash'))).toEqual({ code: 0, stdout: '' });
      const elsewhere = { ...b.env, LIGHTHOUSE_STATE_DIR: join(dir, 'nothing-here') };
      expect(await runHook(main(), elsewhere, 'session-start', { hook_event_name: 'SessionStart' })).toEqual({ code: 0, stdout: '' });
      expect((await runHook(main(), { ...b.env, LIGHTHOUSE_URL: 'not a url' }, 'user-prompt-submit', { nonsense: true })).code).toBe(0);
    }, 30_000);
  });
});
