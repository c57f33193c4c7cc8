import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@lighthouse/observability';
import { buildServices, freePort, spawnService, startNats, uniqueName, waitFor, type BuiltServices, type NatsHandle, type ServiceProcess } from '@lighthouse/testing';
import { EventStoreClient, NatsBus } from '@lighthouse/transport';
import type { FuseConfig } from '../fuse-mounter.config';
import { startEventStore, mountsUnder } from '../testing/process-stack';
import type { FuseLoader } from './mount-point';
import { Mounter } from './mounter';

// A machine without libfuse 2: the native binding cannot load. With LH_FUSE_MOUNT=optional the
// mounter must still come up (catch up, follow, answer health) and say why it did not mount.
// Real NATS and the built event store; only the binding's loader is pointed at a module that throws.
const MISSING_LIBFUSE = join(__dirname, '..', 'testing', 'missing-libfuse.js');
const brokenLoader: FuseLoader = () => import(MISSING_LIBFUSE);
const REASON = 'shared view not mounted: the FUSE binding cannot load: libfuse.so.2: cannot open shared object file: No such file or directory';

describe('the fuse-mounter without libfuse (the binding cannot load)', () => {
  let nats: NatsHandle;
  let services: BuiltServices;
  let store: ServiceProcess;
  let bus: NatsBus;
  let dir: string;

  beforeAll(async () => {
    [services, nats] = await Promise.all([buildServices({ apps: ['event-store', 'fuse-mounter'], tag: 'fuse-lazy' }), startNats()]);
    dir = mkdtempSync(join(tmpdir(), 'lh-fuse-lazy-'));
    bus = await NatsBus.connect({ servers: nats.url, name: 'fuse-lazy-test' });
    const client = new EventStoreClient(bus, 3000);
    store = await startEventStore(services.main('event-store'), nats.url, join(dir, 'events'), () => client.head());
  }, 90_000);

  afterAll(async () => {
    await bus?.close();
    await store?.stop();
    await nats?.stop();
    services?.remove();
    if (dir && mountsUnder(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  const config = (mode: FuseConfig['LH_FUSE_MOUNT']): FuseConfig => ({
    LH_FUSE_MOUNT: mode,
    LH_FUSE_MOUNT_POINT: join(dir, `mnt-${mode}`),
    LH_FUSE_CACHE_DIR: join(dir, `cache-${mode}`),
    LH_FUSE_CACHE_BYTES: 32 * 1024 * 1024,
    LH_PUBLIC_STREAMS: 'fs',
    LH_FUSE_BUCKET: uniqueName('lazy').replace(/[^A-Za-z0-9_-]/g, '-'),
    LH_FUSE_AGENT: `pod-${mode}`,
    LH_FUSE_OP_TIMEOUT_MS: 5000,
  });

  it('given LH_FUSE_MOUNT=optional, when started, then it syncs, health is up and says why the view is not mounted', async () => {
    const mounter = new Mounter(config('optional'), bus, createLogger('fuse-lazy', 'silent'), 3000, brokenLoader);
    mounter.start();
    try {
      await waitFor(() => mounter.health().detail?.['phase'] === 'synced' && mounter.health().detail?.['problem'] !== undefined, 20_000, 'the mounter to catch up');
      expect(mounter.health()).toMatchObject({ status: 'up', detail: { phase: 'synced', mounted: false, problem: REASON } });
      expect(mountsUnder(dir)).toEqual([]);
    } finally {
      await mounter.stop();
    }
  }, 30_000);

  it('given LH_FUSE_MOUNT=required, when started, then health is degraded with the same reason, and it keeps running', async () => {
    const mounter = new Mounter(config('required'), bus, createLogger('fuse-lazy', 'silent'), 3000, brokenLoader);
    mounter.start();
    try {
      await waitFor(() => mounter.health().detail?.['problem'] !== undefined, 20_000, 'the mounter to report its problem');
      expect(mounter.health()).toMatchObject({ status: 'degraded', detail: { mounted: false, problem: REASON } });
    } finally {
      await mounter.stop();
    }
  }, 30_000);

  it('given the built fuse-mounter whose fuse-native cannot load, when started optional, then it serves and logs the reason instead of crashing', async () => {
    const cfg = config('optional');
    const port = await freePort();
    let mounter: ServiceProcess | undefined;
    try {
      mounter = spawnService({
        name: 'fuse-mounter',
        main: services.main('fuse-mounter'),
        env: {
          NODE_OPTIONS: `--require ${join(__dirname, '..', 'testing', 'missing-libfuse.hook.js')}`,
          NATS_URL: nats.url,
          LH_OPS_PORT: String(port),
          ...Object.fromEntries(Object.entries(cfg).map(([k, v]) => [k, String(v)])),
          LH_FUSE_BUCKET: `${cfg.LH_FUSE_BUCKET}-p`,
        },
      });
      const started = mounter;
      await waitFor(() => started.output().includes('shared view not mounted'), 30_000, 'the mounter to say why it did not mount', () => started.exit());
      expect(started.output()).toContain(REASON);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect(started.exit()).toBeUndefined();
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${mounter?.output().slice(-3000)}`);
    } finally {
      await mounter?.stop();
    }
  }, 45_000);
});
