import { createHash } from 'node:crypto';
import { computeToolDefinitions, toolDefinitions, TOOL_INPUTS } from './tool-definitions';

describe('tool definitions', () => {
  it('offer every tool of the bridge, each with a description and a closed object schema', () => {
    const { tools } = computeToolDefinitions();
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        'complete_delegation',
        'delegate',
        'fail_delegation',
        'list_experts',
        'list_files',
        'next_delegation',
        'query_events',
        'read_file',
        'register_expertise',
        'report_progress',
        'status',
        'store_event',
        'validate',
        'wait_for_result',
        'send_message',
        'fetch_inbox',
        'read_thread',
        'mark_read',
        'acknowledge_message',
        'search',
        'reserve_files',
        'release_files',
        'renew_reservations',
        'list_reservations',
      ].sort(),
    );
    for (const tool of tools) {
      expect(tool.description.length).toBeGreaterThan(30);
      expect(tool.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
      expect(tool.inputSchema).not.toHaveProperty('$schema');
    }
  });

  it('take what the gateway takes: validate is the contract ValidateRequest', () => {
    const validate = computeToolDefinitions().tools.find((t) => t.name === 'validate');
    expect(validate?.inputSchema).toMatchObject({ required: ['tool', 'input'], properties: { tool: { type: 'string' }, input: { type: 'object' }, cwd: { type: 'string' } } });
    expect(TOOL_INPUTS.validate.input.safeParse({ tool: 'Bash', input: { command: 'ls' }, extra: 1 }).success).toBe(false);
  });

  it('leave defaulted inputs optional (defaults are the gateway contract defaults)', () => {
    const next = computeToolDefinitions().tools.find((t) => t.name === 'next_delegation');
    expect(next?.inputSchema).toMatchObject({ properties: { waitMs: { default: 25_000, maximum: 55_000 } } });
    expect(next?.inputSchema['required']).toBeUndefined();
  });

  it('are hashed exactly as tools/list serves them, the same on every computation', () => {
    const first = computeToolDefinitions();
    expect(first.hash).toBe(createHash('sha256').update(JSON.stringify(first.tools)).digest('hex'));
    expect(computeToolDefinitions()).toEqual(first);
    expect(toolDefinitions()).toEqual(first);
  });
});
