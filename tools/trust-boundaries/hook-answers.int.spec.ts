import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { buildServices, type BuiltServices } from '@lighthouse/testing';

// Issue 14, item 6: the Claude Code hook must never fail open on an answer it cannot read. Claude
// Code runs the tool on any exit other than 2 (and on an explicit allow), so a gateway — or
// anything between the hook and it — answering a 2xx that is not a decision must block shell and
// write tools. Before the fix `{}` made the hook throw outside its catch and exit 1 (the call
// ran), and a bare `{"decision":"allow"}` was taken as an explicit allow.
const repo = join(__dirname, '..', '..');

/** What the fake gateway answers to POST /validate, by scenario. */
const ANSWERS: Record<string, { status: number; type: string; body: string }> = {
  'empty object': { status: 200, type: 'application/json', body: '{}' },
  'html page': { status: 200, type: 'text/html', body: '<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>' },
  'truncated json': { status: 200, type: 'application/json', body: '{"decisionId":"7d7f1a52-8d0e-4a41-9d5c-1c7a3c1b2d3e","decision":"de' },
  'garbage with 201': { status: 201, type: 'application/octet-stream', body: '\u0000\u0001garbage' },
  'empty 204': { status: 204, type: 'text/plain', body: '' },
  'bare allow': { status: 200, type: 'application/json', body: '{"decision":"allow"}' },
  'allow with an unknown decision value': { status: 200, type: 'application/json', body: JSON.stringify({ ...validAnswer(), decision: 'approve' }) },
  'json array': { status: 200, type: 'application/json', body: '[{"decision":"allow"}]' },
};

function validAnswer() {
  return { decisionId: randomUUID(), decision: 'allow', tier: 'policy', ruleId: 'r', reason: 'fine', confidence: 1, latencyMs: 0.1, delegationId: null, basis: 'rule', effects: [] };
}

/** A fake gateway: opens sessions like the real one, answers /validate with the scenario of the moment. */
function fakeGateway(scenario: () => string): Server {
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      if (request.url === '/sessions') {
        const soon = (s: number) => new Date(Date.now() + s * 1000).toISOString();
        const grant = { agentId: 'hook-victim', sessionId: randomBytes(16).toString('base64url'), token: 'v1.fake.token', tokenExpiresAt: soon(900), sessionExpiresAt: soon(86_400), idleTimeoutSeconds: 1800, sessionKey: randomBytes(32).toString('base64url'), audience: 'lighthouse' };
        response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(grant));
        return;
      }
      const unjudged = { ...validAnswer(), ruleId: null, basis: 'no-risk-seen', reason: 'no rule matched and no risk seen' };
      const answer = ANSWERS[scenario()] ?? { status: 200, type: 'application/json', body: JSON.stringify(scenario() === 'unjudged' ? unjudged : validAnswer()) };
      response.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
    });
  });
}

describe('the hook reads the gateway answer with the contract: anything else is "cannot decide"', () => {
  let built: BuiltServices;
  let server: Server;
  let url: string;
  let current = '';
  let state: string;

  beforeAll(async () => {
    built = await buildServices({ repo, tag: 'hook-answers', apps: ['mcp-adapter'] });
    server = fakeGateway(() => current);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    state = mkdtempSync(join(tmpdir(), 'lh-hook-answers-'));
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    built?.remove();
    if (state) rmSync(state, { recursive: true, force: true });
  });

  /** Runs the built `lighthouse-mcp hook pre-tool-use` once, as Claude Code would. */
  function hook(tool: string, input: Record<string, unknown>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LIGHTHOUSE_URL: url, LIGHTHOUSE_AGENT_ID: 'hook-victim', LIGHTHOUSE_CREDENTIAL: `lhc_${'A'.repeat(43)}`, LIGHTHOUSE_STATE_DIR: state, LIGHTHOUSE_HOOK_TIMEOUT_MS: '5000' };
    const child = spawn(built.main('mcp-adapter'), ['hook', 'pre-tool-use'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(JSON.stringify({ session_id: 's', cwd: '/workspace', hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input }));
    return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  }

  it.each(Object.keys(ANSWERS))('given a 2xx answer that is not a decision (%s), when the hook runs Bash, then it blocks with exit 2', async (scenario) => {
    current = scenario;
    const run = await hook('Bash', { command: 'rm -rf ~/work' });
    expect({ scenario, code: run.code, stdout: run.stdout }).toEqual({ scenario, code: 2, stdout: '' });
    expect(run.stderr).toContain('could not validate');
  }, 30_000);

  it.each(['Write', 'Edit'])('given an empty object as the answer, when the hook runs %s, then it blocks with exit 2', async (tool) => {
    current = 'empty object';
    const run = await hook(tool, { file_path: '/workspace/a.ts', content: 'x', old_string: 'a', new_string: 'b' });
    expect(run.code).toBe(2);
  }, 30_000);

  it('given HTML as the answer, when the hook runs a read-only tool, then it runs with a warning (never exit 1)', async () => {
    current = 'html page';
    const run = await hook('Read', { file_path: '/workspace/a.ts' });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ systemMessage: expect.stringContaining('could not validate') });
  }, 30_000);

  it('given an allow on no risk seen, when the hook runs Bash, then it prints nothing and exits 0 (Claude Code\'s own rules decide)', async () => {
    current = 'unjudged';
    const run = await hook('Bash', { command: 'ls' });
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: '' });
  }, 30_000);

  it('given a valid rule allow, when the hook runs Bash, then it answers an explicit allow (the fake gateway is a fair one)', async () => {
    current = 'valid';
    const run = await hook('Bash', { command: 'ls' });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ hookSpecificOutput: { permissionDecision: 'allow' } });
  }, 30_000);
});
