import { CreateDelegationSchema, type Actor, type Delegation } from '@lighthouse/contracts';
import { decideCreate, evolve } from '@lighthouse/delegation';
import { listDelegations } from './delegation.listing';

const alice: Actor = { agent: 'alice', roles: [], operator: false, capacity: 4 };
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const delegation = (n: number, body = ''): Delegation => {
  const request = CreateDelegationSchema.parse({ target: { role: 'security_architect' }, title: `task ${n}`, body });
  const decision = decideCreate(alice, request, id(n), `corr-${n}`);
  const [event] = decision.ok ? decision.events : [];
  return evolve(undefined, event as never, new Date(Date.UTC(2026, 10, 27, 10, 0, n)).toISOString()) as Delegation;
};

describe('listing delegations by pages', () => {
  it('given twenty delegations of 60 KB, when listed under a 960 KiB budget, then pages stay under it and the cursor walks them all once', () => {
    const all = Array.from({ length: 20 }, (_, n) => delegation(n, 'y'.repeat(60_000)));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 5; pages += 1) {
      const page = listDelegations(all, alice, { scope: 'mine', limit: 500, cursor }, 960 * 1024);
      expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(1024 * 1024);
      seen.push(...page.delegations.map((d) => d.id));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(all.map((d) => d.id).reverse());
  });

  it('given one delegation larger than the budget, when listed, then it comes alone rather than never', () => {
    const page = listDelegations([delegation(1, 'z'.repeat(2000)), delegation(2)], alice, { scope: 'mine', limit: 10 }, 100);
    expect(page.delegations.map((d) => d.id)).toEqual([id(2)]);
    expect(page.nextCursor).not.toBeNull();
  });

  it('given tasks and an escalation, when listed by kind, then only the escalation however many tasks came after it', () => {
    const escalation = { ...delegation(1), kind: 'validation' as const };
    const tasks = Array.from({ length: 20 }, (_, n) => delegation(n + 2, 'y'.repeat(60_000)));
    const operator: Actor = { agent: 'human.olga', roles: [], operator: true, capacity: 1 };
    const page = listDelegations([escalation, ...tasks], operator, { scope: 'all', kind: 'validation', state: 'queued', limit: 500 }, 960 * 1024);
    expect(page).toEqual({ delegations: [escalation], nextCursor: null });
  });

  it('given a cursor this service never handed out, when listed, then VALIDATION_FAILED', () => {
    expect(() => listDelegations([], alice, { scope: 'mine', limit: 10, cursor: 'x' }, 1000)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('given an agent, when it lists every delegation, then FORBIDDEN', () => {
    expect(() => listDelegations([], alice, { scope: 'all', limit: 10 }, 1000)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });
});
