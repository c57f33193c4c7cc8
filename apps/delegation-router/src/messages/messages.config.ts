import { z } from 'zod';

/** The router's message settings: each sender's quota, and how much history the router holds in memory. */
export const messagesConfigShape = {
  /** Messages a second one agent earns back (per router replica). */
  LH_MESSAGE_RATE_PER_SECOND: z.coerce.number().min(0.001).max(1000).default(1),
  /** Messages one agent may send at once after a quiet while. */
  LH_MESSAGE_BURST: z.coerce.number().int().min(1).max(10_000).default(30),
  /** Estimated bytes of messages the router holds in memory (the store keeps them all). */
  LH_MESSAGE_MEMORY_BYTES: z.coerce.number().int().min(1024 * 1024).max(16 * 1024 ** 3).default(128 * 1024 * 1024),
  /** Messages one inbox lists (the oldest read go first). */
  LH_MESSAGE_INBOX_MAX: z.coerce.number().int().min(10).max(100_000).default(1000),
  /** Messages older than this leave the router's memory. */
  LH_MESSAGE_RETENTION_S: z.coerce.number().int().min(60).max(365 * 24 * 3600).default(7 * 24 * 3600),
};

export const MessagesConfigSchema = z.object(messagesConfigShape);
export type MessagesConfig = z.infer<typeof MessagesConfigSchema>;
