import { verifyRequestSignature } from '@lighthouse/auth';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadScenario } from '../driver/scenario';
import { loadK6Script } from './testing/load-k6-script';

// The k6 script runs only where k6 is installed; here its pure parts run under Node with
// stand-ins for the k6 modules: the request signature the gateway checks, and the options
// (agents split into experts and mix agents, thresholds from the targets of scenarios.json).
const scenario = loadScenario(join(__dirname, '..', '..', '..'));

describe('k6 script', () => {
  it('signs a request exactly as the gateway verifies it (libs/auth)', async () => {
    const script = await loadK6Script({ LH_GATEWAY_URL: 'http://127.0.0.1:1', LH_AGENTS: '100' });
    const key = randomBytes(32);
    const body = JSON.stringify({ tool: 'Bash', input: { command: 'git status — ünïcode' } });
    const headers = script.signedHeaders(key.toString('base64url'), 'POST', '/validate?x=1', body);
    const parts = { method: 'POST', path: '/validate?x=1', timestamp: Number(headers['x-lh-timestamp']), nonce: headers['x-lh-nonce'] as string, body };

    expect(headers['x-lh-nonce']).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(verifyRequestSignature(key, parts, headers['x-lh-signature'] as string)).toBe(true);
    expect(verifyRequestSignature(key, { ...parts, body: `${body} ` }, headers['x-lh-signature'] as string)).toBe(false);
    expect(verifyRequestSignature(key, { ...parts, method: 'DELETE' }, headers['x-lh-signature'] as string)).toBe(false);
  });

  it('signs an empty body (heartbeat) as the hash of no bytes', async () => {
    const script = await loadK6Script({ LH_GATEWAY_URL: 'http://127.0.0.1:1' });
    const key = randomBytes(32);
    const headers = script.signedHeaders(key.toString('base64url'), 'POST', '/sessions/heartbeat', '', 1_800_000_000, 'n'.repeat(24));
    expect(verifyRequestSignature(key, { method: 'POST', path: '/sessions/heartbeat', timestamp: 1_800_000_000, nonce: 'n'.repeat(24) }, headers['x-lh-signature'] as string)).toBe(true);
  });

  it('splits 1000 agents into experts and mix agents as the driver does, for the profile duration', async () => {
    const { options } = await loadK6Script({ LH_GATEWAY_URL: 'http://127.0.0.1:1', LH_AGENTS: '1000' });
    expect(options.scenarios['experts']).toMatchObject({ vus: 100, exec: 'expert', duration: '60s' });
    expect(options.scenarios['agents']).toMatchObject({ vus: 900, exec: 'agent', duration: '60s' });
    expect(options.scenarios['probe']).toMatchObject({ exec: 'probe' });
  });

  it('turns every client-side target of scenarios.json into a threshold', async () => {
    const { options } = await loadK6Script({ LH_GATEWAY_URL: 'http://127.0.0.1:1', LH_DURATION: '10s' });
    expect(options.thresholds['lh_target_validate_p99']).toEqual(['p(99)<10']);
    expect(options.thresholds['lh_target_delegation_round_trip_p99']).toEqual(['p(99)<50']);
    expect(options.thresholds['lh_unexpected_errors']).toEqual(['count<=0']);
    const gatewayOps = Object.entries(scenario.operations).filter(([op, o]) => !o.longPoll && !o.derived && !op.startsWith('baseline.'));
    for (const [op] of gatewayOps) expect(options.thresholds[`lh_op_ms{op:${op}}`]).toEqual(['p(99)<100']);
    expect(options.thresholds['lh_op_ms{op:delegation.next}']).toBeUndefined();
  });

  it('refuses to start without a gateway URL', async () => {
    await expect(loadK6Script({})).rejects.toThrow(/LH_GATEWAY_URL/);
  });
});
