import { randomBytes } from 'node:crypto';
import { deriveAuthKeys, sessionKeyOf } from './keys';
import { checkFreshness, signRequest, verifyRequestSignature, type RequestParts } from './request-signature';

const keys = deriveAuthKeys(randomBytes(32).toString('hex'));
const sessionKey = sessionKeyOf(keys, 'session-aaaaaaaaaaaaaa');
const now = 1_800_000_000;
const request = { method: 'POST', path: '/experts', body: '{"role":"qa"}' };

function signed(overrides: Partial<RequestParts> = {}): { parts: RequestParts; signature: string } {
  const headers = signRequest(sessionKey.toString('base64url'), request, { nowSeconds: now, nonce: 'nonce-0123456789abcdef' });
  const parts = { ...request, timestamp: Number(headers['x-lh-timestamp']), nonce: headers['x-lh-nonce'] as string, ...overrides };
  return { parts, signature: headers['x-lh-signature'] as string };
}

describe('signed requests', () => {
  it('verifies a request signed with the session key', () => {
    const { parts, signature } = signed();
    expect(verifyRequestSignature(sessionKey, parts, signature)).toBe(true);
  });

  it('refuses the signature once any part of the request changes', () => {
    const { signature } = signed();
    for (const change of [{ method: 'DELETE' }, { path: '/experts?x=1' }, { body: '{"role":"qb"}' }, { timestamp: now + 1 }, { nonce: 'nonce-0123456789abcdeg' }]) {
      expect(verifyRequestSignature(sessionKey, signed(change).parts, signature)).toBe(false);
    }
  });

  it("refuses a signature made with another session's key", () => {
    const { parts, signature } = signed();
    expect(verifyRequestSignature(sessionKeyOf(keys, 'session-bbbbbbbbbbbbbb'), parts, signature)).toBe(false);
  });

  it('refuses signatures that are not 32 canonical base64url bytes', () => {
    const { parts, signature } = signed();
    expect(verifyRequestSignature(sessionKey, parts, signature.slice(0, -1))).toBe(false);
    expect(verifyRequestSignature(sessionKey, parts, `${signature}A`)).toBe(false);
    expect(verifyRequestSignature(sessionKey, parts, '')).toBe(false);
    // The same 32 bytes in another encoding: the unused low bits of the last character set, padding, a look-alike character.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(signature.at(-1) as string);
    const variant = `${signature.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(variant, 'base64url').equals(Buffer.from(signature, 'base64url'))).toBe(true);
    expect(verifyRequestSignature(sessionKey, parts, variant)).toBe(false);
    expect(verifyRequestSignature(sessionKey, parts, `${signature}=`)).toBe(false);
    const lookAlike = `${signature.slice(0, -1)}${String.fromCharCode((signature.charCodeAt(signature.length - 1) as number) + 0x100)}`;
    expect(verifyRequestSignature(sessionKey, parts, lookAlike)).toBe(false);
  });

  it('accepts timestamps within ±300 s and refuses beyond', () => {
    const nonce = 'n'.repeat(16);
    expect(checkFreshness(String(now - 300), nonce, now)).toEqual({ ok: true, timestamp: now - 300, nonce });
    expect(checkFreshness(String(now + 300), nonce, now).ok).toBe(true);
    expect(checkFreshness(String(now - 301), nonce, now).ok).toBe(false);
    expect(checkFreshness(String(now + 301), nonce, now).ok).toBe(false);
  });

  it('requires well-formed timestamp and nonce headers', () => {
    expect(checkFreshness(undefined, 'n'.repeat(16), now).ok).toBe(false);
    expect(checkFreshness('1.5e9', 'n'.repeat(16), now).ok).toBe(false);
    expect(checkFreshness(String(now), 'short', now).ok).toBe(false);
    expect(checkFreshness(String(now), ['n'.repeat(16)], now).ok).toBe(false);
  });
});
