import type { AddressInfo } from 'node:net';
import { ServiceMetrics } from '@lighthouse/observability';
import { startOpsServer } from './ops-server';

describe('ops server', () => {
  it('answers liveness, readiness as it changes, and metrics', async () => {
    let ready = true;
    const server = await startOpsServer({ host: '127.0.0.1', port: 0, metrics: new ServiceMetrics('probe', false), ready: () => ready });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      ready = false;
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      expect(await (await fetch(`${base}/metrics`)).text()).toContain('lh_nats_handle_seconds');
      expect((await fetch(`${base}/anything-else`)).status).toBe(404);
      expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
    } finally {
      server.close();
    }
  });
});
