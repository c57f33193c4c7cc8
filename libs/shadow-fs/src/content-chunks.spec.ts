import { createHash } from 'node:crypto';
import { chunkLength, chunkSlices, EMPTY_HASH } from './content-chunks';

const file = { size: 2500, hash: 'h', chunkSize: 1024, chunks: ['c0', 'c1', 'c2'] };

describe('content chunks', () => {
  it('maps a read onto the chunks that hold it, across chunk boundaries', () => {
    expect(chunkSlices(file, 1000, 100)).toEqual([
      { index: 0, hash: 'c0', offset: 1000, length: 24 },
      { index: 1, hash: 'c1', offset: 0, length: 76 },
    ]);
  });

  it('stops at the end of the file', () => {
    expect(chunkSlices(file, 2400, 4096)).toEqual([{ index: 2, hash: 'c2', offset: 352, length: 100 }]);
    expect(chunkSlices(file, 2500, 10)).toEqual([]);
    expect(chunkLength(file, 2)).toBe(452);
    expect(chunkLength(file, 3)).toBe(0);
  });

  it('knows the hash of nothing', () => {
    expect(createHash('sha256').digest('hex')).toBe(EMPTY_HASH);
  });
});
