import type { EventEnvelope } from '@lighthouse/contracts';
import { sseOf, StreamQueue } from './console-stream';

const event = (sequence: number) => ({ sequence, type: 'console.probe', stream: `s-${sequence}` }) as unknown as EventEnvelope;

describe('a console stream between flushes', () => {
  it('writes what came since the last flush as one batch, in sequence order', () => {
    const queue = new StreamQueue(10);
    for (const s of [3, 1, 2]) queue.push(event(s));
    const out = queue.flush(true);
    expect(out?.gap).toBeNull();
    expect(out?.events.map((e) => e.sequence)).toEqual([1, 2, 3]);
    expect(queue.flush(true)).toBeNull();
    const text = sseOf(out!);
    expect(text.startsWith('id: 3\nevent: batch\ndata: [')).toBe(true);
    expect(JSON.parse(text.split('data: ')[1]!.trim())).toHaveLength(3);
  });

  it('holds at most its bound: past it, the pending events become a gap the page reads back, never silently lost', () => {
    const queue = new StreamQueue(3);
    for (let s = 1; s <= 8; s++) queue.push(event(s));
    expect(queue.size).toBeLessThanOrEqual(3);
    const out = queue.flush(true)!;
    expect(out.gap).toEqual({ fromSequence: 1, toSequence: 6, dropped: 6 });
    expect(out.events.map((e) => e.sequence)).toEqual([7, 8]);
    expect(sseOf(out).indexOf('event: gap')).toBeLessThan(sseOf(out).indexOf('event: batch'));
  });

  it('while the socket is full, widens one gap instead of buffering, and reports it once the socket drains', () => {
    const queue = new StreamQueue(100);
    queue.push(event(10));
    expect(queue.flush(false)).toBeNull();
    queue.push(event(11));
    queue.push(event(12));
    expect(queue.flush(false)).toBeNull();
    expect(queue.size).toBe(0);
    queue.push(event(13));
    const out = queue.flush(true)!;
    expect(out.gap).toEqual({ fromSequence: 10, toSequence: 12, dropped: 3 });
    expect(out.events.map((e) => e.sequence)).toEqual([13]);
  });
});
