import type { SessionGrant, ValidateRequest, ValidationResult } from '@lighthouse/contracts';
import { GrantCache } from './grant-cache';
import { readDecision, readGrant } from './hook-answers';
import type { HookEvent, HookInput } from './hook.command';
import { HookConfigError, loadHookConfig, type HookConfig } from './hook-config';
import { HookFailure } from './hook-failure';
import { HookGateway } from './hook-gateway';
import { outcomeOfDecision, outcomeWithoutDecision, type HookOutcome } from './hook-outcome';

/** What Claude Code sends a PreToolUse hook on stdin (it may add fields: they are ignored). */
interface PreToolUsePayload {
  hook_event_name: 'PreToolUse';
  tool_name: string;
  tool_input: Record<string, unknown>;
  cwd?: string;
}

/** A cached token with less life than this left is refreshed first (the gateway checks it on arrival). */
const TOKEN_MARGIN_MS = 5_000;
/** Calls to the bridge's own MCP tools are authorized by the gateway itself. */
const OWN_TOOLS = /^mcp__lighthouse__/;

/**
 * `lighthouse-mcp hook pre-tool-use`: a Claude Code PreToolUse hook. Reads the tool call from
 * stdin, asks the gateway's `POST /validate` within the hook deadline and answers in the hooks
 * protocol. It always decides: when Lighthouse cannot, shell and write tools are blocked, and
 * when the hook itself fails, the call is blocked (exit 2).
 */
export const PRE_TOOL_USE: HookEvent = {
  run: preToolUseOutcome,
  failed: (why) => ({ exitCode: 2, stderr: `the Lighthouse hook failed, so the call is blocked: ${why}` }),
};

export async function preToolUseOutcome({ payload: bytes, env, deadline }: HookInput): Promise<HookOutcome> {
  let config: HookConfig | undefined;
  let configProblem: HookFailure | undefined;
  try {
    config = loadHookConfig(env);
  } catch (error) {
    configProblem = new HookFailure('VALIDATION_FAILED', error instanceof HookConfigError ? error.message : String(error));
  }
  const payload = bytes instanceof HookFailure ? bytes : payloadOf(bytes);
  if (payload instanceof HookFailure) return outcomeWithoutDecision('unknown', payload);
  if (OWN_TOOLS.test(payload.tool_name)) return { exitCode: 0 };
  if (!config) return outcomeWithoutDecision(payload.tool_name, configProblem as HookFailure);
  try {
    const result = await validate(config, requestOf(payload), deadline);
    return outcomeOfDecision(payload.tool_name, result, config.hookOnAllow, config.gatewayUrl);
  } catch (error) {
    const failure = error instanceof HookFailure ? error : new HookFailure('INTERNAL', (error as Error).message);
    return outcomeWithoutDecision(payload.tool_name, failure);
  }
}

const requestOf = (payload: PreToolUsePayload): ValidateRequest => ({
  tool: payload.tool_name,
  input: payload.tool_input,
  ...(payload.cwd ? { cwd: payload.cwd } : {}),
});

/** The decision, with the cached session (refreshed or replaced as needed), within the deadline. */
async function validate(config: HookConfig, request: ValidateRequest, deadline: number): Promise<ValidationResult> {
  const left = () => Math.max(1, deadline - Date.now());
  const gateway = new HookGateway(config.gatewayUrl, Math.min(config.connectTimeoutMs, left()));
  const cache = new GrantCache(config.stateDir, config.gatewayUrl, config.agentId);
  const fresh = async (): Promise<SessionGrant> => {
    const grant = grantOf(await gateway.openSession(config.agentId, config.credential, left()));
    cache.save(grant);
    return grant;
  };
  try {
    let grant = cache.load(TOKEN_MARGIN_MS) ?? (await refreshed(gateway, cache, left)) ?? (await fresh());
    try {
      return decisionOf(await gateway.signedPost(grant, '/validate', request, left()));
    } catch (error) {
      if (!(error instanceof HookFailure) || error.code !== 'UNAUTHENTICATED') throw error;
      grant = await fresh();
      return decisionOf(await gateway.signedPost(grant, '/validate', request, left()));
    }
  } catch (error) {
    throw error instanceof HookFailure && error.code === 'UNAUTHENTICATED'
      ? new HookFailure('UNAUTHENTICATED', `the gateway refused agent ${config.agentId}: ${error.message}; check LIGHTHOUSE_AGENT_ID and LIGHTHOUSE_CREDENTIAL`)
      : error;
  } finally {
    gateway.close();
  }
}

/** The gateway's answer read with the contract: anything else (`{}`, HTML, cut-off JSON) is no decision. */
function decisionOf(body: unknown): ValidationResult {
  const read = readDecision(body);
  if ('result' in read) return read.result;
  throw new HookFailure('INTERNAL', `the gateway's answer is not a decision (${read.problem})`);
}

function grantOf(body: unknown): SessionGrant {
  const read = readGrant(body);
  if ('grant' in read) return read.grant;
  throw new HookFailure('INTERNAL', `the gateway's answer is not a session grant (${read.problem})`);
}

/** A new token for a cached session whose token is about to expire; undefined when that fails. */
async function refreshed(gateway: HookGateway, cache: GrantCache, left: () => number): Promise<SessionGrant | undefined> {
  const old = cache.load(0);
  if (!old) return undefined;
  try {
    const grant = grantOf(await gateway.signedPost(old, '/sessions/refresh', undefined, left()));
    cache.save(grant);
    return grant;
  } catch {
    return undefined;
  }
}

/** Claude Code's PreToolUse payload, checked; anything else is a failure that says why. */
function payloadOf(bytes: Buffer): PreToolUsePayload | HookFailure {
  const fail = (why: string) => new HookFailure('VALIDATION_FAILED', `not a Claude Code PreToolUse payload: ${why}`);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return fail('(payload): not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('(payload): not an object');
  const p = value as Record<string, unknown>;
  const text = (v: unknown, min: number, max: number) => typeof v === 'string' && v.length >= min && v.length <= max;
  if (p['hook_event_name'] !== 'PreToolUse') return fail('hook_event_name: not PreToolUse');
  if (!text(p['tool_name'], 1, 256)) return fail('tool_name: a string of 1 to 256 characters');
  const input = p['tool_input'];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('tool_input: not an object');
  if (p['cwd'] !== undefined && !text(p['cwd'], 1, 4096)) return fail('cwd: a string of 1 to 4096 characters');
  for (const key of ['session_id', 'transcript_path']) if (p[key] !== undefined && typeof p[key] !== 'string') return fail(`${key}: not a string`);
  return { hook_event_name: 'PreToolUse', tool_name: p['tool_name'] as string, tool_input: input as Record<string, unknown>, ...(p['cwd'] === undefined ? {} : { cwd: p['cwd'] as string }) };
}
