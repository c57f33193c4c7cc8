import { connect } from 'nats';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinary, freePort, spawnOwned, waitFor, type OwnedProcess } from './processes';

/** A NATS server with JetStream that tests and the local stack can use. */
export interface NatsHandle {
  url: string;
  /** With `auth`: the test harness's own login (no permission limits: it reads what it checks), never given to a service. */
  observer?: NatsLogin;
  /** True when we started it (and stop() stops it); false when it was already running. */
  owned: boolean;
  /** A server we started: its monitoring endpoint (`/varz`, `/connz`, `/jsz`), on loopback. */
  monitorUrl?: string;
  stop(): Promise<void>;
}

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/** A user and password to connect with. */
export interface NatsLogin {
  user: string;
  pass: string;
}

/** The harness's user on a NATS started with `auth`. */
export const NATS_OBSERVER_USER = 'lh-test-observer';

/** True when a NATS server with JetStream answers at `url`. */
export async function natsAnswers(url: string, login?: NatsLogin, serverName?: string): Promise<boolean> {
  try {
    const nc = await connect({ servers: url, timeout: 1000, reconnect: false, ...login });
    try {
      // Another suite's server on the same port also answers: only the one we started counts.
      if (serverName !== undefined && nc.info?.server_name !== serverName) return false;
      const jsm = await nc.jetstreamManager({ timeout: 1000 });
      await jsm.getAccountInfo();
      return true;
    } finally {
      await nc.close();
    }
  } catch {
    return false;
  }
}

export interface StartNatsOptions {
  /** Largest message the server accepts (its default is 1 MiB). */
  maxPayloadBytes?: number;
  /**
   * When given, NATS runs with this `authorization` block (the services' users, see
   * natsAuthorizationConfig) and refuses anyone else; `observer` is the harness's login in it.
   */
  auth?: { config: string; observer: NatsLogin };
  /** Keep JetStream's store here across runs (kept at stop); default: a temp dir removed at stop. */
  storeDir?: string;
  log?: (line: string) => void;
}

/** Starts a private nats-server with JetStream on a free loopback port, in a temp store dir. */
export async function startNats(options: StartNatsOptions = {}): Promise<NatsHandle> {
  // A port found free can be taken by another suite's server before ours binds it: ours then
  // exits, and the port answers for the other one. Each try names its server and checks the name.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startNatsOnce(options);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= 5) throw error;
    }
  }
}

class PortTakenError extends Error {}

async function startNatsOnce(options: StartNatsOptions): Promise<NatsHandle> {
  const binary = ensureBinary('nats-server', 'nats-server', options.log);
  const port = await freePort();
  const monitorPort = await freePort();
  const serverName = `lh-test-${process.pid}-${port}-${Math.random().toString(36).slice(2, 8)}`;
  const dir = await mkdtemp(join(tmpdir(), 'lh-nats-'));
  const observer = options.auth?.observer;
  const config = [
    `server_name: ${JSON.stringify(serverName)}`,
    `listen: "127.0.0.1:${port}"`,
    `http: "127.0.0.1:${monitorPort}"`,
    `jetstream { store_dir: ${JSON.stringify(options.storeDir ?? join(dir, 'js'))} }`,
    options.maxPayloadBytes ? `max_payload: ${options.maxPayloadBytes}` : '',
    options.auth?.config ?? '',
  ].join('\n');
  await writeFile(join(dir, 'nats.conf'), config);
  const proc: OwnedProcess = spawnOwned(binary, ['-c', join(dir, 'nats.conf')], 'nats-server');
  const url = `nats://127.0.0.1:${port}`;
  try {
    await waitFor(() => natsAnswers(url, observer, serverName), 10_000, `nats-server on ${url}`, () => (proc.exit() ? `it exited (${proc.exit()}): ${proc.output()}` : undefined));
  } catch (error) {
    await proc.stop();
    await rm(dir, { recursive: true, force: true });
    if (/address already in use/i.test(proc.output())) throw new PortTakenError(`port ${port} was taken before nats-server bound it`);
    throw error;
  }
  return {
    url,
    observer,
    owned: true,
    monitorUrl: `http://127.0.0.1:${monitorPort}`,
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The NATS at `NATS_URL` (or the default port) when it answers, else a private one. */
export async function findOrStartNats(options: StartNatsOptions = {}): Promise<NatsHandle> {
  const url = process.env['NATS_URL'] || DEFAULT_NATS_URL;
  if (await natsAnswers(url)) return { url, owned: false, stop: async () => undefined };
  return startNats(options);
}
