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

  it('matches the RFC 4231 test case 2', () => {
    // given
    const hmac = new HmacSha256(Buffer.from('Jefe'));

    // when
    const mac = hmac.digest([Buffer.from('what do ya want for nothing?')]);

    // then
    expect(mac.toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});
