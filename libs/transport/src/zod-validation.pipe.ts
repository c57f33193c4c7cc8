import type { PipeTransform } from '@nestjs/common';
import { LighthouseError, describeIssues } from '@lighthouse/contracts';
import type { z } from 'zod';

/** Validates a message payload against its contract schema; only typed values pass inward. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    throw new LighthouseError('VALIDATION_FAILED', describeIssues(parsed.error.issues));
  }
}

export { describeIssues };
