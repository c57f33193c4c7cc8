import { GroupCommit } from './group-commit';

const entry = (n: number, size = 10) => new Uint8Array(size).fill(n);

/** A send port whose acknowledgements the test gives by hand. */
function manualSend() {
  const sent: Array<{ parts: number[]; settle: (error?: Error) => void }> = [];
  const send = (parts: readonly Uint8Array[]) =>
    new Promise<void>((resolve, reject) => {
      sent.push({ parts: parts.map((part) => part[0] as number), settle: (error) => (error ? reject(error) : resolve()) });
    });
  return { sent, send };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('given one entry alone, when the loop turns, then it leaves as a group of one and resolves on its acknowledgement, not before', async () => {
    const { sent, send } = manualSend();
    const groups = new GroupCommit(send, { maxEntries: 100, maxBytes: 1000, maxInFlight: 1 });
    let done = false;
    const added = groups.add(entry(1)).then(() => (done = true));
    await turn();
    expect(sent.map((s) => s.parts)).toEqual([[1]]);
    expect(done).toBe(false);
    sent[0]?.settle();
    await added;
    expect(done).toBe(true);
  });

  it('given a group on its way, entries added meanwhile leave together as the next group once it is acknowledged', async () => {
    const { sent, send } = manualSend();
    const groups = new GroupCommit(send, { maxEntries: 100, maxBytes: 1000, maxInFlight: 1 });
    const first = groups.add(entry(1));
    await turn();
    const rest = [groups.add(entry(2)), groups.add(entry(3)), groups.add(entry(4))];
    await turn();
    expect(sent).toHaveLength(1);
    sent[0]?.settle();
    await first;
    await turn();
    expect(sent.map((s) => s.parts)).toEqual([[1], [2, 3, 4]]);
    sent[1]?.settle();
    await Promise.all(rest);
  });

  it('cuts groups at the entry and byte limits, and sends as many as the in-flight limit allows', async () => {
    const { sent, send } = manualSend();
    const groups = new GroupCommit(send, { maxEntries: 2, maxBytes: 25, maxInFlight: 2 });
    const all = [1, 2, 3, 4, 5].map((n) => groups.add(entry(n)));
    await turn();
    expect(sent.map((s) => s.parts)).toEqual([[1, 2], [3, 4]]);
    sent[0]?.settle();
    await all[1];
    expect(sent.map((s) => s.parts)).toEqual([[1, 2], [3, 4], [5]]);
    const big = groups.add(entry(6, 20));
    const bigger = groups.add(entry(7, 20));
    sent[1]?.settle();
    sent[2]?.settle();
    await Promise.all(all);
    await turn();
    expect(sent.slice(3).map((s) => s.parts)).toEqual([[6], [7]]);
    sent[3]?.settle();
    sent[4]?.settle();
    await Promise.all([big, bigger]);
  });

  it('fails every entry of a group that is not acknowledged, and only those', async () => {
    const { sent, send } = manualSend();
    const groups = new GroupCommit(send, { maxEntries: 100, maxBytes: 1000, maxInFlight: 1 });
    const lost = [groups.add(entry(1)), groups.add(entry(2))];
    await turn();
    const next = groups.add(entry(3));
    sent[0]?.settle(new Error('no ack'));
    await expect(lost[0]).rejects.toThrow('no ack');
    await expect(lost[1]).rejects.toThrow('no ack');
    await turn();
    sent[1]?.settle();
    await expect(next).resolves.toBeUndefined();
  });

  it('refuses an entry larger than a whole group', async () => {
    const groups = new GroupCommit(() => Promise.resolve(), { maxEntries: 100, maxBytes: 8, maxInFlight: 1 });
    await expect(groups.add(entry(1, 9))).rejects.toThrow(RangeError);
  });
});
