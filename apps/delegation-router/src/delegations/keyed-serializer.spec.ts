import { KeyedSerializer } from './keyed-serializer';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('running tasks one after another by key', () => {
  it('given two tasks of one key, the second starts only once the first has settled (even when it failed); another key runs meanwhile', async () => {
    const serial = new KeyedSerializer();
    const log: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const first = serial.run('a', () => new Promise<void>((resolve, reject) => (releaseFirst = () => (log.push('a1 done'), reject(new Error('a1 failed'))))));
    const second = serial.run('a', async () => void log.push('a2 ran'));
    const other = serial.run('b', async () => void log.push('b ran'));
    await other;
    await tick();
    expect(log).toEqual(['b ran']);
    releaseFirst();
    await expect(first).rejects.toThrow('a1 failed');
    await second;
    expect(log).toEqual(['b ran', 'a1 done', 'a2 ran']);
    await tick();
    expect(serial.size).toBe(0);
  });
});
