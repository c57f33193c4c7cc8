import type { FollowerSnapshotConfig } from '@lighthouse/config';
import { z } from 'zod';

export const delegationRouterConfigShape = {
  /** How long an assigned expert has to claim before the delegation is given to another. */
  LH_DELEGATION_ASSIGN_LEASE_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** How long a claim lives without a heartbeat or a progress note. */
  LH_DELEGATION_CLAIM_LEASE_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** How often leases and deadlines are checked. */
  LH_DELEGATION_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** Streams every agent may read (as the gateway's): search shows their events to everyone. */
  LH_PUBLIC_STREAMS: z.string().max(2000).default('fs'),
  /** Documents the embedded search index holds (messages, delegations, agents' events); the oldest go first. */
  LH_SEARCH_MAX_DOCUMENTS: z.coerce.number().int().min(100).max(10_000_000).default(200_000),
  /** Estimated bytes the embedded search index holds (text kept and its terms); the oldest documents go first. */
  LH_SEARCH_MAX_BYTES: z.coerce.number().int().min(1024 * 1024).max(16 * 1024 ** 3).default(128 * 1024 * 1024),
};

export type DelegationRouterConfig = z.infer<z.ZodObject<typeof delegationRouterConfigShape>>;

/** How many finished delegations the router keeps in memory (older ones are read from the log when asked for). */
export const delegationRetentionShape = {
  /** Finished delegations kept, at most; the ones that finished first go first. */
  LH_DELEGATION_KEEP_FINISHED: z.coerce.number().int().min(100).max(10_000_000).default(10_000),
  /** Finished delegations kept at most this long after they finished (0: no time limit). */
  LH_DELEGATION_KEEP_FINISHED_MS: z.coerce.number().int().min(0).max(365 * 86_400_000).default(86_400_000),
};

/** What the router's followers take from the configuration besides the above (absent keys: their defaults). */
export type RouterFollowerConfig = Partial<z.infer<z.ZodObject<typeof delegationRetentionShape>> & FollowerSnapshotConfig>;
export const DELEGATION_ROUTER_CONFIG = Symbol('DELEGATION_ROUTER_CONFIG');
