import { z } from 'zod';
import { ConfigError, adminSecretShape, loadConfig, natsServiceShape, tokenShape } from './load-config';

describe('loadConfig', () => {
  it('applies defaults when variables are absent', () => {
    const config = loadConfig(natsServiceShape, {});
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.LH_MAX_FRAME_BYTES).toBe(1024 * 1024);
  });

  it('coerces numbers from strings', () => {
    const config = loadConfig(natsServiceShape, { LH_REQUEST_TIMEOUT_MS: '250' });
    expect(config.LH_REQUEST_TIMEOUT_MS).toBe(250);
  });

  it('fails loudly on an unknown LH_ variable (a typo)', () => {
    expect(() => loadConfig(natsServiceShape, { LH_REQUST_TIMEOUT_MS: '250' })).toThrow(/LH_REQUST_TIMEOUT_MS: unknown variable/);
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig(natsServiceShape, { LH_REQUEST_TIMEOUT_MS: 'soon', LH_LOG_LEVEL: 'chatty' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(2);
  });

  it('requires variables without a default', () => {
    expect(() => loadConfig({ LH_EVENT_HMAC_KEYS: z.string().min(1) }, {})).toThrow(/LH_EVENT_HMAC_KEYS/);
  });

  it('requires a token secret of at least 32 bytes, with no default', () => {
    expect(() => loadConfig(tokenShape, {})).toThrow(/LH_TOKEN_SECRET/);
    expect(() => loadConfig(tokenShape, { LH_TOKEN_SECRET: 'x'.repeat(31) })).toThrow(/at least 32 bytes/);
    expect(loadConfig(tokenShape, { LH_TOKEN_SECRET: 'x'.repeat(32) })).toEqual({ LH_TOKEN_SECRET: 'x'.repeat(32), LH_TOKEN_AUDIENCE: 'lighthouse' });
  });

  it('leaves the admin secret unset unless given, and refuses a short one', () => {
    expect(loadConfig(adminSecretShape, {}).LH_ADMIN_SECRET).toBeUndefined();
    expect(() => loadConfig(adminSecretShape, { LH_ADMIN_SECRET: 'admin' })).toThrow(/LH_ADMIN_SECRET/);
  });
});
