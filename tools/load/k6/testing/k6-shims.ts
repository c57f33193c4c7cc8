// Stand-ins for the k6 modules the load script imports, so its pure parts (request signing,
// options and thresholds made from scenarios.json) can be checked under Node without k6. They
// follow k6's documented behaviour for the calls the script makes; HTTP is not emulated.
import { createHash, createHmac, randomBytes as nodeRandomBytes } from 'node:crypto';

const toBuffer = (input: string | ArrayBuffer) => (typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input));
const toArrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** k6's string output encodings; `base64rawurl` is base64url without padding (Node's `base64url`). */
function encode(digest: Buffer, encoding: string): string | ArrayBuffer {
  switch (encoding) {
    case 'hex':
      return digest.toString('hex');
    case 'base64':
      return digest.toString('base64');
    case 'base64url':
      return digest.toString('base64url') + '='.repeat((4 - (digest.toString('base64url').length % 4)) % 4);
    case 'base64rawurl':
      return digest.toString('base64url');
    case 'binary':
      return toArrayBuffer(digest);
    default:
      throw new Error(`k6/crypto: unknown output encoding ${encoding}`);
  }
}

export const crypto = {
  randomBytes: (n: number): ArrayBuffer => toArrayBuffer(nodeRandomBytes(n)),
  sha256: (input: string | ArrayBuffer, encoding: string) => encode(createHash('sha256').update(toBuffer(input)).digest(), encoding),
  hmac: (algorithm: string, secret: string | ArrayBuffer, data: string | ArrayBuffer, encoding: string) =>
    encode(createHmac(algorithm, toBuffer(secret)).update(toBuffer(data)).digest(), encoding),
};

/** k6/encoding: `std` (padded) and `rawurl` (url alphabet, unpadded) are the variants used. */
export const encoding = {
  b64encode: (input: string | ArrayBuffer, variant = 'std'): string => {
    const b = toBuffer(input);
    if (variant === 'rawurl') return b.toString('base64url');
    if (variant === 'std') return b.toString('base64');
    throw new Error(`k6/encoding shim: variant ${variant} not covered`);
  },
  b64decode: (input: string, variant = 'std'): ArrayBuffer => toArrayBuffer(Buffer.from(input, variant === 'rawurl' || variant === 'url' ? 'base64url' : 'base64')),
};

export const execution = {
  vu: { idInTest: 1, iterationInScenario: 0 },
  test: {
    abort: (message: string) => {
      throw new Error(`k6 abort: ${message}`);
    },
  },
};

/** Metrics keep what was added, for a test to look at. */
export class Trend {
  readonly values: Array<{ value: number; tags?: Record<string, string> }> = [];
  constructor(readonly name: string) {}
  add(value: number, tags?: Record<string, string>): void {
    this.values.push({ value, tags });
  }
}
export class Counter extends Trend {}

export const http = new Proxy(
  {},
  {
    get: (_target, name) => () => {
      throw new Error(`k6/http.${String(name)} is not emulated: this shim checks the script's pure parts only`);
    },
  },
);

export const sleep = (): void => undefined;
