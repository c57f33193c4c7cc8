import { LighthouseError, ValidationResultSchema, type SessionGrant, type ValidateRequest, type ValidationResult } from '@lighthouse/contracts';
import { z } from 'zod';
import { AdapterConfigError, loadAdapterConfig, type AdapterConfig } from '../config/adapter.config';
import { GatewayClient } from '../gateway/gateway.client';
import { HttpTransport } from '../gateway/http-transport';
import { GrantCache } from './grant-cache';
import { outcomeOfDecision, outcomeWithoutDecision, type HookOutcome } from './hook-outcome';

/** What Claude Code sends a PreToolUse hook on stdin (it may add fields: they are ignored). */
const PreToolUsePayloadSchema = z.object({
  hook_event_name: z.literal('PreToolUse'),
  tool_name: z.string().min(1).max(256),
  tool_input: z.record(z.string(), z.unknown()),
  cwd: z.string().min(1).max(4096).optional(),
  session_id: z.string().optional(),
  transcript_path: z.string().optional(),
});
type PreToolUsePayload = z.infer<typeof PreToolUsePayloadSchema>;

const MAX_PAYLOAD_BYTES = 32 * 1024 * 1024;
/** A cached token with less life than this left is refreshed first (the gateway checks it on arrival). */
const TOKEN_MARGIN_MS = 5_000;
/** Calls to the bridge's own MCP tools are authorized by the gateway itself. */
const OWN_TOOLS = /^mcp__lighthouse__/;

/**
 * `lighthouse-mcp hook pre-tool-use`: a Claude Code PreToolUse hook. Reads the tool call from
 * stdin, asks the gateway's `POST /validate` within the hook deadline and answers in the hooks
 * protocol. It always decides: when Lighthouse cannot, shell and write tools are blocked.
 */
export async function preToolUseOutcome(env: NodeJS.ProcessEnv, stdin: NodeJS.ReadableStream): Promise<HookOutcome> {
  let config: AdapterConfig | undefined;
  let configProblem: LighthouseError | undefined;
  try {
    config = loadAdapterConfig(env);
  } catch (error) {
    configProblem = new LighthouseError('VALIDATION_FAILED', error instanceof AdapterConfigError ? error.message : String(error));
  }
  const deadline = Date.now() + (config?.hookTimeoutMs ?? 40_000);
  const payload = await readPayload(stdin, deadline).catch((error: LighthouseError) => error);
  if (payload instanceof LighthouseError) return outcomeWithoutDecision('unknown', payload);
  if (OWN_TOOLS.test(payload.tool_name)) return { exitCode: 0 };
  if (!config) return outcomeWithoutDecision(payload.tool_name, configProblem as LighthouseError);
  try {
    const result = await validate(config, requestOf(payload), deadline);
    return outcomeOfDecision(payload.tool_name, result, config.hookOnAllow, config.gatewayUrl);
  } catch (error) {
    const failure = error instanceof LighthouseError ? error : new LighthouseError('INTERNAL', (error as Error).message);
    return outcomeWithoutDecision(payload.tool_name, failure);
  }
}

const requestOf = (payload: PreToolUsePayload): ValidateRequest => ({
  tool: payload.tool_name,
  input: payload.tool_input,
  ...(payload.cwd ? { cwd: payload.cwd } : {}),
});

/** The decision, with the cached session (refreshed or replaced as needed), within the deadline. */
async function validate(config: AdapterConfig, request: ValidateRequest, deadline: number): Promise<ValidationResult> {
  const left = () => Math.max(1, deadline - Date.now());
  const http = new HttpTransport(config.gatewayUrl, Math.min(config.connectTimeoutMs, left()));
  const gateway = new GatewayClient(http, config.timeoutMs);
  const cache = new GrantCache(config.stateDir, config.gatewayUrl, config.agentId);
  const fresh = async (): Promise<SessionGrant> => {
    const grant = await gateway.openSession(config.agentId, config.credential, { timeoutMs: left() });
    cache.save(grant);
    return grant;
  };
  try {
    let grant = cache.load(TOKEN_MARGIN_MS) ?? (await refreshed(gateway, cache, left)) ?? (await fresh());
    try {
      return decisionOf(await gateway.change<unknown>(grant, 'POST', '/validate', request, { timeoutMs: left() }));
    } catch (error) {
      if (!(error instanceof LighthouseError) || error.code !== 'UNAUTHENTICATED') throw error;
      grant = await fresh();
      return decisionOf(await gateway.change<unknown>(grant, 'POST', '/validate', request, { timeoutMs: left() }));
    }
  } catch (error) {
    throw error instanceof LighthouseError && error.code === 'UNAUTHENTICATED'
      ? new LighthouseError('UNAUTHENTICATED', `the gateway refused agent ${config.agentId}: ${error.message}; check LIGHTHOUSE_AGENT_ID and LIGHTHOUSE_CREDENTIAL`)
      : error;
  } finally {
    http.close();
  }
}

/** The gateway's answer read with the contract: anything else (`{}`, HTML, cut-off JSON) is no decision. */
function decisionOf(body: unknown): ValidationResult {
  const parsed = ValidationResultSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(answer)'}: ${issue.message}`).join('; ');
  throw new LighthouseError('INTERNAL', `the gateway's answer is not a decision (${issues})`);
}

/** A new token for a cached session whose token is about to expire; undefined when that fails. */
async function refreshed(gateway: GatewayClient, cache: GrantCache, left: () => number): Promise<SessionGrant | undefined> {
  const old = cache.load(0);
  if (!old) return undefined;
  try {
    const grant = await gateway.change<SessionGrant>(old, 'POST', '/sessions/refresh', undefined, { timeoutMs: left() });
    cache.save(grant);
    return grant;
  } catch {
    return undefined;
  }
}

function readPayload(stdin: NodeJS.ReadableStream, deadline: number): Promise<PreToolUsePayload> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (message: string) => reject(new LighthouseError('VALIDATION_FAILED', message));
    const timer = setTimeout(() => fail('no PreToolUse payload on stdin in time'), Math.max(1, deadline - Date.now()));
    stdin.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PAYLOAD_BYTES) fail(`the hook payload is over ${MAX_PAYLOAD_BYTES} bytes`);
      else chunks.push(chunk);
    });
    stdin.once('error', (error: Error) => fail(`reading stdin: ${error.message}`));
    stdin.once('end', () => {
      clearTimeout(timer);
      const parsed = PreToolUsePayloadSchema.safeParse(parseJson(Buffer.concat(chunks).toString('utf8')));
      if (parsed.success) resolve(parsed.data);
      else fail(`not a Claude Code PreToolUse payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    });
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
