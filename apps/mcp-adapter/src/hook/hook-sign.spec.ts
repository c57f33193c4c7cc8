import { createHash, createHmac, randomBytes } from 'node:crypto';
import { signRequest, verifyRequestSignature } from '@lighthouse/auth';
import { hmacSha256, NATIVE_BODY_BYTES, randomBytesSync, sha256, signHookRequest } from './hook-sign';

/** Lengths around SHA-256's block and padding edges (55/56/64 bytes), and larger. */
const LENGTHS = [0, 1, 3, 31, 32, 54, 55, 56, 57, 63, 64, 65, 111, 119, 120, 127, 128, 129, 1000, 4095, 65_535];

describe('the hook signs requests without node:crypto', () => {
  it('hashes like node:crypto at every length around the block and padding edges', () => {
    for (const length of LENGTHS) {
      const data = randomBytes(length);
      expect(sha256(data).toString('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    }
    expect(sha256(Buffer.from('abc')).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('computes HMAC-SHA256 like node:crypto, for short, block-sized and long keys', () => {
    for (const keyLength of [0, 16, 32, 63, 64, 65, 200]) {
      for (const length of [0, 10, 64, 300]) {
        const key = randomBytes(keyLength);
        const data = randomBytes(length);
        expect(hmacSha256(key, data).toString('hex')).toBe(createHmac('sha256', key).update(data).digest('hex'));
      }
    }
  });

  it('makes exactly the headers of signRequest, and the gateway verifies them', () => {
    const bodies = [undefined, '', '{"tool":"Bash","input":{"command":"ls"}}', 'é漢字🙂'.repeat(50), 'x'.repeat(NATIVE_BODY_BYTES - 1), 'y'.repeat(NATIVE_BODY_BYTES + 10)];
    for (const body of bodies) {
      const key = randomBytes(32);
      const sessionKey = key.toString('base64url');
      const options = { nowSeconds: 1_700_000_000, nonce: randomBytes(18).toString('base64url') };
      const request = { method: 'post', path: '/validate?x=1', ...(body === undefined ? {} : { body }) };
      const headers = signHookRequest(sessionKey, request, options);
      expect(headers).toEqual(signRequest(sessionKey, request, options));
      expect(verifyRequestSignature(key, { ...request, timestamp: options.nowSeconds, nonce: options.nonce }, headers['x-lh-signature'] as string)).toBe(true);
    }
  });

  it('draws a fresh 24-character nonce per request, and refuses a key that is not canonical base64url', () => {
    const sessionKey = randomBytes(32).toString('base64url');
    const nonces = new Set(Array.from({ length: 50 }, () => signHookRequest(sessionKey, { method: 'POST', path: '/validate' })['x-lh-nonce']));
    expect(nonces.size).toBe(50);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(randomBytesSync(64).equals(Buffer.alloc(64))).toBe(false);
    expect(() => signHookRequest('not base64url!', { method: 'POST', path: '/validate' })).toThrow('not base64url');
  });
});
