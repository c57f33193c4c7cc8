import { join } from 'node:path';
import { DECLARED_SUBJECTS } from '@lighthouse/contracts';
import { scanSource, scanWorkspace } from './subject-scan';

// Every subject the services subscribe to, request, publish or follow must be declared in the
// contract table (libs/contracts): found by a static scan of handler decorators, bus calls and
// subject-shaped strings in every non-test source of apps/ and libs/.
const root = join(__dirname, '..', '..');
const undeclared = (uses: ReturnType<typeof scanSource>) => uses.filter((use) => use.subject === null || !DECLARED_SUBJECTS.has(use.subject));
/** Handlers whose rpc is looked up at run time, and refused there when not declared. */
const checkedAtRunTime = new Set(['libs/transport/src/health.module.ts']);

describe('subjects in use are declared in the contract table', () => {
  const uses = scanWorkspace(root);

  it('finds the handlers and bus calls of every service', () => {
    const handled = new Set(uses.filter((u) => u.via === '@HandlesRpc').map((u) => u.subject));
    expect(handled).toEqual(expect.objectContaining({ size: expect.any(Number) }));
    for (const subject of ['lh.events.cmd.append.v1', 'lh.session.cmd.create.v1', 'lh.delegation.cmd.claim.v1', 'lh.speed.cmd.validate.v1']) expect(handled).toContain(subject);
    const subscribed = uses.filter((u) => u.via === '.subscribe()').map((u) => u.subject);
    expect(subscribed).toEqual(expect.arrayContaining(['lh.session.evt.revoked.v1', 'lh.session.evt.presence.v1', 'lh.events.evt.committed.v2']));
  });

  it('finds no subject that is not declared', () => {
    expect(undeclared(uses).filter((use) => !(use.subject === null && checkedAtRunTime.has(use.file)))).toEqual([]);
  });

  it('would flag an undeclared subject in a handler, a subscription or a string, and a handler it cannot resolve', () => {
    const source = [
      "class C { @MessagePattern('lh.rogue.cmd.x.v1') a() {} }",
      "export function f() { bus.subscribe('lh.rogue.evt.y.v1', schema, () => {}); }",
      "const s = 'lh.rogue.query.z.v1';",
      'class D { @HandlesRpc(somewhere.else) b() {} }',
      'class E { @HandlesRpc(RPC.events.append) c() {} }',
      'export function g() { return bus.request(RPC.session.create, {}); }',
    ].join('\n');
    const flagged = undeclared(scanSource('probe.ts', source)).map((u) => u.subject);
    expect(flagged).toEqual(['lh.rogue.cmd.x.v1', 'lh.rogue.cmd.x.v1', 'lh.rogue.evt.y.v1', 'lh.rogue.evt.y.v1', 'lh.rogue.query.z.v1', null]);
  });
});
