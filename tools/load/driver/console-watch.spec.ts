import { heapTrend, pageWork, Sightings, watchRowsScript } from './console-watch';

const MB = 1048576;
const series = (minutes: number, bytesAt: (minute: number) => number) => Array.from({ length: minutes * 12 + 1 }, (_, i) => ({ at: i * 5000, bytes: bytesAt(i / 12) }));

describe('a console page\'s heap over a run', () => {
  it('is bounded when it levels off after the warm-up, whatever it held at first', () => {
    const trend = heapTrend(1, series(5, (m) => (m < 0.5 ? 4 * MB + m * 8 * MB : 8 * MB + ((m * 7) % 1) * 0.3 * MB)));
    expect(trend).toMatchObject({ page: 1, samples: 61, bounded: true });
    expect(Math.abs(trend.slopeKBPerMin)).toBeLessThan(200);
  });

  it('is not bounded when it grows steadily (a leak of 1 MB a minute)', () => {
    const trend = heapTrend(2, series(5, (m) => 10 * MB + m * MB));
    expect(trend.bounded).toBe(false);
    expect(trend.slopeKBPerMin).toBe(1024);
    expect(trend).toMatchObject({ firstMB: 10, lastMB: 15, maxMB: 15 });
  });

  it('judges nothing from too few samples', () => {
    expect(heapTrend(3, series(0, () => MB)).bounded).toBe(false);
  });
});

describe('a console page\'s own work over a run', () => {
  it('is the growth of the CDP durations per second of wall time', () => {
    const work = pageWork(1, [
      { at: 0, metrics: { TaskDuration: 1, ScriptDuration: 0.5, LayoutDuration: 0.1, RecalcStyleDuration: 0.05, LayoutCount: 10 } },
      { at: 5000, metrics: { TaskDuration: 2, ScriptDuration: 0.8, LayoutDuration: 0.2, RecalcStyleDuration: 0.1, LayoutCount: 15 } },
      { at: 10_000, metrics: { TaskDuration: 3, ScriptDuration: 1.5, LayoutDuration: 0.3, RecalcStyleDuration: 0.15, LayoutCount: 30 } },
    ]);
    expect(work).toEqual({ page: 1, taskMsPerS: 200, scriptMsPerS: 100, layoutMsPerS: 20, styleMsPerS: 10, layouts: 20 });
  });

  it('is nothing without two samples', () => {
    expect(pageWork(2, [])).toMatchObject({ taskMsPerS: 0, layouts: 0 });
  });
});

describe('when each page showed each probe', () => {
  it('answers the page\'s own time, whether it showed before or after the wait began', async () => {
    const sightings = new Sightings();
    sightings.seen(0, 1, 1000);
    await expect(sightings.wait(0, 1, 50)).resolves.toBe(1000);
    const waiting = sightings.wait(1, 1, 1000);
    sightings.seen(1, 1, 2000);
    sightings.seen(1, 1, 3000); // a second sighting of the same row changes nothing
    await expect(waiting).resolves.toBe(2000);
    expect(sightings.late).toBe(0);
  });

  it('tells a probe shown after its wait timed out (late) from one never shown', async () => {
    const sightings = new Sightings();
    await expect(sightings.wait(0, 2, 10)).rejects.toThrow('did not show probe 2');
    await expect(sightings.wait(0, 3, 10)).rejects.toThrow('did not show probe 3');
    sightings.seen(0, 2, 5000);
    expect(sightings.late).toBe(1);
  });
});

describe('the page script that reports probe rows', () => {
  it('reports each probe number once, from rows of the timeline table only', () => {
    class Element {
      constructor(readonly textContent: string, readonly inTimeline: boolean) {}
      get parentElement() { return this; }
      closest() { return this.inTimeline ? this : null; }
    }
    let observe: (records: unknown[]) => void = () => undefined;
    const reports: Array<[number, number]> = [];
    const window = { __lhProbeSeen: (n: number, at: number) => reports.push([n, at]) };
    const document = {};
    const MutationObserver = class { constructor(callback: (records: unknown[]) => void) { observe = callback; } observe() {} };
    new Function('Element', 'window', 'document', 'MutationObserver', watchRowsScript('console-probe-r1'))(Element, window, document, MutationObserver);
    observe([{ type: 'childList', addedNodes: [new Element('12console-probe-r1-7x console-probe-r1-8', true), new Element('console-probe-r1-9', false)] }]);
    observe([{ type: 'characterData', target: new Element('console-probe-r1-7', true) }, { type: 'characterData', target: new Element('console-probe-r1-10', true) }]);
    expect(reports.map(([n]) => n)).toEqual([7, 8, 10]);
    expect(reports.every(([, at]) => Math.abs(at - Date.now()) < 5000)).toBe(true);
  });
});
