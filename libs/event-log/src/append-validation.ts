import { AppendRequestSchema } from '@lighthouse/contracts';
import type { z } from 'zod';
import type { AppendInput } from './append-types';
import { quickCheckedAppend } from './append-check';
import { InvalidInputError } from './errors/invalid-input.error';

/** Checks an append (quick path, else the schema) and that its events share one stream and have distinct ids. */
export function validateAppend(input: AppendInput): AppendInput {
  const checked = quickCheckedAppend(input) ?? parseAppend(input);
  const { events } = checked;
  if (events.length === 1) return checked;
  const stream = events[0]?.stream;
  if (events.some((event) => event.stream !== stream)) {
    throw new InvalidInputError('all events of one append must belong to the same stream');
  }
  if (new Set(events.map((event) => event.id)).size !== events.length) {
    throw new InvalidInputError('an append must not carry the same event id twice');
  }
  return checked;
}

/** The schema's verdict (and its words) on what the quick check was not sure of. */
function parseAppend(input: AppendInput): AppendInput {
  const parsed = AppendRequestSchema.safeParse(input);
  if (!parsed.success) throw new InvalidInputError(`invalid append: ${describeIssues(parsed.error)}`, { cause: parsed.error });
  return parsed.data;
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}
