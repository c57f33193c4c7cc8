import type { DecisionValue, Effect, SessionGrant, Tier, ValidationBasis, ValidationResult } from '@lighthouse/contracts';

/**
 * The gateway's answers as the hook reads them, without zod: ValidationResultSchema and
 * SessionGrantSchema checked by hand, field by field and strictly (an unknown field is not an
 * answer). hook-answers.spec.ts holds them to the contract: the same verdict as the schemas on
 * valid and mutated answers, and the same field names and enum values.
 */
export const DECISIONS: readonly DecisionValue[] = ['allow', 'deny', 'escalate'];
export const TIERS: readonly Tier[] = ['memory', 'shared', 'policy', 'pattern', 'expert', 'fallback', 'reservation'];
export const BASES: readonly ValidationBasis[] = ['rule', 'expert', 'no-risk-seen', 'pattern', 'fail-closed', 'default', 'dynamic-command', 'unknown-tool', 'reservation'];
export const EFFECT_KINDS: readonly Effect['kind'][] = ['read', 'write', 'delete', 'egress', 'exec', 'privilege', 'persistence', 'process', 'system', 'destroy'];
const MAX_EFFECTS = 64;

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$|^00000000-0000-0000-0000-000000000000$|^ffffffff-ffff-ffff-ffff-ffffffffffff$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

type Record_ = Record<string, unknown>;
type Check = (value: unknown) => boolean;

const isRecord = (value: unknown): value is Record_ => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (max = Infinity): Check => (v) => typeof v === 'string' && v.length <= max;
const oneOf = (values: readonly string[]): Check => (v) => typeof v === 'string' && values.includes(v);
const num = (min: number, max = Infinity): Check => (v) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const uuid: Check = (v) => typeof v === 'string' && UUID.test(v);
const nullable = (check: Check): Check => (v) => v === null || check(v);
const optional = (check: Check): Check => (v) => v === undefined || check(v);

/** Field checks of a strict object: every field listed, none other allowed. Answers the first problem, if any. */
function problemOf(value: unknown, fields: Readonly<Record<string, Check>>): string | undefined {
  if (!isRecord(value)) return '(answer): not an object';
  const extra = Object.keys(value).filter((key) => !(key in fields));
  if (extra.length > 0) return `unknown field ${extra[0]}`;
  const bad = Object.keys(fields).find((key) => !(fields[key] as Check)(value[key]));
  return bad === undefined ? undefined : `${bad}: not what the contract allows`;
}

// Typed by the contract's keys: a field added to a schema and not here fails the typecheck.
export const EFFECT_FIELDS: Record<keyof Effect, Check> = {
  kind: oneOf(EFFECT_KINDS),
  class: str(64),
  target: optional(str(1024)),
  via: optional(str(64)),
  risky: (v) => typeof v === 'boolean',
  command: str(4096),
  detail: optional(str(512)),
};

export const RESULT_FIELDS: Record<keyof ValidationResult, Check> = {
  decisionId: uuid,
  decision: oneOf(DECISIONS),
  tier: oneOf(TIERS),
  ruleId: nullable(str()),
  reason: str(),
  confidence: num(0, 1),
  latencyMs: num(0),
  delegationId: nullable(uuid),
  basis: oneOf(BASES),
  effects: (v) => Array.isArray(v) && v.length <= MAX_EFFECTS && v.every((effect) => problemOf(effect, EFFECT_FIELDS) === undefined),
  ruledBy: optional(nullable(str(128))),
  /** Only shown in a deny's reason, never acted on: an object is enough here. */
  reservation: optional(isRecord),
};

export const GRANT_FIELDS: Record<keyof SessionGrant, Check> = {
  agentId: (v) => typeof v === 'string' && /^[A-Za-z0-9_.@-]{1,128}$/.test(v),
  sessionId: (v) => typeof v === 'string' && /^[A-Za-z0-9_-]{22}$/.test(v),
  token: str(4096),
  tokenExpiresAt: (v) => typeof v === 'string' && ISO_DATETIME.test(v) && !Number.isNaN(Date.parse(v)),
  sessionExpiresAt: (v) => typeof v === 'string' && ISO_DATETIME.test(v) && !Number.isNaN(Date.parse(v)),
  idleTimeoutSeconds: (v) => Number.isInteger(v) && (v as number) >= 1,
  sessionKey: (v) => typeof v === 'string' && /^[A-Za-z0-9_-]{43}$/.test(v),
  audience: str(),
};

/** The answer of `POST /validate` if it is a decision by the contract; otherwise why not. */
export function readDecision(body: unknown): { result: ValidationResult } | { problem: string } {
  const problem = problemOf(body, RESULT_FIELDS);
  return problem === undefined ? { result: body as ValidationResult } : { problem };
}

/** The answer of `POST /sessions` or `/sessions/refresh` if it is a session grant by the contract; otherwise why not. */
export function readGrant(body: unknown): { grant: SessionGrant } | { problem: string } {
  const problem = problemOf(body, GRANT_FIELDS);
  return problem === undefined ? { grant: body as SessionGrant } : { problem };
}
