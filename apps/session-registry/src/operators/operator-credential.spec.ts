import { refusalOf, type OperatorRecord } from './operator-credential';

const NOW = Date.UTC(2026, 11, 7, 12);
const record: OperatorRecord = { name: 'alice', hash: 'h1', issuedMs: NOW - 1000, expiresMs: NOW + 3600_000, revokedMs: null };

describe('an operator credential signs its operator in', () => {
  it('when it is the name\'s current, live credential', () => {
    expect(refusalOf(record, 'h1', NOW)).toBeUndefined();
  });

  it('never when unknown, replaced, revoked or expired', () => {
    expect(refusalOf(undefined, 'h1', NOW)).toBe('no such operator credential');
    expect(refusalOf(record, 'h0', NOW)).toMatch(/re-issued/);
    expect(refusalOf({ ...record, revokedMs: NOW - 1 }, 'h1', NOW)).toMatch(/revoked/);
    expect(refusalOf(record, 'h1', record.expiresMs)).toMatch(/expired/);
  });
});
