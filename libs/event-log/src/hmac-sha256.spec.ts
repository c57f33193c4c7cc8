import { createHmac, randomBytes } from 'node:crypto';
import { HmacSha256 } from './hmac-sha256';

describe('HmacSha256', () => {
  it.each([32, 64, 65, 100])('matches createHmac for a %i-byte key', (keyBytes) => {
    // given
    const secret = randomBytes(keyBytes);
    const parts = [randomBytes(32), randomBytes(8), randomBytes(300)];

    // when
    const mac = new HmacSha256(secret).digest(parts);

    // then
    const reference = createHmac('sha256', secret);
    for (const part of parts) reference.update(part);
    expect(mac.toString('hex')).toBe(reference.digest().toString('hex'));
  });

  it('matches createHmac for messages larger than its scratch buffer, and again afterwards', () => {
    // given
    const secret = randomBytes(32);
    const hmac = new HmacSha256(secret);
    const large = randomBytes(200_000);
    const small = randomBytes(10);

    // when
    const macs = [hmac.digest([large]), hmac.digest([small])];

    // then
    expect(macs.map((mac) => mac.toString('hex'))).toEqual([
      createHmac('sha256', secret).update(large).digest('hex'),
      createHmac('sha256', secret).update(small).digest('hex'),
    ]);
  });

  it.each([
    ['a Buffer', false],
    ['a latin1 string', true],
  ])('computes a chain link over previous HMAC (%s), u64 sequence and payload as createHmac does, for small and large payloads', (_, asString) => {
    // given
    const secret = randomBytes(32);
    const hmac = new HmacSha256(secret);
    const cases = [
      { previous: randomBytes(32), sequence: 1, payload: randomBytes(300) },
      { previous: randomBytes(32), sequence: 2 ** 40 + 7, payload: randomBytes(200_000) },
      { previous: Buffer.alloc(32, 0xff), sequence: Number.MAX_SAFE_INTEGER, payload: randomBytes(1) },
    ];

    // when
    const links = cases.map(({ previous, sequence, payload }) => hmac.link(asString ? previous.toString('latin1') : previous, sequence, payload));

    // then
    expect(links.map((link) => Buffer.from(link, 'latin1').toString('hex'))).toEqual(
      cases.map(({ previous, sequence, payload }) => {
        const sequenceBytes = Buffer.alloc(8);
        sequenceBytes.writeBigUInt64BE(BigInt(sequence));
        return createHmac('sha256', secret).update(previous).update(sequenceBytes).update(payload).digest('hex');
      }),
    );
    expect(links.every((link) => link.length === 32)).toBe(true);
  });

  it('matches the RFC 4231 test case 2', () => {
    // given
    const hmac = new HmacSha256(Buffer.from('Jefe'));

    // when
    const mac = hmac.digest([Buffer.from('what do ya want for nothing?')]);

    // then
    expect(mac.toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});
