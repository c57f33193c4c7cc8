import { openLoop } from './open-loop';

describe('the open-loop generator', () => {
  it('given a rate and a duration, when run, then it offers rate × seconds calls whatever their latency', async () => {
    // Each call takes 200 ms: a closed loop of one would make 2 calls in 0.4 s, an open one 40.
    const run = await openLoop(100, 0.4, (i) => new Promise((done) => setTimeout(() => done(i % 2 ? 'odd' : 'even'), 200)));
    expect(run.offered).toBe(40);
    expect(run.completed).toBe(40);
    expect(run.byTag.get('odd')).toHaveLength(20);
    expect(Math.min(...run.all)).toBeGreaterThanOrEqual(190e6);
  });

  it('given calls that fail, when run, then their errors are tallied with numbers blanked', async () => {
    const run = await openLoop(50, 0.1, async (i) => {
      throw new Error(`no answer within ${i} ms`);
    });
    expect(run.completed).toBe(0);
    expect(Object.fromEntries(run.errors)).toEqual({ 'no answer within N ms': 5 });
  });
});
