import { LiveStreams } from './live-streams';
import { EventBuilder } from './testing/event-builder';

describe('live streams', () => {
  it('appends one JSON line per matching event and reads any offset in the window', () => {
    const log = new EventBuilder();
    const streams = new LiveStreams(1 << 20, 0);
    const events = [log.written('a', 'A'), log.next('session.created', { sessionId: 'x' }), log.written('b', 'B')];
    for (const event of events) streams.append(event);
    const size = streams.stat('fs')?.size as number;
    const lines = (streams.read('fs', 0, size) as Buffer).toString().trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((e) => e.sequence)).toEqual([1, 3]);
    expect(streams.read('fs', 5, 10)?.toString()).toBe((streams.read('fs', 0, size) as Buffer).subarray(5, 15).toString());
    expect(streams.read('agents', 0, 1 << 16)?.toString()).toContain('session.created');
    expect(streams.read('fs', size, 100)?.length).toBe(0);
  });

  it('forgets lines past its window but keeps counting the size', () => {
    const log = new EventBuilder();
    const streams = new LiveStreams(2048, 0);
    for (let i = 0; i < 100; i++) streams.append(log.written(`f${i}`, 'x'));
    const size = streams.stat('all')?.size as number;
    expect(size).toBeGreaterThan(20_000);
    expect(streams.read('all', 0, 100)).toBeNull();
    const tail = streams.read('all', size - 1000, 1000) as Buffer;
    expect(tail.toString().endsWith('\n')).toBe(true);
    expect(tail.length).toBe(1000);
  });
});
