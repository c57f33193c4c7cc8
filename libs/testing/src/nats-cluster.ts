import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, StorageType } from 'nats';
import { ensureBinary, freePort, spawnOwned, waitFor, type OwnedProcess } from './processes';

/** One server of a local NATS cluster. */
export interface NatsClusterNode {
  readonly name: string;
  readonly url: string;
  /** The running process, or undefined while it is down. */
  process(): OwnedProcess | undefined;
  /** Kills it by its PID (SIGKILL by default) and waits until it is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same ports and store directory. */
  restart(): Promise<void>;
}

/** A NATS cluster with JetStream on loopback ports, each node with its own store directory. */
export interface NatsCluster {
  nodes: NatsClusterNode[];
  /** Every node's client URL, comma-separated (what NATS_URL takes). */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `size` (default 3) nats-servers clustered on free loopback ports, JetStream in a temp
 * directory per node, and waits until JetStream answers with a meta leader. `stop` kills them by
 * their PIDs and removes the directories.
 */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const binary = ensureBinary('nats-server', 'nats-server');
  const dir = await mkdtemp(join(tmpdir(), 'lh-nats-cluster-'));
  const ports = [];
  for (let i = 0; i < size; i++) ports.push({ client: await freePort(), cluster: await freePort() });
  const routes = ports.map((p) => `nats-route://127.0.0.1:${p.cluster}`).join(', ');
  const nodes = await Promise.all(
    ports.map(async (port, i) => {
      const name = `n${i + 1}`;
      const nodeDir = join(dir, name);
      await mkdir(nodeDir, { recursive: true });
      const config = [
        `server_name: ${name}`,
        `listen: "127.0.0.1:${port.client}"`,
        `jetstream { store_dir: ${JSON.stringify(join(nodeDir, 'js'))} }`,
        `cluster { name: lh-test, listen: "127.0.0.1:${port.cluster}", routes: [${routes}] }`,
      ].join('\n');
      await writeFile(join(nodeDir, 'nats.conf'), config);
      let current: OwnedProcess | undefined;
      const start = () => {
        current = spawnOwned(binary, ['-c', join(nodeDir, 'nats.conf')], `nats-${name}`);
      };
      start();
      const node: NatsClusterNode = {
        name,
        url: `nats://127.0.0.1:${port.client}`,
        process: () => current,
        async kill(signal = 'SIGKILL') {
          const proc = current;
          current = undefined;
          await proc?.stop(signal);
        },
        async restart() {
          if (current?.exit() === undefined && current) return;
          start();
          await waitFor(() => answers(node.url), 15_000, `${name} to serve again`);
        },
      };
      return node;
    }),
  );
  const url = nodes.map((n) => n.url).join(',');
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => jetStreamReady(url, size), 30_000, `a ${size}-node JetStream cluster that can place a ${size}-replica stream`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, url, stop };
}

async function answers(url: string): Promise<boolean> {
  try {
    const nc = await connect({ servers: url, timeout: 1000, reconnect: false });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Ready when a stream of `replicas` replicas can be placed (then removed): a meta leader alone is
 * not enough, since right after start the leader may not yet count every peer, and a suite's first
 * stream would fail with "no suitable peers for placement".
 */
async function jetStreamReady(url: string, replicas: number): Promise<boolean> {
  try {
    const nc = await connect({ servers: url.split(','), timeout: 1000, reconnect: false });
    try {
      const jsm = await nc.jetstreamManager({ timeout: 2000 });
      await jsm.getAccountInfo();
      const name = `LH_READY_PROBE_${process.pid}_${Date.now()}`;
      await jsm.streams.add({ name, subjects: [`lh.ready.probe.${name}`], num_replicas: replicas, storage: StorageType.Memory });
      await jsm.streams.delete(name);
      return true;
    } finally {
      await nc.close();
    }
  } catch {
    return false;
  }
}
