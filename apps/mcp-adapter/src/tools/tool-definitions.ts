import { createHash } from 'node:crypto';
import {
  AgentIdSchema,
  CreateDelegationSchema,
  DelegationRequestSchemas,
  EventTypeSchema,
  ExpertRoleSchema,
  ExpertStatusSchema,
  RegisterExpertRequestSchema,
  RoleSchema,
  StreamIdSchema,
  ValidateRequestSchema,
} from '@lighthouse/contracts';
import { z } from 'zod';
import { MAX_READ_BYTES } from '../files/project-view';
import { MESSAGE_TOOL_INPUTS } from './message-tools';
import { RESERVATION_TOOL_INPUTS } from './reservation-tools';

/** Long polls stay under the 60 s an MCP client waits for a tool by default. */
export const MAX_WAIT_MS = 55_000;
const waitMs = z.number().int().min(0).max(MAX_WAIT_MS).default(25_000).describe('How long to wait, in milliseconds (at most 55000)');
const delegationId = z.uuid().describe('The delegation id');
const epoch = DelegationRequestSchemas.complete.shape.epoch.describe('The claim epoch next_delegation returned');
const { title, body, context, deadlineSeconds } = CreateDelegationSchema.shape;

/**
 * Every tool the adapter offers: name, description and input schema, the schema built from the
 * contracts so a tool accepts what the gateway does. They are constants of the build; their
 * hash (bridge status) tells which build an agent runs.
 */
export const TOOL_INPUTS = {
  status: {
    description: "Lighthouse bridge status: every service's health, who this agent is (agent id, session, token expiry), its expert registration and the hash of these tool definitions.",
    input: z.strictObject({}),
  },
  validate: {
    description:
      'Ask Lighthouse whether a tool call may run before running it: allow, deny or escalate (ask a human), with the tier that decided, the rule and the reason. Example: {"tool":"Bash","input":{"command":"rm -rf build"},"cwd":"/workspace"}.',
    input: ValidateRequestSchema,
  },
  register_expertise: {
    description: 'Register (or update) this agent as an expert of a role, e.g. security_architect, so delegations for that role come to it. Lasts as long as this session.',
    input: RegisterExpertRequestSchema,
  },
  list_experts: {
    description: 'Live experts, optionally of one role and status: who can take a delegation.',
    input: z.strictObject({
      role: ExpertRoleSchema.optional(),
      status: ExpertStatusSchema.optional(),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
  },
  delegate: {
    description:
      'Hand work to another agent: to any available expert of a role (role) or to one named agent (agent), exactly one of them. Returns the delegation (its id and state); use wait_for_result to get the result.',
    input: z.strictObject({
      role: RoleSchema.optional().describe('Any available expert of this role'),
      agent: AgentIdSchema.optional().describe('Or this one agent'),
      title,
      body: body.describe('What to do, in full'),
      context: context.describe('Structured context (JSON object)'),
      deadlineSeconds: deadlineSeconds.describe('Seconds until the delegation expires if nobody completes it'),
    }),
  },
  next_delegation: {
    description:
      "Wait for this agent's next delegation (as an expert, or addressed to it by name) and claim it. Returns the delegation and its claim epoch, which report_progress, complete_delegation and fail_delegation need; or null when none came in time.",
    input: z.strictObject({ waitMs }),
  },
  report_progress: {
    description: 'A progress note on a delegation this agent claimed; it also extends the claim.',
    input: z.strictObject({ delegationId, epoch, note: DelegationRequestSchemas.progress.shape.note }),
  },
  complete_delegation: {
    description: 'Complete a delegation this agent claimed, with its result (a JSON object). The requester receives it.',
    input: z.strictObject({ delegationId, epoch, result: DelegationRequestSchemas.complete.shape.result.describe('The result (JSON object)') }),
  },
  fail_delegation: {
    description: 'Give up on a delegation this agent claimed, with an error code and message. The requester receives them.',
    input: z.strictObject({ delegationId, epoch, ...DelegationRequestSchemas.fail.shape.error.shape }),
  },
  wait_for_result: {
    description: 'Wait for a delegation this agent made to finish; returns it with its result or error, or as it stands when the wait ends.',
    input: z.strictObject({ delegationId, waitMs }),
  },
  store_event: {
    description: 'Append an event to the shared, tamper-evident history, e.g. a decision or a finding, for other agents to query.',
    input: z.strictObject({
      type: EventTypeSchema.describe('What happened, <context>.<what_happened>, e.g. review.finding_reported'),
      stream: StreamIdSchema.describe('The stream it belongs to, e.g. review:auth-service'),
      data: z.record(z.string(), z.unknown()).describe('The event (JSON object)'),
    }),
  },
  query_events: {
    description: 'Read events from the shared history, oldest first, by stream, type, agent or time; page with fromSequence.',
    input: z.strictObject({
      stream: StreamIdSchema.optional(),
      type: EventTypeSchema.optional(),
      agent: AgentIdSchema.optional(),
      fromSequence: z.number().int().min(1).optional(),
      fromTime: z.iso.datetime().optional(),
      toTime: z.iso.datetime().optional(),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
  },
  list_files: {
    description:
      'List a folder of the shared project view: /current (the live project), /history (every version of a file), /shadows (experts notes), /agents, /delegations.',
    input: z.strictObject({ path: z.string().max(4096).default('/').describe('A folder of the view, e.g. /current/src') }),
  },
  read_file: {
    description: 'Read a file of the shared project view, e.g. /current/src/main.ts; large files in parts (offset, maxBytes).',
    input: z.strictObject({
      path: z.string().min(1).max(4096).describe('A file of the view, e.g. /current/README.md'),
      offset: z.number().int().min(0).default(0),
      maxBytes: z.number().int().min(1).max(MAX_READ_BYTES).default(64 * 1024),
    }),
  },
  ...MESSAGE_TOOL_INPUTS,
  ...RESERVATION_TOOL_INPUTS,
} as const;

export type ToolName = keyof typeof TOOL_INPUTS;
export type ToolInput<N extends ToolName> = z.infer<(typeof TOOL_INPUTS)[N]['input']>;

export interface ToolDefinition {
  name: ToolName;
  description: string;
  inputSchema: { type: 'object'; [key: string]: unknown };
}

export interface ToolDefinitions {
  tools: ToolDefinition[];
  /** SHA-256 (hex) of the JSON of `tools`. */
  hash: string;
}

/** Computed when the adapter is built (tools/build/build.mjs); undefined when run from source (tests). */
declare const LIGHTHOUSE_TOOL_DEFINITIONS: ToolDefinitions | undefined;
let definitions: ToolDefinitions | undefined;

/** The tools as `tools/list` answers them, and the hash of exactly that list. */
export function toolDefinitions(): ToolDefinitions {
  definitions ??= typeof LIGHTHOUSE_TOOL_DEFINITIONS === 'undefined' ? computeToolDefinitions() : LIGHTHOUSE_TOOL_DEFINITIONS;
  return definitions;
}

/** The definitions from the schemas above: JSON Schema of each tool's input, hashed. */
export function computeToolDefinitions(): ToolDefinitions {
  const tools = Object.entries(TOOL_INPUTS).map(([name, { description, input }]) => {
    const { $schema: _drop, ...schema } = z.toJSONSchema(input, { io: 'input' }) as Record<string, unknown>;
    return { name: name as ToolName, description, inputSchema: { ...schema, type: 'object' as const } };
  });
  return { tools, hash: createHash('sha256').update(JSON.stringify(tools)).digest('hex') };
}

export const isToolName = (name: string): name is ToolName => Object.hasOwn(TOOL_INPUTS, name);
