import { createHash } from 'node:crypto';

interface Sha256Factory {
  create(): { update(data: Uint8Array | string): unknown; digest(): ArrayLike<number> };
}

let patched: boolean | undefined;

/**
 * The `nats` v2 object store checksums every object with a pure-JavaScript SHA-256 (about
 * 25 MB/s here, on the event loop): it capped chunk uploads and downloads at that rate and
 * stalled filesystem calls meanwhile. This points the client's SHA-256 at Node's native one
 * (same digest, ~20x faster). It changes nothing if the client's internals moved: the check
 * below compares both on a known input and only then swaps.
 */
export function useNativeObjectDigest(): boolean {
  if (patched !== undefined) return patched;
  patched = false;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require('nats/lib/nats-base-client/js-sha256') as { sha256?: Sha256Factory };
    const original = module.sha256;
    if (!original || typeof original.create !== 'function') return false;
    const expected = createHash('sha256').update('lighthouse').digest();
    const theirs = Buffer.from(Array.from(digestOf(original)));
    if (!theirs.equals(expected)) return false;
    original.create = () => {
      const hash = createHash('sha256');
      const adapter = {
        update(data: Uint8Array | string) {
          hash.update(data);
          return adapter;
        },
        digest: () => new Uint8Array(hash.digest()),
      };
      return adapter;
    };
    patched = true;
  } catch {
    patched = false;
  }
  return patched;
}

function digestOf(factory: Sha256Factory): ArrayLike<number> {
  const sha = factory.create();
  sha.update('lighthouse');
  return sha.digest();
}
