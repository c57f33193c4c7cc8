import { MESSAGE_LIMITS, MessageImportanceSchema, MessageRequestSchemas as M } from '@lighthouse/contracts';
import { z } from 'zod';

/** HTTP query strings and bodies of the message routes (the actor comes from the token). */
const limit = z.coerce.number().int().min(1).max(MESSAGE_LIMITS.page).default(20);
const cursor = z.string().min(1).max(200).optional();
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const InboxQuerySchema = z.strictObject({ unread: flag.default(false), minImportance: MessageImportanceSchema.default('low'), limit, cursor });
export const ThreadQuerySchema = z.strictObject({ limit, cursor });
export const MarkReadBodySchema = M.markRead.omit({ actor: true });
export const AcknowledgeBodySchema = M.acknowledge.omit({ actor: true, id: true });
