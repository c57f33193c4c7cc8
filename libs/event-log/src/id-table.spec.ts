import { randomUUID } from 'node:crypto';
import { IdTable, parseCanonicalUuid } from './id-table';

describe('IdTable', () => {
  it('maps ids to sequences exactly as a Map of their text would, across growth', () => {
    // given: canonical UUIDs, their uppercase and mixed-case spellings, and ids of other shapes
    const table = new IdTable(16);
    const reference = new Map<string, number>();
    const ids: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const id = randomUUID();
      ids.push(id);
      if (i % 7 === 0) ids.push(id.toUpperCase());
      if (i % 11 === 0) ids.push(`${id.slice(0, 24)}${id.slice(24).toUpperCase()}`);
    }
    ids.push('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'not-a-uuid', '', 'g'.repeat(36));

    // when
    ids.forEach((id, position) => {
      table.set(id, position + 1);
      reference.set(id, position + 1);
    });

    // then
    expect(table.size).toBe(reference.size);
    for (const [id, sequence] of reference) expect(table.get(id)).toBe(sequence);
    expect(table.get(randomUUID())).toBeUndefined();
    expect(table.get(ids[0]!.toUpperCase())).toBe(reference.get(ids[0]!.toUpperCase()));
  });

  it('tells apart ids that differ in any one hex digit, or share their leading bits (time-ordered UUIDs)', () => {
    // given
    const base = '0190f3a2-7c4e-7abc-8def-0123456789ab';
    const table = new IdTable(16);
    const variants: string[] = [];
    for (let position = 0; position < 36; position++) {
      if ([8, 13, 18, 23].includes(position)) continue;
      const digit = base[position] === '0' ? '1' : '0';
      variants.push(base.slice(0, position) + digit + base.slice(position + 1));
    }
    for (let i = 0; i < 2000; i++) variants.push(`0190f3a2-7c4e-7abc-8def-${i.toString(16).padStart(12, '0')}`);

    // when
    table.set(base, 1);
    variants.forEach((id, position) => table.set(id, position + 2));

    // then
    expect(table.get(base)).toBe(1);
    variants.forEach((id, position) => expect(table.get(id)).toBe(position + 2));
    expect(table.size).toBe(new Set([base, ...variants]).size);
  });

  it('replaces the sequence of an id set again', () => {
    const table = new IdTable();
    const id = randomUUID();
    table.set(id, 3);
    table.set(id, 9);
    expect(table.get(id)).toBe(9);
    expect(table.size).toBe(1);
  });

  it('parses only the canonical lowercase form', () => {
    const out = new Uint32Array(4);
    expect(parseCanonicalUuid('01234567-89ab-cdef-0123-456789abcdef', out)).toBe(true);
    expect([...out]).toEqual([0x01234567, 0x89abcdef, 0x01234567, 0x89abcdef]);
    for (const other of ['01234567-89AB-cdef-0123-456789abcdef', '0123456789ab-cdef-0123-456789abcdef0', '01234567-89ab-cdef-0123-456789abcdeg', '01234567-89ab-cdef-0123-456789abcde', '{1234567-89ab-cdef-0123-456789abcdef', '01234567-89ab-cdef-0123-456789abcdé']) {
      expect(parseCanonicalUuid(other, out)).toBe(false);
    }
  });
});

describe('IdTable sequences', () => {
  it('keeps sequences beyond 32 bits, and refuses what is not a sequence', () => {
    const table = new IdTable();
    const [a, b] = [randomUUID(), randomUUID()];
    table.set(a, 2 ** 32);
    table.set(b, Number.MAX_SAFE_INTEGER);
    expect(table.get(a)).toBe(2 ** 32);
    expect(table.get(b)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => table.set(randomUUID(), 0)).toThrow(RangeError);
    expect(() => table.set(randomUUID(), 1.5)).toThrow(RangeError);
  });
});
