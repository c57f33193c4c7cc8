import { ReserveRequestSchema, type Actor } from '@lighthouse/contracts';
import { normalise } from '@lighthouse/policy';
import { heldAgainst, workspacePathOf, writeTargetsOf } from './enforcement';
import { ReservationBook } from './reservation-book';

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const ROOT = '/workspace';
const actor = (agent: string): Actor => ({ agent, operator: false, roles: [], capacity: 1 });
let n = 0;

function bookWith(...grants: [string, string[], 'exclusive' | 'shared'][]): ReservationBook {
  const book = new ReservationBook();
  for (const [agent, paths, mode] of grants) {
    const decision = book.decide({
      type: 'reserve',
      actor: actor(agent),
      sessionId: `s-${agent}`,
      request: ReserveRequestSchema.parse({ paths, mode, reason: 'auth rewrite', ttlSeconds: 600 }),
      now: T0,
      newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
      limits: { maxPerAgent: 100 },
    });
    if (!decision.ok) throw new Error(decision.message);
    for (const event of decision.events) book.apply(event, new Date(T0).toISOString());
  }
  return book;
}

const targetsOf = (tool: string, input: Record<string, unknown>, cwd = ROOT) =>
  writeTargetsOf(normalise({ tool, input }, { workspaceRoot: cwd, homeDir: '/home/agent', environment: 'local' }));
const check = (book: ReservationBook, agent: string, tool: string, input: Record<string, unknown>, strict = false) =>
  heldAgainst(book, agent, targetsOf(tool, input), { root: ROOT, strict, now: T0 + 1000 });

describe('enforcing reservations on a call', () => {
  const book = bookWith(['ana', ['src/auth/**'], 'exclusive']);

  it.each([
    ['Write', { file_path: '/workspace/src/auth/token.ts', content: 'x' }],
    ['Edit', { file_path: 'src/auth/token.ts', old_string: 'a', new_string: 'b' }],
    ['MultiEdit', { file_path: '/workspace/src/auth/token.ts', edits: [{ old_string: 'a', new_string: 'b' }] }],
    ['NotebookEdit', { notebook_path: '/workspace/src/auth/nb.ipynb', new_source: 'x' }],
    ['Bash', { command: "sed -i 's/a/b/' src/auth/token.ts" }],
    ['Bash', { command: 'echo hi > src/auth/token.ts' }],
    ['Bash', { command: 'mv /tmp/evil.ts src/auth/token.ts' }],
    ['Bash', { command: 'mv src/auth/token.ts /tmp/stolen.ts' }],
    ['Bash', { command: 'rm src/auth/token.ts' }],
    ['Bash', { command: 'rm -rf src' }],
    ['Bash', { command: 'rm src/*/token.ts' }],
    ['Bash', { command: 'cd src && rm auth/token.ts' }],
  ])('given ana holds src/auth/**, when bob calls %s %j, then denied naming ana', (tool, input) => {
    const held = check(book, 'bob', tool, input);
    expect(held?.held).toMatchObject({ holder: 'ana', reason: 'auth rewrite', expiresAt: '2026-12-07T12:10:00.000Z', pattern: 'src/auth/**' });
  });

  it.each([
    ['Read', { file_path: '/workspace/src/auth/token.ts' }],
    ['Bash', { command: 'cat src/auth/token.ts | grep secret' }],
    ['Bash', { command: 'cp src/auth/token.ts /tmp/copy.ts' }],
    ['Write', { file_path: '/workspace/src/ui/x.ts', content: 'x' }],
    ['Bash', { command: 'echo x > /tmp/src/auth/token.ts' }],
  ])('given ana holds src/auth/**, when bob calls %s %j (reads, or writes elsewhere), then allowed', (tool, input) => {
    expect(check(book, 'bob', tool, input)).toBeUndefined();
  });

  it('given ana holds src/auth/**, when ana writes there herself, then allowed', () => {
    expect(check(book, 'ana', 'Write', { file_path: '/workspace/src/auth/token.ts', content: 'x' })).toBeUndefined();
  });

  it('given ana holds src/auth/** shared, when bob writes there, then allowed by default and denied in strict mode unless bob holds it too', () => {
    const shared = bookWith(['ana', ['src/auth/**'], 'shared']);
    const write = { file_path: '/workspace/src/auth/token.ts', content: 'x' };
    expect(check(shared, 'bob', 'Write', write)).toBeUndefined();
    expect(check(shared, 'bob', 'Write', write, true)?.held.holder).toBe('ana');
    const both = bookWith(['ana', ['src/auth/**'], 'shared'], ['bob', ['src/auth/token.ts'], 'shared']);
    expect(check(both, 'bob', 'Write', write, true)).toBeUndefined();
  });

  it('given paths in and out of the workspace, when made relative, then inside only', () => {
    expect(workspacePathOf('/workspace/src/a.ts', '/workspace/')).toBe('src/a.ts');
    expect(workspacePathOf('/workspace', '/workspace')).toBe('');
    expect(workspacePathOf('/workspacex/a', '/workspace')).toBeUndefined();
    expect(workspacePathOf('/etc/passwd', '/workspace')).toBeUndefined();
  });
});
