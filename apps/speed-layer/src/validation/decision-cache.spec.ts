import { describe, expect, it } from '@jest/globals';
import { RequestKeyCache, stableJson } from './decision-cache';

/** The key as it was built before it was made one string without arrays of parts: the new one must equal it. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${reference((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const sparse = [1, , 3];
const CASES: unknown[] = [
  {}, [], null, undefined, 0, -1.5, 'a"b\\c\u0000\u2028', true, false, NaN, Infinity,
  { command: 'git status' },
  { b: 1, a: 2, c: { z: [1, { y: null, x: undefined }], a: 'é' } },
  { 'key "quoted"': [undefined, null, [], {}], '': '', '10': 1, '2': 2, a: [[['deep']]] },
  { fn: () => 1, sym: Symbol('s'), date: new Date(0), bytes: new Uint8Array([1, 2]) },
  sparse,
  [{ b: 2, a: 1 }, 'x', 3, [4, [5]]],
];

describe('the raw request key', () => {
  it('is what the sorted-keys JSON always was, over every kind of value', () => {
    for (const value of CASES) expect(stableJson(value)).toBe(reference(value));
  });

  it('is one key for the same input with its keys in another order, and another for a different input', () => {
    expect(RequestKeyCache.rawKeyOf('Bash', '/w', { command: 'ls', timeout: 5 })).toBe(RequestKeyCache.rawKeyOf('Bash', '/w', { timeout: 5, command: 'ls' }));
    expect(RequestKeyCache.rawKeyOf('Bash', '/w', { command: 'ls' })).not.toBe(RequestKeyCache.rawKeyOf('Bash', '/w', { command: 'ls ' }));
    expect(RequestKeyCache.rawKeyOf('Bash', '/w', { command: 'ls' })).not.toBe(RequestKeyCache.rawKeyOf('Bash', '/x', { command: 'ls' }));
  });
});
