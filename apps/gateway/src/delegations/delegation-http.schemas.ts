import { DelegationRequestSchemas as R, DelegationStateSchema } from '@lighthouse/contracts';
import { z } from 'zod';

/** HTTP bodies and query strings of the delegation routes (the actor and id come from the token and path). */
export const ProgressBodySchema = R.progress.omit({ actor: true, id: true });
export const CompleteBodySchema = R.complete.omit({ actor: true, id: true });
export const FailBodySchema = R.fail.omit({ actor: true, id: true });
export const CancelBodySchema = R.cancel.omit({ actor: true, id: true });

const waitMs = z.coerce.number().int().min(0).max(60_000).default(25_000);
export const WaitQuerySchema = z.strictObject({ waitMs });
export const ListQuerySchema = z.strictObject({
  scope: z.enum(['mine', 'assigned', 'all']).default('mine'),
  state: DelegationStateSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().min(1).max(200).optional(),
});
