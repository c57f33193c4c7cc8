import { EVENT_CHANNELS, eventChannelOf, MAX_COMMITTED_EVENTS_PER_MESSAGE, type CommittedEvents, type EventChannel, type EventEnvelope } from '@lighthouse/contracts';

/**
 * Cuts committed events into the messages the store publishes, one channel each: runs of
 * consecutive sequences of one channel, each with the `before` bounds a follower checks for a
 * lost message (see CommittedEventsSchema). Pure: the caller publishes what it is given.
 *
 * The bounds must hold even when appends of one group commit come back out of sequence order:
 * `last` is exact only while every sequence up to a run's start has been handed out already
 * (`through`); otherwise every channel's bound is the sequence just before the run, which makes
 * a follower that has not got that far read the range from the store rather than skip it. A
 * hole that stays open (events committed but never handed out: a failed append after its write)
 * is closed after `holeGraceMs` by bounding every channel past it, so one read, not every
 * message, pays for it.
 */
export class CommittedRuns {
  private through: number;
  private readonly ahead = new Map<number, number>();
  private readonly last: Record<EventChannel, number>;
  private holeSince?: number;

  /** `head`: the last sequence of the log when publishing starts (every earlier event is taken as published). */
  constructor(
    head: number,
    private readonly holeGraceMs = 1000,
  ) {
    this.through = head;
    this.last = Object.fromEntries(EVENT_CHANNELS.map((channel) => [channel, head])) as Record<EventChannel, number>;
  }

  /** The messages for the events one append made durable (in sequence order), counted as published. */
  messagesOf(committed: readonly EventEnvelope[], nowMs = Date.now()): CommittedEvents[] {
    this.closeStaleHole(nowMs);
    const messages: CommittedEvents[] = [];
    for (const run of runsOf(committed)) {
      const first = (run.events[0] as EventEnvelope).sequence;
      const end = (run.events.at(-1) as EventEnvelope).sequence;
      const before = first === this.through + 1 ? { ...this.last } : this.unknownBefore(first);
      messages.push({ channel: run.channel, events: run.events, before });
      this.last[run.channel] = Math.max(this.last[run.channel], end);
      this.account(first, end);
    }
    if (this.ahead.size === 0) this.holeSince = undefined;
    else this.holeSince ??= nowMs;
    return messages;
  }

  private closeStaleHole(nowMs: number): void {
    if (this.holeSince === undefined || nowMs - this.holeSince < this.holeGraceMs) return;
    const resumeAt = Math.min(...this.ahead.keys());
    for (const channel of EVENT_CHANNELS) this.last[channel] = Math.max(this.last[channel], resumeAt - 1);
    this.through = resumeAt - 1;
    this.drain();
    this.holeSince = this.ahead.size === 0 ? undefined : nowMs;
  }

  /** Per channel, a sequence at or after its last event (for the head: a follower checks what it lacks). */
  bounds(): Record<EventChannel, number> {
    return { ...this.last };
  }

  private unknownBefore(first: number): Record<EventChannel, number> {
    return Object.fromEntries(EVENT_CHANNELS.map((channel) => [channel, Math.max(this.last[channel], first - 1)])) as Record<EventChannel, number>;
  }

  private account(first: number, end: number): void {
    if (end <= this.through) return;
    if (first > this.through + 1) {
      this.ahead.set(first, end);
      return;
    }
    this.through = end;
    this.drain();
  }

  private drain(): void {
    for (let next = this.ahead.get(this.through + 1); next !== undefined; next = this.ahead.get(this.through + 1)) {
      this.ahead.delete(this.through + 1);
      this.through = next;
    }
  }
}

/** Maximal runs of one channel with consecutive sequences, at most {@link MAX_COMMITTED_EVENTS_PER_MESSAGE} long. */
export function runsOf(committed: readonly EventEnvelope[]): Array<{ channel: EventChannel; events: EventEnvelope[] }> {
  const runs: Array<{ channel: EventChannel; events: EventEnvelope[] }> = [];
  let current: { channel: EventChannel; events: EventEnvelope[] } | undefined;
  for (const event of committed) {
    const channel = eventChannelOf(event);
    const previous = current?.events.at(-1);
    if (current && previous && current.channel === channel && event.sequence === previous.sequence + 1 && current.events.length < MAX_COMMITTED_EVENTS_PER_MESSAGE) {
      current.events.push(event);
    } else {
      current = { channel, events: [event] };
      runs.push(current);
    }
  }
  return runs;
}

/** A message cut in two (when it would not fit one frame); the second half's bound for its own channel is the first half's last event. */
export function halves(message: CommittedEvents): [CommittedEvents, CommittedEvents] {
  const middle = Math.ceil(message.events.length / 2);
  const head = message.events.slice(0, middle);
  const tail = message.events.slice(middle);
  const bound = (head.at(-1) as EventEnvelope).sequence;
  return [
    { ...message, events: head },
    { ...message, events: tail, before: { ...message.before, [message.channel]: Math.max(message.before[message.channel] ?? 0, bound) } },
  ];
}
