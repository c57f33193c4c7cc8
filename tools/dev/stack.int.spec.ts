import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayHealthSchema } from '@lighthouse/contracts';
import { buildServices, freePort, startNats, testRedisUrl, type BuiltServices, type NatsHandle, type Stack } from '@lighthouse/testing';
import { NATS_SERVICES, startDevStack } from './stack';

// End to end: the built services started as processes (as `npm start` does), on a private NATS
// so that no other running bridge can answer for them, and driven over HTTP like a user.
const root = join(__dirname, '..', '..');

describe('the whole bridge, built and started as processes', () => {
  let nats: NatsHandle;
  let stack: Stack;
  let parentDir: string;
  let stateDir: string;
  let services: BuiltServices;

  beforeAll(async () => {
    // Built into a folder of its own: the shared dist/ is `npm run build`'s, not a test's.
    [services, nats] = await Promise.all([buildServices({ tag: 'dev-stack' }), startNats()]);
    // A state dir that does not exist yet, as .lighthouse on a fresh clone.
    parentDir = mkdtempSync(join(tmpdir(), 'lh-stack-'));
    stateDir = join(parentDir, '.lighthouse');
    stack = await startDevStack({
      root,
      services,
      stateDir,
      gatewayPort: await freePort(),
      natsUrl: nats.url,
      redisUrl: testRedisUrl(),
      log: () => undefined,
      env: { LH_LOG_LEVEL: 'warn' },
    });
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
    await nats?.stop();
    services?.remove();
    if (parentDir) rmSync(parentDir, { recursive: true, force: true });
  }, 30_000);

  it('reports every service up with its round trip', async () => {
    const response = await fetch(`${stack.gatewayUrl}/health`);
    expect(response.status).toBe(200);
    const health = GatewayHealthSchema.parse(await response.json());
    expect(Object.keys(health.services).sort()).toEqual([...NATS_SERVICES].sort());
    for (const service of Object.values(health.services)) {
      expect(service.status).toBe('up');
      expect(service.rttMs).toBeGreaterThan(0);
    }
  });

  it('serves Prometheus metrics with latency histograms', async () => {
    const text = await (await fetch(`${stack.gatewayUrl}/metrics`)).text();
    expect(text).toContain('lh_nats_request_seconds_bucket');
    expect(text).toContain('lh_http_request_seconds_bucket');
  });

  it('answers an unknown route with the stable error shape', async () => {
    const response = await fetch(`${stack.gatewayUrl}/no-such-route`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: 'NOT_FOUND', message: expect.any(String) });
  });

  it('reports a service that stopped as down, and the bridge as degraded', async () => {
    process.kill(stack.pids['fuse-mounter'] as number, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const response = await fetch(`${stack.gatewayUrl}/health`);
    expect(response.status).toBe(503);
    const health = GatewayHealthSchema.parse(await response.json());
    expect(health.status).toBe('degraded');
    expect(health.services['fuse-mounter']).toMatchObject({ status: 'down', rttMs: null });
    expect(health.services['event-store']).toMatchObject({ status: 'up' });
  });
});
