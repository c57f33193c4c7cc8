import { hostname } from 'node:os';
import { AgentIdSchema } from '@lighthouse/contracts';
import { z } from 'zod';

const MiB = 1024 * 1024;

/** The fuse-mounter's own variables (on top of the shared NATS ones). */
export const fuseConfigShape = {
  /** Where the shared view is mounted. */
  LH_FUSE_MOUNT_POINT: z.string().min(1).default('/mnt/lighthouse'),
  /**
   * `required`: health is degraded while not mounted. `optional`: a machine without FUSE still
   * runs the mounter (sync, health up, mounted: false in the detail). `off`: never mounts.
   */
  LH_FUSE_MOUNT: z.enum(['required', 'optional', 'off']).default('required'),
  /** Local chunk cache and write spool (a pod's disk or tmpfs). */
  LH_FUSE_CACHE_DIR: z.string().min(1).default('/var/cache/lighthouse/fuse'),
  /** Bound of the chunk cache. */
  LH_FUSE_CACHE_BYTES: z.coerce.number().int().min(16 * MiB).default(1024 * MiB),
  /** JetStream object store bucket the pods share for file chunks. */
  LH_FUSE_BUCKET: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('lighthouse-fs'),
  /** Agent id this mounter's changes are recorded under. */
  /** Streams `/streams` shows besides the mount's own (the visibility rule of every event read). */
  LH_PUBLIC_STREAMS: z.string().regex(/^[A-Za-z0-9_.:\/*,\s-]*$/, 'comma-separated stream names or name* prefixes').default('fs'),
  LH_FUSE_AGENT: AgentIdSchema.default(`fuse-${hostname().replace(/[^A-Za-z0-9_.@-]/g, '-').slice(0, 100)}`),
  /** A filesystem call waiting on the network past this answers ETIMEDOUT (writes' commits excepted). */
  LH_FUSE_OP_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
};

export type FuseConfig = z.infer<z.ZodObject<typeof fuseConfigShape>>;
