import { z } from 'zod';
import { delegationIdOf } from './delegation-id';

describe('delegationIdOf', () => {
  it('names the same delegation for the same agent and nonce, and a valid UUID', () => {
    const id = delegationIdOf('dev-ana', 'n0nce-0123456789abcdef');
    expect(delegationIdOf('dev-ana', 'n0nce-0123456789abcdef')).toBe(id);
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('names different delegations for another agent or another nonce', () => {
    const ids = new Set([delegationIdOf('dev-ana', 'nonce-aaaaaaaaaaaaaaaa'), delegationIdOf('dev-bo', 'nonce-aaaaaaaaaaaaaaaa'), delegationIdOf('dev-ana', 'nonce-aaaaaaaaaaaaaaab')]);
    expect(ids.size).toBe(3);
    // The separator keeps agent and nonce apart: no two splits of one string collide.
    expect(delegationIdOf('a', 'bc-0123456789abcdef')).not.toBe(delegationIdOf('ab', 'c-0123456789abcdef'));
  });
});
