import type { OperatorCredentialInfo } from '@lighthouse/contracts';

/** An operator credential as the registry keeps it: the hash of the credential, never the credential. */
export interface OperatorRecord {
  name: string;
  hash: string;
  issuedMs: number;
  expiresMs: number;
  revokedMs: number | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export const infoOf = (record: OperatorRecord): OperatorCredentialInfo => ({
  name: record.name,
  issuedAt: iso(record.issuedMs),
  expiresAt: iso(record.expiresMs),
  revokedAt: record.revokedMs === null ? null : iso(record.revokedMs),
});

/**
 * Why a presented credential (by its hash) does not sign `record`'s operator in, or undefined
 * when it does: the name's current credential (issuing again replaces it), not revoked, not expired.
 * One answer for every failure reason on the wire: the reason is for the log only.
 */
export function refusalOf(record: OperatorRecord | undefined, presentedHash: string, nowMs: number): string | undefined {
  if (!record) return 'no such operator credential';
  if (record.hash !== presentedHash) return 'a credential this operator no longer holds (re-issued)';
  if (record.revokedMs !== null) return 'the operator credential was revoked';
  if (record.expiresMs <= nowMs) return 'the operator credential has expired';
  return undefined;
}
