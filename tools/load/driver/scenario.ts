import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The scenario description (tools/load/scenarios.json) as a schema: the k6 script reads the same
 * file with `open()`, so this is the one place the mix, the commands and the targets live.
 */
const ToolCallSchema = z.strictObject({ tool: z.string().min(1), input: z.record(z.string(), z.unknown()) });
export type ToolCall = z.infer<typeof ToolCallSchema>;

export const VALIDATE_KINDS = ['repeat', 'new', 'dangerous', 'escalate'] as const;
export type ValidateKind = (typeof VALIDATE_KINDS)[number];

const MixEntrySchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('validate'), kind: z.enum(VALIDATE_KINDS), weight: z.number().positive(), expect: z.array(z.number().int()) }),
  z.strictObject({ action: z.enum(['delegate', 'list_experts', 'list_delegations', 'get_gone_delegation']), weight: z.number().positive(), expect: z.array(z.number().int()) }),
]);
export type MixEntry = z.infer<typeof MixEntrySchema>;

const OperationSchema = z.object({ method: z.string(), route: z.string(), longPoll: z.boolean().optional(), derived: z.boolean().optional() });

const TargetSchema = z.object({
  id: z.string(),
  title: z.string(),
  ops: z.union([z.array(z.string()).min(1), z.literal('every-gateway-call')]).optional(),
  source: z.enum(['event-store', 'errors', 'memory']).optional(),
  stat: z.enum(['p50', 'p95', 'p99']).optional(),
  maxMs: z.number().positive().optional(),
  max: z.number().min(0).optional(),
});
export type Target = z.infer<typeof TargetSchema>;

const Weighted = <T extends z.ZodRawShape>(shape: T) => z.object({ ...shape, weight: z.number().positive() });

export const ScenarioSchema = z.object({
  version: z.literal(1),
  profiles: z.record(z.string(), z.object({ agents: z.number().int().min(1), duration: z.string() })),
  agents: z.object({
    idPrefix: z.string().regex(/^[a-z][a-z0-9-]*$/),
    expertShare: z.number().min(0).max(1),
    expertRoles: z.array(z.string()).min(1),
    expertCapacity: z.number().int().min(1),
    rampUpSeconds: z.number().min(0),
    heartbeatSeconds: z.number().positive(),
    thinkSeconds: z.object({ min: z.number().min(0), max: z.number().min(0) }),
    expertPollMs: z.number().int().min(0).max(60_000),
    delegationWaitMs: z.number().int().min(0).max(60_000),
    cwd: z.string(),
  }),
  mix: z.array(MixEntrySchema).min(1),
  commands: z.record(z.enum(VALIDATE_KINDS), z.array(ToolCallSchema).min(1)),
  delegation: z.object({ targets: z.array(Weighted({ role: z.string() })).min(1), title: z.string(), body: z.string(), deadlineSeconds: z.number().int().min(1) }),
  operations: z.record(z.string(), OperationSchema),
  baselineProbePerSecond: z.number().min(0),
  targets: z.array(TargetSchema).min(1),
  memoryLimitsMiB: z.record(z.string(), z.number().positive()),
});
export type Scenario = z.infer<typeof ScenarioSchema>;

/** tools/load/scenarios.json, checked. `root` is the repository root. */
export function loadScenario(root: string): Scenario {
  return ScenarioSchema.parse(JSON.parse(readFileSync(join(root, 'tools', 'load', 'scenarios.json'), 'utf8')));
}

/** One of `items` by weight, for `u` uniform in [0, 1). */
export function pickWeighted<T extends { weight: number }>(items: readonly T[], u: number): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let left = u * total;
  for (const item of items) {
    left -= item.weight;
    if (left < 0) return item;
  }
  return items[items.length - 1] as T;
}

/** A copy of `value` with every `{n}` in its strings replaced by `n`. */
export function fillTemplate<T>(value: T, n: string): T {
  if (typeof value === 'string') return value.split('{n}').join(n) as T;
  if (Array.isArray(value)) return value.map((v) => fillTemplate(v, n)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillTemplate(v, n)])) as T;
  return value;
}

/** The operation a mix step is measured as. */
export function operationOf(entry: MixEntry): string {
  switch (entry.action) {
    case 'validate':
      return `validate.${entry.kind}`;
    case 'delegate':
      return 'delegation.create';
    case 'list_experts':
      return 'experts.list';
    case 'list_delegations':
      return 'delegations.list';
    case 'get_gone_delegation':
      return 'delegation.get_gone';
  }
}

/** How many of `agents` are experts (at least one when any share is set, so delegations have someone). */
export const expertCount = (scenario: Scenario, agents: number): number =>
  scenario.agents.expertShare === 0 ? 0 : Math.min(agents, Math.max(1, Math.round(agents * scenario.agents.expertShare)));

/** Seconds in a k6-style duration (`90s`, `2m`, `1m30s`, `500ms`). */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a duration: ${text} (e.g. 30s, 2m, 1m30s)`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 } as const;
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2] as keyof typeof unit], 0);
}

/** The gateway operations a latency target over "every gateway call" covers. */
export function gatewayOperations(scenario: Scenario): string[] {
  return Object.entries(scenario.operations)
    .filter(([name, op]) => !op.longPoll && !op.derived && !name.startsWith('baseline.'))
    .map(([name]) => name);
}

/** The operations a latency target covers. */
export const targetOperations = (scenario: Scenario, target: Target): string[] =>
  target.ops === 'every-gateway-call' ? gatewayOperations(scenario) : (target.ops ?? []);
