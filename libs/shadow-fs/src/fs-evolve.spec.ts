import type { EventEnvelope } from '@lighthouse/contracts';
import { decideMkdir, decideRename, decideRmdir, decideUnlink, decideWrite, type FsCommand } from './fs-decide';
import { filesBelow, type TreeNode } from './fs-tree';
import { ShadowState } from './shadow-state';
import { EventBuilder, sha, writtenData } from './testing/event-builder';

/** The tree as plain data, names sorted, for equality checks. */
function snapshot(node: TreeNode): unknown {
  if (node.kind === 'file') return { file: node.hash, size: node.size, mode: node.mode, owner: node.owner };
  return Object.fromEntries([...node.children.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, child]) => [name, snapshot(child)]));
}

const fold = (events: EventEnvelope[]): ShadowState => {
  const state = new ShadowState();
  for (const event of events) state.apply(event);
  return state;
};

describe('the fs reducer', () => {
  it('given writes, then the tree holds the files with their parents created', () => {
    const log = new EventBuilder();
    const state = fold([log.written('src/lib/a.ts', 'export {}'), log.written('README.md', '# hi')]);
    expect(snapshot(state.tree.root)).toEqual({
      'README.md': { file: sha('# hi'), size: 4, mode: 0o644, owner: 'agent-1' },
      src: { lib: { 'a.ts': { file: sha('export {}'), size: 9, mode: 0o644, owner: 'agent-1' } } },
    });
    expect(state.tree.totals).toEqual({ files: 2, bytes: 13 });
    expect(state.lastSequence).toBe(2);
  });

  it('given a rename over an existing file, then the file is replaced (POSIX rename)', () => {
    const log = new EventBuilder();
    const state = fold([log.written('a', 'A'), log.written('b', 'B'), log.next('fs.file_renamed', { from: 'a', to: 'b' })]);
    expect(snapshot(state.tree.root)).toEqual({ b: expect.objectContaining({ file: sha('A') }) });
    expect(state.tree.totals).toEqual({ files: 1, bytes: 1 });
  });

  it('given a directory rename, then everything below moves', () => {
    const log = new EventBuilder();
    const state = fold([log.written('d/x/1', '1'), log.written('d/2', '2'), log.next('fs.directory_renamed', { from: 'd', to: 'e/f' })]);
    expect(state.tree.lookup(['d'])).toBeUndefined();
    expect(state.tree.lookup(['e', 'f', 'x', '1'])).toMatchObject({ kind: 'file', hash: sha('1') });
  });

  it('given an event that no longer fits, then nothing changes (and it is counted)', () => {
    const log = new EventBuilder();
    const events = [
      log.written('a/b', 'x'),
      log.next('fs.directory_deleted', { path: 'a' }),
      log.written('a/b/c', 'file under a file'),
      log.next('fs.directory_renamed', { from: 'a', to: 'a/inner' }),
      log.next('fs.file_renamed', { from: 'missing', to: 'z/y' }),
      log.next('fs.directory_created', { path: 'a/b', mode: 0o755 }),
    ];
    const state = fold(events);
    expect(snapshot(state.tree.root)).toEqual({ a: { b: expect.objectContaining({ file: sha('x') }) } });
    expect(state.conflictCount).toBe(5);
    // The refused rename created no folder z either.
    expect(state.tree.lookup(['z'])).toBeUndefined();
  });

  it('skips malformed fs events, unknown event types and repeats', () => {
    const log = new EventBuilder();
    const first = log.written('a', 'A');
    const bad = log.next('fs.file_written', { path: '../../etc/passwd', size: 1, hash: sha('x'), chunkSize: 1 << 20, chunks: [], mode: 0o644 });
    const unknown = log.next('telemetry.sampled', { anything: true });
    const state = new ShadowState();
    expect([first, bad, unknown, first].map((event) => state.apply(event).status)).toEqual(['applied', 'malformed', 'skipped', 'skipped']);
    expect(snapshot(state.tree.root)).toEqual({ a: expect.anything() });
    expect(state.lastSequence).toBe(3);
  });

  it('keeps every version in history, by path, including the one a rename adds', () => {
    const log = new EventBuilder();
    const state = fold([log.written('a', 'v1'), log.written('a', 'v2'), log.next('fs.file_renamed', { from: 'a', to: 'b' }), log.next('fs.file_deleted', { path: 'b' })]);
    expect(state.history.folder(['a'])?.versions.map((v) => [v.sequence, v.hash])).toEqual([
      [1, sha('v1')],
      [2, sha('v2')],
    ]);
    expect(state.history.folder(['b'])?.versions.map((v) => v.name)).toEqual(['000000003_2026-11-27T12:00:03.000Z']);
    expect(state.tree.lookup(['b'])).toBeUndefined();
  });

  it('converges: pods deciding on stale views, interleaved in one log, end with one tree', () => {
    const random = seeded(42);
    const names = ['a', 'b', 'c', 'd/e', 'd/f', 'd', 'g/h/i'];
    const pick = () => names[Math.floor(random() * names.length)] as string;
    const log = new EventBuilder();
    const committed: EventEnvelope[] = [];
    const pods = [0, 1, 2].map(() => ({ state: new ShadowState(), seen: 0 }));
    for (let step = 0; step < 600; step++) {
      const pod = pods[Math.floor(random() * pods.length)] as (typeof pods)[number];
      // Each pod lags: it has applied a random prefix of the log.
      const upTo = pod.seen + Math.floor(random() * (committed.length - pod.seen + 1));
      for (const event of committed.slice(pod.seen, upTo)) pod.state.apply(event);
      pod.seen = upTo;
      const command = decide(pod.state, random(), pick(), pick());
      if (command) committed.push(log.next(command.type, command.data, { agent: `pod-${pods.indexOf(pod)}` }));
    }
    for (const pod of pods) for (const event of committed.slice(pod.seen)) pod.state.apply(event);
    const [first, ...others] = pods.map((pod) => pod.state);
    for (const other of others) expect(snapshot(other!.tree.root)).toEqual(snapshot(first!.tree.root));
    expect(first!.conflictCount).toBeGreaterThan(0);
    const files = [...filesBelow(first!.tree.root)];
    expect(first!.tree.totals).toEqual({ files: files.length, bytes: files.reduce((sum, f) => sum + f.node.size, 0) });
  });
});

function decide(state: ShadowState, roll: number, path: string, other: string): FsCommand | null {
  const at = `/current/${path}`;
  const outcome =
    roll < 0.4
      ? decideWrite(state.tree, at, { ...writtenData(path, `${roll}`), chunks: [sha(`${roll}`)] }, 0o644)
      : roll < 0.55
        ? decideMkdir(state.tree, at, 0o755)
        : roll < 0.7
          ? decideUnlink(state.tree, at)
          : roll < 0.8
            ? decideRmdir(state.tree, at)
            : decideRename(state.tree, at, `/current/${other}`);
  return outcome.ok ? outcome.value : null;
}

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
