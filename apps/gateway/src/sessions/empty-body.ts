import { z } from 'zod';

/** Routes that take no body accept none, or `{}`; anything in it is an unknown field. */
export const EmptyBodySchema = z.strictObject({}).optional();
