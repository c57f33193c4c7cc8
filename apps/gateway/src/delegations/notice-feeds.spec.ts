import type { FollowedMessage, OrderedFeed } from '@lighthouse/transport';
import { formatNoticeCursor, mergeFeeds, parseNoticeCursor } from './notice-feeds';

/** A feed that yields what is pushed into it, until it is ended. */
function feed(): OrderedFeed & { push(m: FollowedMessage): void; end(): void } {
  const items: FollowedMessage[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  return {
    push: (m) => (items.push(m), wake?.()),
    end: () => ((ended = true), wake?.()),
    close: async () => ((ended = true), wake?.()),
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const next = items.shift();
        if (next) yield next;
        else if (ended) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

describe('the notice stream cursor', () => {
  it('reads <delegation>-<message>, a bare sequence (both after it), and nothing else', () => {
    expect(parseNoticeCursor('12-7')).toEqual({ delegation: 12, message: 7 });
    expect(parseNoticeCursor('12')).toEqual({ delegation: 12, message: 12 });
    for (const bad of [undefined, '', 'x', '1-2-3', '-1', '1e3', '9'.repeat(16)]) expect(parseNoticeCursor(bad)).toEqual({ delegation: undefined, message: undefined });
    expect(formatNoticeCursor({ delegation: 3, message: undefined })).toBe('3-0');
  });
});

describe('merging the delegation and message feeds', () => {
  it('yields both kinds in arrival order, and ends when a feed ends', async () => {
    const [d, m] = [feed(), feed()];
    const merged = mergeFeeds({ delegation: d, message: m });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const n of merged) seen.push(`${n.kind}:${n.seq}`);
    })();
    d.push({ seq: 1, payload: {} });
    await new Promise((r) => setTimeout(r, 5));
    m.push({ seq: 2, payload: {} });
    await new Promise((r) => setTimeout(r, 5));
    d.push({ seq: 3, payload: {} });
    await new Promise((r) => setTimeout(r, 5));
    d.end();
    await reading;
    expect(seen).toEqual(['delegation:1', 'message:2', 'delegation:3']);
    await merged.close();
  });
});
