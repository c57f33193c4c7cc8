import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtServices, startStack, type BuiltServices, type Stack } from '@lighthouse/testing';

export { NATS_SERVICES } from '@lighthouse/testing';

export interface DevStackOptions {
  /** Workspace root (holds dist/apps, built by `npm start`). */
  root: string;
  /** Where logs, dev secrets, the event log and the mount live. */
  stateDir: string;
  gatewayPort: number;
  log: (line: string) => void;
  /** The bundles to run (default: `<root>/dist/apps`). */
  services?: BuiltServices;
  /** Extra environment for every service. */
  env?: NodeJS.ProcessEnv;
  /** Use this NATS, taken as it is (default: a private one with every service's user, its store kept in the state dir). */
  natsUrl?: string;
  /** Use this Redis (default: the one running, else a private one). */
  redisUrl?: string;
}

/**
 * `npm start`'s bridge, through the stack kit: a NATS of its own on a free loopback port, with
 * every service's user and permissions (nothing without a service's login connects; JetStream's
 * store kept in the state dir), the Redis already running (or a private one), the secrets kept in the state dir, the shared view `optional` (a machine without FUSE
 * still comes up), keys under the deployment's own Redis prefix.
 */
export function startDevStack(options: DevStackOptions): Promise<Stack> {
  return startStack({
    services: options.services ?? builtServices(join(options.root, 'dist', 'apps')),
    nats: options.natsUrl ?? 'private-kept',
    redisUrl: options.redisUrl,
    redisPrefix: null,
    stateDir: options.stateDir,
    gatewayPort: options.gatewayPort,
    log: options.log,
    env: { LH_FUSE_MOUNT: process.env['LH_FUSE_MOUNT'] ?? 'optional', ...devSecrets(options.stateDir), ...options.env },
  });
}

/**
 * Secrets for a local stack, in groups that go together: taken from the environment when set
 * (a group is set by its first variable), otherwise generated once at random and kept in the
 * state dir (mode 0600), adding any a newer version needs. There is no built-in default secret.
 */
const DEV_SECRETS: Array<Record<string, () => string>> = [
  { LH_EVENT_HMAC_KEYS: () => `1:${randomBytes(32).toString('base64')}`, LH_EVENT_ACTIVE_KEY_ID: () => '1' },
  { LH_TOKEN_SECRET: () => randomBytes(48).toString('base64url') },
  { LH_ADMIN_SECRET: () => randomBytes(48).toString('base64url') },
];

function devSecrets(stateDir: string): NodeJS.ProcessEnv {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, 'dev-secrets.json');
  const kept = (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}) as Record<string, string>;
  const missing = DEV_SECRETS.flatMap((group) => Object.entries(group)).filter(([name]) => !kept[name]);
  for (const [name, make] of missing) kept[name] = make();
  if (missing.length > 0) writeFileSync(file, JSON.stringify(kept, null, 2), { mode: 0o600 });
  const fromFile: NodeJS.ProcessEnv = {};
  for (const group of DEV_SECRETS) {
    const names = Object.keys(group);
    if (process.env[names[0] as string]) continue;
    for (const name of names) fromFile[name] = kept[name];
  }
  return fromFile;
}
