import { EventLog } from './event-log';
import { makeEvent, makeTempDir, recordingLogger, removeDir, testKeyring } from './testing/log-test-kit';

const TARGET = 100_000;
const CHUNK = 500;

describe('reading one stream out of a large interleaved log', () => {
  let dir: string;
  let log: EventLog;
  const keyring = testKeyring();

  beforeAll(async () => {
    dir = await makeTempDir();
    log = await EventLog.open({ dir, keyring, logger: recordingLogger() });
    // Target-stream appends alternate with appends to 20 other streams: 150 000 events in all.
    const appends: Array<Promise<unknown>> = [];
    for (let chunk = 0; chunk < TARGET / CHUNK; chunk++) {
      appends.push(log.append({ events: Array.from({ length: CHUNK }, (_, i) => makeEvent({ stream: 'target', data: { n: chunk * CHUNK + i } })) }));
      appends.push(log.append({ events: Array.from({ length: CHUNK / 2 }, () => makeEvent({ stream: `other-${chunk % 20}` })) }));
    }
    await Promise.all(appends);
  }, 60_000);

  afterAll(async () => {
    await log.close();
    await removeDir(dir);
  });

  it('returns all 100 000 events of the stream, in order, page by page', async () => {
    // given
    let count = 0;
    let lastSequence = 0;
    const wrong: number[] = [];
    let from: number | null = 1;
    const started = performance.now();

    // when
    while (from !== null) {
      const page = await log.read({ stream: 'target', fromSequence: from, limit: 1000 });
      // Checked page by page rather than kept: holding 100 000 envelopes would time the GC instead.
      for (const event of page.events) {
        const inOrder = event.stream === 'target' && event.streamVersion === count + 1 && event.data['n'] === count && event.sequence > lastSequence;
        if (!inOrder) wrong.push(event.sequence);
        count += 1;
        lastSequence = event.sequence;
      }
      from = page.nextSequence;
    }
    const elapsed = performance.now() - started;

    // then
    console.log(`read ${count} events of one stream in ${elapsed.toFixed(0)} ms`);
    expect(log.head().lastSequence).toBe(150_000);
    expect(count).toBe(TARGET);
    expect(wrong).toEqual([]);
  }, 30_000); // a correctness test over 100 000 events, not a timing: room for a loaded machine

  it('rebuilds the stream index when the log is opened again', async () => {
    // given
    await log.close();

    // when
    const started = performance.now();
    log = await EventLog.open({ dir, keyring, logger: recordingLogger() });
    console.log(`reopened a log of ${log.head().lastSequence} events in ${(performance.now() - started).toFixed(0)} ms`);
    const tail = await log.read({ stream: 'target', fromSequence: 149_000, limit: 1000 });

    // then
    expect(log.streamVersion('target')).toBe(TARGET);
    expect(tail.events.at(-1)).toMatchObject({ sequence: 150_000 - CHUNK / 2, streamVersion: TARGET });
  }, 30_000);
});

describe('a read bounded by bytes', () => {
  let dir: string;
  let log: EventLog;

  beforeAll(async () => {
    dir = await makeTempDir();
    log = await EventLog.open({ dir, keyring: testKeyring(), logger: recordingLogger(), maxReadBytes: 960 * 1024 });
    for (let i = 0; i < 3; i += 1) await log.append({ events: [makeEvent({ stream: 'big', data: { i, blob: 'x'.repeat(600_000) } })] });
    await log.append({ events: [makeEvent({ stream: 'small', data: { i: 3 } }), makeEvent({ stream: 'small', data: { i: 4 } })] });
  });

  afterAll(async () => {
    await log.close();
    await removeDir(dir);
  });

  it('given events of 600 KB, when a page would pass the budget, then it stops before and its cursor points at the next one', async () => {
    // given / when
    const pages = [];
    for (let from: number | null = 1; from !== null; ) {
      const page = await log.read({ fromSequence: from, limit: 500 });
      pages.push(page.events.map((event) => event.data['i']));
      from = page.nextSequence;
    }
    // then: each large event alone; the small ones together; nothing lost or repeated
    expect(pages).toEqual([[0], [1], [2, 3, 4]]);
  });

  it('given a filtered read, when the matches pass the budget, then it also pages', async () => {
    const first = await log.read({ type: 'test.happened', fromSequence: 1, limit: 500 });
    expect(first.events.length).toBe(1);
    expect(first.nextSequence).toBe(2);
  });
});
