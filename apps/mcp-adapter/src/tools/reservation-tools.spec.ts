import { RESERVATION_LIMITS } from '@lighthouse/contracts';
import { callTool } from './tool-call';
import type { toolHandlers } from './tool-handlers';
import { computeToolDefinitions } from './tool-definitions';

type Handlers = ReturnType<typeof toolHandlers>;
const context = { signal: new AbortController().signal };
/** Records what reached the handler: a call the schema refuses never does. */
function recording() {
  const seen: unknown[] = [];
  const handlers = new Proxy({}, { get: () => async (input: unknown) => (seen.push(input), { ok: true }) }) as Handlers;
  return { seen, handlers };
}
const ID = '00000000-0000-4000-8000-000000000001';

describe('the reservation tools', () => {
  it('given a reserve with only paths and a reason, then the contract defaults are applied (exclusive, one hour)', async () => {
    const { seen, handlers } = recording();
    const result = await callTool(handlers, 'reserve_files', { paths: ['src/auth/**'], reason: 'refactoring the token refresh' }, context);
    expect(result?.isError).toBeUndefined();
    expect(seen).toEqual([{ paths: ['src/auth/**'], mode: 'exclusive', reason: 'refactoring the token refresh', ttlSeconds: RESERVATION_LIMITS.defaultTtlSeconds }]);
  });

  it.each([
    ['no path', { paths: [], reason: 'r' }, 'paths'],
    ['too many paths', { paths: Array.from({ length: RESERVATION_LIMITS.patternsPerRequest + 1 }, (_, i) => `src/${i}.ts`), reason: 'r' }, 'paths'],
    ['an over-long pattern', { paths: [`src/${'a'.repeat(RESERVATION_LIMITS.patternChars)}`], reason: 'r' }, 'paths.0'],
    ['an unknown mode', { paths: ['src/a.ts'], reason: 'r', mode: 'mine' }, 'mode'],
    ['a TTL under the minimum', { paths: ['src/a.ts'], reason: 'r', ttlSeconds: RESERVATION_LIMITS.minTtlSeconds - 1 }, 'ttlSeconds'],
    ['a TTL over the maximum', { paths: ['src/a.ts'], reason: 'r', ttlSeconds: RESERVATION_LIMITS.maxTtlSeconds + 1 }, 'ttlSeconds'],
    ['no reason', { paths: ['src/a.ts'] }, 'reason'],
    ['an over-long reason', { paths: ['src/a.ts'], reason: 'x'.repeat(RESERVATION_LIMITS.reasonChars + 1) }, 'reason'],
    ['an unknown field', { paths: ['src/a.ts'], reason: 'r', holder: 'someone-else' }, 'arguments'],
  ])('given a reserve with %s, then VALIDATION_FAILED naming %s, and the gateway is never called', async (_case, args, field) => {
    const { seen, handlers } = recording();
    const result = await callTool(handlers, 'reserve_files', args, context);
    expect(seen).toEqual([]);
    expect(result).toMatchObject({ isError: true, structuredContent: { error: { code: 'VALIDATION_FAILED', message: expect.stringContaining(`${field}:`) } } });
  });

  it('given a release, then it needs a positive epoch and takes reservation ids (uuids), at most a request’s worth', async () => {
    const { seen, handlers } = recording();
    expect((await callTool(handlers, 'release_files', { epoch: 3, ids: [ID] }, context))?.isError).toBeUndefined();
    expect((await callTool(handlers, 'release_files', { epoch: 3 }, context))?.isError).toBeUndefined();
    expect(seen).toEqual([{ epoch: 3, ids: [ID] }, { epoch: 3 }]);
    for (const args of [{}, { epoch: 0 }, { epoch: 1.5 }, { epoch: 1, ids: [] }, { epoch: 1, ids: ['src/a.ts'] }, { epoch: 1, ids: Array(RESERVATION_LIMITS.patternsPerRequest + 1).fill(ID) }, { epoch: 1, paths: ['src/**'] }]) {
      expect(await callTool(handlers, 'release_files', args, context)).toMatchObject({ isError: true, structuredContent: { error: { code: 'VALIDATION_FAILED' } } });
    }
    expect(seen).toHaveLength(2);
  });

  it('given a renew, then it needs a positive epoch and takes a TTL within the contract bounds', async () => {
    const { seen, handlers } = recording();
    expect((await callTool(handlers, 'renew_reservations', { epoch: 4 }, context))?.isError).toBeUndefined();
    expect((await callTool(handlers, 'renew_reservations', { epoch: 4, ttlSeconds: RESERVATION_LIMITS.maxTtlSeconds }, context))?.isError).toBeUndefined();
    expect(seen).toEqual([{ epoch: 4 }, { epoch: 4, ttlSeconds: RESERVATION_LIMITS.maxTtlSeconds }]);
    for (const args of [{}, { epoch: 0 }, { epoch: 4, ttlSeconds: RESERVATION_LIMITS.maxTtlSeconds + 1 }, { epoch: 4, ttlSeconds: RESERVATION_LIMITS.minTtlSeconds - 1 }, { epoch: 4, ids: [ID] }]) {
      expect(await callTool(handlers, 'renew_reservations', args, context)).toMatchObject({ isError: true, structuredContent: { error: { code: 'VALIDATION_FAILED' } } });
    }
    expect(seen).toHaveLength(2);
  });

  it('given a list, then it pages by at most the contract page size and refuses a bad holder', async () => {
    const { seen, handlers } = recording();
    expect((await callTool(handlers, 'list_reservations', {}, context))?.isError).toBeUndefined();
    expect(seen).toEqual([{ mine: false, limit: 50 }]);
    for (const args of [{ limit: RESERVATION_LIMITS.pageSize + 1 }, { limit: 0 }, { holder: 'Not An Agent!' }, { cursor: '' }, { path: '' }]) {
      expect(await callTool(handlers, 'list_reservations', args, context)).toMatchObject({ isError: true, structuredContent: { error: { code: 'VALIDATION_FAILED' } } });
    }
  });

  it('are described for a model: closed schemas, the required fields marked', () => {
    const byName = new Map(computeToolDefinitions().tools.map((t) => [t.name, t.inputSchema]));
    expect(byName.get('reserve_files')).toMatchObject({ required: ['paths', 'reason'], additionalProperties: false, properties: { mode: { enum: ['exclusive', 'shared'], default: 'exclusive' } } });
    expect(byName.get('release_files')).toMatchObject({ required: ['epoch'], additionalProperties: false });
    expect(byName.get('list_reservations')?.['required']).toBeUndefined();
  });
});
