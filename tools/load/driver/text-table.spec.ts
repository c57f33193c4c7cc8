import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmtMs } from './format';
import { LoadResultSchema, type LoadResult } from './result';
import { contentionNote, printable, table } from './text-table';

const recorded = LoadResultSchema.parse(JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'result-40-agents.json'), 'utf8')));
const withMachine = (load: number, stallMs: number): LoadResult => ({
  ...recorded,
  run: { ...recorded.run, machine: { ...recorded.run.machine, cpus: 2, loadAvgStart: [load, 1, 1], loadAvgEnd: [load, 1, 1] } },
  driver: { loopDelayP50Ms: 1, loopDelayP99Ms: 2, loopDelayMaxMs: stallMs },
});

describe('the printed table', () => {
  it('pads columns to the widest cell', () => {
    expect(table(['a', 'bb'], [['ccc', 'd']]).split('\n')).toEqual(['a    bb', '---  --', 'ccc  d']);
  });

  it('lists every target with its verdict and every operation', () => {
    const text = printable(recorded);
    for (const t of recorded.targets) expect(text).toContain(t.title);
    for (const o of recorded.operations) expect(text).toContain(o.op);
    expect(text).toMatch(/stack CPU per request: [\d.]+ ms above idle/);
  });

  it('warns when the machine was busy or the driver stalled, and only then', () => {
    expect(contentionNote(withMachine(1, 20))).toBe('');
    expect(contentionNote(withMachine(9, 20))).toMatch(/^note: the machine was busy \(load average up to 9\.0 on 2 CPUs\)/);
    expect(contentionNote(withMachine(1, 900))).toContain('the driver stalled up to 900 ms');
  });

  it('shows milliseconds to about three significant digits', () => {
    expect([fmtMs(0.4213), fmtMs(8.314), fmtMs(42.71), fmtMs(913.4), fmtMs(Number.NaN)]).toEqual(['0.42', '8.31', '42.7', '913', '–']);
  });
});
