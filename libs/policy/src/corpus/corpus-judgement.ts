import type { Decision } from '../engine/decision.schema';
import type { CorpusCase } from './corpus-case.schema';

/** One row as the held-out judging sees it: what was expected, what the validator answered. */
export interface Judgement {
  readonly id: string;
  readonly expect: CorpusCase['expect'];
  readonly got: Decision['decision'];
}

/** The judging view of a decided row. */
export function judge(row: CorpusCase, decision: Decision): Judgement {
  return { id: row.id, expect: row.expect, got: decision.decision };
}
