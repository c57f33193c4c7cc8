import { randomBytes } from 'node:crypto';
import { Keyring } from './keyring';
import { ParallelVerifier, type HmacCheck } from './parallel-verifier';
import { chainHmac, GENESIS_HMAC } from './record-codec';

describe('ParallelVerifier', () => {
  const keyring = Keyring.from({ keys: [{ id: 1, secret: randomBytes(32) }, { id: 2, secret: randomBytes(48) }], activeKeyId: 1 });
  let verifier: ParallelVerifier;

  beforeEach(() => {
    verifier = new ParallelVerifier(keyring);
  });

  afterEach(async () => {
    await verifier.close();
  });

  /** A genuine chain of `count` records, alternating between both keys. */
  function chain(count: number): HmacCheck[] {
    const checks: HmacCheck[] = [];
    let previous: Buffer = GENESIS_HMAC;
    for (let sequence = 1; sequence <= count; sequence++) {
      const keyId = 1 + (sequence % 2);
      const payload = randomBytes(10 + (sequence % 300));
      const hmac = chainHmac(keyring, keyId, previous, sequence, payload) as Buffer;
      checks.push({ keyId, previous, sequence, payload, hmac });
      previous = hmac;
    }
    return checks;
  }

  it.each([10, 500])('accepts a genuine chain of %i records and flags exactly the forged ones', async (count) => {
    // given
    const checks = chain(count);
    const forged = [3, count - 1];
    checks[forged[0]!] = { ...checks[forged[0]!]!, sequence: checks[forged[0]!]!.sequence + 1 };
    checks[forged[1]!] = { ...checks[forged[1]!]!, keyId: 7 };

    // when
    const flags = await verifier.check(checks);

    // then
    const rejected = [...flags].flatMap((flag, i) => (flag === 1 ? [] : [i]));
    expect(rejected).toEqual(forged);
  });

  it('keeps answering after being closed, inline', async () => {
    // given
    const checks = chain(200);
    await verifier.close();

    // when
    const flags = await verifier.check(checks);

    // then
    expect(flags.every((flag) => flag === 1)).toBe(true);
  });
});
