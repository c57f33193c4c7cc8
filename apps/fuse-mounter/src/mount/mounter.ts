import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceHealth } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import { EventStoreClient, type NatsBus } from '@lighthouse/transport';
import { ChunkCache } from '../content/chunk-cache';
import { ObjectChunkStore } from '../content/chunk-store';
import { ContentWriter } from '../content/content-writer';
import type { FuseConfig } from '../fuse-mounter.config';
import { ShadowSync } from '../sync/shadow-sync';
import { FsOperations } from './fs-operations';
import { fuseBinding, UNTIMED_CALLS, type FsOpTiming } from './fuse-binding';
import { clearStaleMount, fuseUnavailable, loadFuseNative, mount, type FuseBinding, type FuseLoader, type Mounted } from './mount-point';

type Phase = 'starting' | 'mounted' | 'synced' | 'stopped';

/**
 * The life of one pod's mount: clear a mount a killed predecessor left, catch up with the event
 * log, mount, follow; on stop, unmount. Until it can mount (or when FUSE is missing) it keeps
 * retrying and says why in its health. The native binding is loaded only when mounting (through
 * `loadBinding`), so with LH_FUSE_MOUNT=optional a machine without libfuse runs the rest, and
 * its health says `shared view not mounted: <reason>`.
 */
export class Mounter {
  /** Where each operation's time goes, when the service has metrics. */
  timing?: FsOpTiming;
  private phase: Phase = 'starting';
  private problem?: string;
  private sync?: ShadowSync;
  private cache?: ChunkCache;
  private ops?: FsOperations;
  private mounted?: Mounted;
  private running?: Promise<void>;
  private retry?: NodeJS.Timeout;
  private failures = 0;

  constructor(
    private readonly config: FuseConfig,
    private readonly bus: NatsBus,
    private readonly logger: Logger,
    private readonly requestTimeoutMs = 10_000,
    private readonly loadBinding: FuseLoader = loadFuseNative,
  ) {}

  /** Starts in the background (health answers meanwhile). */
  start(): void {
    this.running = this.attempt();
  }

  health(): Pick<ServiceHealth, 'status' | 'detail'> {
    const wanted = this.config.LH_FUSE_MOUNT;
    const ready = this.phase === 'mounted' || (this.phase === 'synced' && wanted !== 'required');
    return {
      status: ready ? 'up' : 'degraded',
      detail: {
        phase: this.phase,
        mountPoint: this.config.LH_FUSE_MOUNT_POINT,
        mounted: this.phase === 'mounted',
        ...(this.problem ? { problem: this.problem } : {}),
        ...(this.sync ? { sync: this.sync.stats, tree: this.sync.state.tree.totals } : {}),
        ...(this.cache ? { cache: this.cache.stats } : {}),
        ...(this.ops ? { openHandles: this.ops.openHandles } : {}),
      },
    };
  }

  /** Unmounts, stops following, drops unsaved spools. */
  async stop(): Promise<void> {
    this.phase = 'stopped';
    clearTimeout(this.retry);
    await this.running?.catch(() => undefined);
    if (this.mounted) {
      await this.mounted.unmount().catch((error: Error) => this.logger.error({ err: error }, 'unmount failed'));
      this.mounted = undefined;
    }
    this.sync?.stop();
    await this.ops?.closeAll();
    this.cache?.close();
  }

  private get stopped(): boolean {
    return this.phase === 'stopped';
  }

  private async attempt(): Promise<void> {
    try {
      // First of all: a mount a killed predecessor left answers ENOTCONN to every agent here.
      if (this.config.LH_FUSE_MOUNT !== 'off' && (await clearStaleMount(this.config.LH_FUSE_MOUNT_POINT))) {
        this.logger.warn({ mountPoint: this.config.LH_FUSE_MOUNT_POINT }, 'cleared a stale mount');
      }
      await this.prepare();
      if (this.stopped) return;
      this.phase = 'synced';
      if (this.config.LH_FUSE_MOUNT === 'off') return;
      const [binding, missing] = await this.fuse();
      if (missing && this.config.LH_FUSE_MOUNT === 'optional') {
        // Nothing will change that while we run: say so once, keep syncing, do not retry.
        this.problem = `shared view not mounted: ${missing}`;
        this.logger.warn({ problem: this.problem }, 'FUSE is not available here: following the event log without a mount');
        return;
      }
      if (missing || !binding) throw new Error(`shared view not mounted: ${missing}`);
      const ops = this.ops as FsOperations;
      this.mounted = await mount({
        binding,
        mountPoint: this.config.LH_FUSE_MOUNT_POINT,
        ops: fuseBinding(ops, this.logger, this.timing),
        opTimeoutMs: this.config.LH_FUSE_OP_TIMEOUT_MS,
        untimed: UNTIMED_CALLS,
      });
      if (this.stopped) return;
      this.phase = 'mounted';
      this.problem = undefined;
      this.logger.info({ mountPoint: this.mounted.mountPoint, lastSequence: this.sync?.state.lastSequence }, 'mounted');
    } catch (error) {
      this.problem = (error as Error).message;
      if (this.stopped) return;
      // Soon at first (the event store may be starting beside us), then every 5 s.
      const delay = Math.min(5000, 250 * 2 ** this.failures++);
      this.logger.warn({ err: error, phase: this.phase, retryInMs: delay }, 'fuse-mounter not ready; retrying');
      this.retry = setTimeout(() => (this.running = this.attempt()), delay);
    }
  }

  /** The native binding, or why there is none (it cannot load, or /dev/fuse is not usable). */
  private async fuse(): Promise<[FuseBinding | undefined, string | undefined]> {
    let binding: FuseBinding;
    try {
      binding = await this.loadBinding();
    } catch (error) {
      return [undefined, `the FUSE binding cannot load: ${(error as Error).message.split('\n')[0]}`];
    }
    const missing = await fuseUnavailable();
    return missing ? [undefined, missing] : [binding, undefined];
  }

  /** Cache, chunk store and the caught-up state (each made once, kept across retries). */
  private async prepare(): Promise<void> {
    if (this.ops) return;
    const dir = this.config.LH_FUSE_CACHE_DIR;
    const spoolDir = join(dir, 'spool');
    await rm(spoolDir, { recursive: true, force: true });
    await mkdir(spoolDir, { recursive: true });
    const store = await ObjectChunkStore.open(this.bus.streams, this.config.LH_FUSE_BUCKET, this.requestTimeoutMs);
    this.cache ??= await ChunkCache.open({ dir, maxBytes: this.config.LH_FUSE_CACHE_BYTES, store });
    const sync = new ShadowSync({
      bus: this.bus,
      store: new EventStoreClient(this.bus, this.requestTimeoutMs),
      agent: this.config.LH_FUSE_AGENT,
      logger: this.logger,
      publicStreams: this.config.LH_PUBLIC_STREAMS.split(',').map((part) => part.trim()).filter(Boolean),
    });
    try {
      await sync.start();
    } catch (error) {
      sync.stop();
      throw error;
    }
    this.sync = sync;
    this.ops = new FsOperations({ sync, cache: this.cache, writer: new ContentWriter(store, this.cache), spoolDir, logger: this.logger });
    this.logger.info({ lastSequence: sync.state.lastSequence, ...sync.state.tree.totals }, 'caught up with the event log');
  }
}
