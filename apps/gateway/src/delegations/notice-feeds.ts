import type { FollowedMessage, OrderedFeed } from '@lighthouse/transport';

/** The kinds of notice an agent's event stream carries, each its own subject of the notice stream. */
export type NoticeKind = 'delegation' | 'message';
export const NOTICE_KINDS: readonly NoticeKind[] = ['delegation', 'message'];

/** Where a client is in each feed: the last stream sequence it received of each kind (0: none). */
export type NoticeCursor = Record<NoticeKind, number | undefined>;

/**
 * `Last-Event-ID` as the stream hands it out, `<delegation seq>-<message seq>`; a bare number (as
 * the stream gave before it carried messages) resumes both after it. Anything else: from now on.
 */
export function parseNoticeCursor(lastEventId: string | undefined): NoticeCursor {
  const both = lastEventId === undefined ? null : /^(\d{1,15})(?:-(\d{1,15}))?$/.exec(lastEventId);
  if (!both) return { delegation: undefined, message: undefined };
  return { delegation: Number(both[1]), message: Number(both[2] ?? both[1]) };
}

export const formatNoticeCursor = (cursor: NoticeCursor): string => `${cursor.delegation ?? 0}-${cursor.message ?? 0}`;

/**
 * One feed of both kinds, in arrival order. (One ordered consumer with a wildcard filter over both
 * subjects receives nothing on NATS 2.9, so each kind has its own consumer.) Closing it closes both.
 */
export function mergeFeeds(feeds: Record<NoticeKind, OrderedFeed>): AsyncIterable<FollowedMessage & { kind: NoticeKind }> & { close(): Promise<void> } {
  const queue: Array<FollowedMessage & { kind: NoticeKind }> = [];
  let wake: (() => void) | undefined;
  let open = NOTICE_KINDS.length;
  let failure: unknown;
  for (const kind of NOTICE_KINDS) {
    void (async () => {
      try {
        for await (const message of feeds[kind]) {
          queue.push({ ...message, kind });
          wake?.();
        }
      } catch (error) {
        failure ??= error;
      } finally {
        open--;
        wake?.();
      }
    })();
  }
  return {
    close: async () => {
      await Promise.all(NOTICE_KINDS.map((kind) => feeds[kind].close()));
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (failure) throw failure;
        // The stream ends when either feed ends (the lease closed them, or NATS went away).
        if (open < NOTICE_KINDS.length) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
  };
}
