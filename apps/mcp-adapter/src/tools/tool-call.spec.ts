import { LighthouseError } from '@lighthouse/contracts';
import { callTool } from './tool-call';
import type { toolHandlers } from './tool-handlers';

type Handlers = ReturnType<typeof toolHandlers>;
const context = { signal: new AbortController().signal };
/** Handlers for the one tool a case calls; the others are never reached. */
const only = (handler: (input: unknown) => Promise<unknown>) => new Proxy({}, { get: () => handler }) as Handlers;

describe('one tool call', () => {
  it('runs the handler with the parsed arguments (defaults applied) and answers its JSON', async () => {
    const seen: unknown[] = [];
    const result = await callTool(only(async (input) => (seen.push(input), { delegation: null, epoch: null })), 'next_delegation', {}, context);
    expect(seen).toEqual([{ waitMs: 25_000 }]);
    expect(result).toEqual({ content: [{ type: 'text', text: '{"delegation":null,"epoch":null}' }], structuredContent: { delegation: null, epoch: null } });
  });

  it('refuses arguments the schema does not accept, without calling the gateway', async () => {
    let called = false;
    const result = await callTool(only(async () => (called = true)), 'complete_delegation', { delegationId: 'not-a-uuid', epoch: 0, result: {} }, context);
    expect(called).toBe(false);
    expect(result).toMatchObject({ isError: true, structuredContent: { error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/delegationId.*epoch/s) } } });
  });

  it('turns a gateway error into a tool error with its stable code and message', async () => {
    const result = await callTool(only(async () => Promise.reject(new LighthouseError('CONFLICT', 'stale claim epoch 1 (current 2)'))), 'status', {}, context);
    expect(result).toEqual({
      isError: true,
      content: [{ type: 'text', text: 'CONFLICT: stale claim epoch 1 (current 2)' }],
      structuredContent: { error: { code: 'CONFLICT', message: 'stale claim epoch 1 (current 2)' } },
    });
  });

  it('hides the details of an unexpected failure', async () => {
    const result = await callTool(only(async () => Promise.reject(new TypeError('x is undefined at /home/secret'))), 'status', {}, context);
    expect(result).toMatchObject({ isError: true, structuredContent: { error: { code: 'INTERNAL', message: 'internal error in the Lighthouse adapter' } } });
  });

  it('answers nothing for a tool that does not exist (the server makes it a protocol error)', async () => {
    expect(await callTool(only(async () => 1), 'rm_rf', {}, context)).toBeUndefined();
  });
});
