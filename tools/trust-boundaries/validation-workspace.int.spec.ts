import { join } from 'node:path';
import type { ValidationResult } from '@lighthouse/contracts';
import { AgentClient, issueCredential } from '../e2e/agent-client';
import { startE2eStack, type E2eStack } from '../e2e/e2e-stack';

// Boundary: the workspace the speed layer judges paths against. The operator configures it; the
// `cwd` an agent sends may narrow it, never widen it: `cwd: "/"` must not make every path "inside
// the workspace".
const repo = join(__dirname, '..', '..');

describe('the workspace is the operator\'s, and an agent\'s cwd cannot widen it', () => {
  let stack: E2eStack;
  let agent: AgentClient;

  beforeAll(async () => {
    // No expert in this stack: an escalation fails closed after a second.
    stack = await startE2eStack({ repo, env: { LH_SPEED_WORKSPACE_ROOT: '/workspace', LH_SPEED_ESCALATION_TIMEOUT_MS: '1000' } });
    agent = new AgentClient(stack.gatewayUrl, 'wide-cwd', await issueCredential(stack.gatewayUrl, stack.adminSecret, 'wide-cwd'));
    expect((await agent.start()).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  const validate = async (tool: string, input: Record<string, unknown>, cwd?: string) => {
    const answer = await agent.change<ValidationResult>('POST', '/validate', cwd === undefined ? { tool, input } : { tool, input, cwd });
    expect(answer.status).toBe(200);
    return answer.body;
  };

  it.each([
    ['/', 'Bash', { command: 'rm -rf /etc/nginx' }],
    ['/', 'Bash', { command: 'rm -rf /home/other-agent/project' }],
    ['/etc', 'Bash', { command: 'rm -rf nginx' }],
    ['/workspace/../etc', 'Bash', { command: 'rm -rf /etc/ssl' }],
  ])('with cwd %s, %s %j is judged against the operator\'s workspace', async (cwd, tool, input) => {
    const answer = await validate(tool, input, cwd);
    expect(answer.decision).not.toBe('allow');
  }, 20_000);

  it('lets a cwd inside the workspace narrow it', async () => {
    expect(await validate('Bash', { command: 'rm -rf build' }, '/workspace/app')).toMatchObject({ decision: 'allow' });
    expect((await validate('Bash', { command: 'rm -rf /workspace/other-app/build' }, '/workspace/app')).decision).not.toBe('allow');
  }, 20_000);

  it.each([
    ['an array', [{ tool: 'Bash', input: { command: 'ls' } }]],
    ['a string', 'rm -rf /'],
    ['null', null],
    ['no input', { tool: 'Bash' }],
    ['an empty tool name', { tool: '', input: { command: 'ls' } }],
    ['an unknown field', { tool: 'Bash', input: { command: 'ls' }, decision: 'allow' }],
    ['input that is not an object', { tool: 'Bash', input: 'rm -rf /' }],
    ['a cwd over the limit', { tool: 'Bash', input: { command: 'ls' }, cwd: `/${'a'.repeat(5000)}` }],
  ])('refuses a body that is %s with 400 VALIDATION_FAILED, judging nothing', async (_what, body) => {
    const answer = await agent.change<{ code?: string; decision?: string }>('POST', '/validate', body);
    expect({ status: answer.status, code: answer.body.code, decision: answer.body.decision }).toEqual({ status: 400, code: 'VALIDATION_FAILED', decision: undefined });
  }, 20_000);
});
