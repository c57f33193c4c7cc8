import { LighthouseError } from '@lighthouse/contracts';

/** One problem found while loading a policy; `ruleId` names the rule when there is one. */
export interface PolicyProblem {
  readonly ruleId?: string;
  readonly path: string;
  readonly message: string;
}

/**
 * A policy document is malformed: bad YAML, an unknown key or tool, a regex RE2 cannot compile,
 * or a rule that can never match. Every problem is listed; nothing is silently skipped.
 */
export class PolicyLoadError extends LighthouseError {
  constructor(
    readonly problems: readonly PolicyProblem[],
    options?: { cause?: unknown },
  ) {
    super('VALIDATION_FAILED', `invalid policy: ${problems.map(formatProblem).join('; ')}`, options);
    this.name = 'PolicyLoadError';
  }
}

function formatProblem(problem: PolicyProblem): string {
  const where = problem.ruleId ? `rule '${problem.ruleId}' (${problem.path})` : problem.path || 'document';
  return `${where}: ${problem.message}`;
}
