import { credentialMatches, hashCredential, newCredential, newSessionId, secretsEqual } from './credentials';
import { CredentialSchema, SessionIdSchema } from '@lighthouse/contracts';

describe('credentials', () => {
  it('issues credentials and session ids of the contract shape, never the same twice', () => {
    const credentials = new Set(Array.from({ length: 100 }, newCredential));
    expect(credentials.size).toBe(100);
    for (const credential of credentials) expect(CredentialSchema.safeParse(credential).success).toBe(true);
    expect(SessionIdSchema.safeParse(newSessionId()).success).toBe(true);
  });

  it('matches a credential only against its own hash', () => {
    const credential = newCredential();
    expect(credentialMatches(credential, hashCredential(credential))).toBe(true);
    expect(credentialMatches(newCredential(), hashCredential(credential))).toBe(false);
  });

  it('matches nothing when there is no stored hash, or a damaged one', () => {
    const credential = newCredential();
    expect(credentialMatches(credential, undefined)).toBe(false);
    expect(credentialMatches(credential, null)).toBe(false);
    expect(credentialMatches(credential, 'not-a-hash')).toBe(false);
    expect(credentialMatches('', '0'.repeat(64))).toBe(false);
  });

  it('compares secrets of different lengths without throwing', () => {
    expect(secretsEqual('a'.repeat(40), 'a'.repeat(40))).toBe(true);
    expect(secretsEqual('a'.repeat(40), 'a'.repeat(41))).toBe(false);
    expect(secretsEqual('', 'a'.repeat(40))).toBe(false);
  });
});
