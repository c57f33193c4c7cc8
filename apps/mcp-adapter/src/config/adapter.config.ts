import { homedir } from 'node:os';
import { join } from 'node:path';
import { AgentIdSchema, CredentialSchema, ExpertRoleSchema, type RegisterExpertRequest } from '@lighthouse/contracts';
import { z } from 'zod';
import { identityOf as readIdentity } from '../hook/hook-config';

const PREFIX = 'LIGHTHOUSE_';
const ms = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const capability = z.string().regex(/^[A-Za-z0-9_.:/-]{1,64}$/, 'a capability is up to 64 of A-Z a-z 0-9 _ . : / -');

/**
 * Every variable the adapter reads. An unknown `LIGHTHOUSE_*` variable is a typo and stops the
 * start, like an `LH_*` typo stops a service.
 */
const AdapterEnvSchema = z.strictObject({
  /** The gateway, e.g. `http://127.0.0.1:8765` or `https://lighthouse.example.com`. */
  LIGHTHOUSE_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8765'),
  LIGHTHOUSE_AGENT_ID: AgentIdSchema.optional(),
  LIGHTHOUSE_CREDENTIAL: CredentialSchema.optional(),
  /** A file holding the credential (`lhc_…`), or the JSON `POST /admin/agents` answered; mode 0600. */
  LIGHTHOUSE_CREDENTIAL_FILE: z.string().min(1).optional(),
  /** The expert role this agent registers under when it starts (one registration per agent). */
  LIGHTHOUSE_ROLE: ExpertRoleSchema.optional(),
  LIGHTHOUSE_CAPACITY: z.coerce.number().int().min(1).max(1000).optional(),
  /** Comma-separated capabilities of the registration. */
  LIGHTHOUSE_CAPABILITIES: z.string().optional(),
  /** Where the shared project view (FUSE) is mounted. */
  LIGHTHOUSE_MOUNT: z.string().startsWith('/').default('/mnt/lighthouse'),
  /** Deadline of one gateway request (long polls get their wait on top). */
  LIGHTHOUSE_TIMEOUT_MS: ms(100, 120_000, 10_000),
  /** Deadline of connecting to the gateway. */
  LIGHTHOUSE_CONNECT_TIMEOUT_MS: ms(50, 60_000, 3_000),
  /** How often the session (and with it the agent's claims) is kept alive. */
  LIGHTHOUSE_HEARTBEAT_MS: ms(1_000, 600_000, 20_000),
  /** Deadline of one file operation on the shared view. */
  LIGHTHOUSE_FS_TIMEOUT_MS: ms(50, 120_000, 5_000),
  /** The hook's whole deadline (keep it under the hook timeout in .claude/settings.json). */
  LIGHTHOUSE_HOOK_TIMEOUT_MS: ms(500, 600_000, 40_000),
  /**
   * `allow`: a rule's or an expert's allow skips Claude Code's prompt, an allow on no risk seen
   * defers to Claude Code's own permission rules; `defer`: every allow defers; `always`: every
   * allow skips the prompt, no-risk-seen included.
   */
  LIGHTHOUSE_HOOK_ON_ALLOW: z.enum(['allow', 'defer', 'always']).default('allow'),
  /** Where the hook keeps its session grant (mode 0600). */
  LIGHTHOUSE_STATE_DIR: z.string().startsWith('/').optional(),
});
type AdapterEnv = z.infer<typeof AdapterEnvSchema>;

/** The names of every variable the adapter reads (the hook reads the same ones without zod: hook/hook-config.ts). */
export const ADAPTER_ENV_VARIABLES: readonly string[] = Object.keys(AdapterEnvSchema.shape);

export interface AdapterConfig {
  gatewayUrl: string;
  agentId: string;
  credential: string;
  /** What to register as when the session opens; null: not an expert until the agent says so. */
  expert: RegisterExpertRequest | null;
  mount: string;
  timeoutMs: number;
  connectTimeoutMs: number;
  heartbeatMs: number;
  fsTimeoutMs: number;
  hookTimeoutMs: number;
  hookOnAllow: 'allow' | 'defer' | 'always';
  stateDir: string;
}

/** Thrown when the environment cannot make a working adapter; lists every problem. */
export class AdapterConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid Lighthouse adapter configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'AdapterConfigError';
  }
}

export function loadAdapterConfig(env: NodeJS.ProcessEnv = process.env): AdapterConfig {
  const picked = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith(PREFIX) && value !== undefined && value !== ''));
  const parsed = AdapterEnvSchema.safeParse(picked);
  if (!parsed.success) throw new AdapterConfigError(parsed.error.issues.map(describeIssue));
  const vars = parsed.data;
  const identity = identityOf(vars);
  return {
    gatewayUrl: vars.LIGHTHOUSE_URL.replace(/\/+$/, ''),
    ...identity,
    expert: expertOf(vars),
    mount: vars.LIGHTHOUSE_MOUNT,
    timeoutMs: vars.LIGHTHOUSE_TIMEOUT_MS,
    connectTimeoutMs: vars.LIGHTHOUSE_CONNECT_TIMEOUT_MS,
    heartbeatMs: vars.LIGHTHOUSE_HEARTBEAT_MS,
    fsTimeoutMs: vars.LIGHTHOUSE_FS_TIMEOUT_MS,
    hookTimeoutMs: vars.LIGHTHOUSE_HOOK_TIMEOUT_MS,
    hookOnAllow: vars.LIGHTHOUSE_HOOK_ON_ALLOW,
    stateDir: vars.LIGHTHOUSE_STATE_DIR ?? join(env['XDG_STATE_HOME'] || join(homedir(), '.local', 'state'), 'lighthouse'),
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `${issue.keys.join(', ')}: unknown variable (known: ${Object.keys(AdapterEnvSchema.shape).join(', ')})`;
  return `${issue.path.join('.')}: ${issue.message}`;
}

/** The agent id and credential, read as the hook reads them (one reader for both). */
const identityOf = (vars: AdapterEnv) => readIdentity(vars, (problems) => new AdapterConfigError(problems));

function expertOf(vars: AdapterEnv): RegisterExpertRequest | null {
  if (!vars.LIGHTHOUSE_ROLE) {
    if (vars.LIGHTHOUSE_CAPACITY !== undefined || vars.LIGHTHOUSE_CAPABILITIES) {
      throw new AdapterConfigError(['LIGHTHOUSE_CAPACITY and LIGHTHOUSE_CAPABILITIES need LIGHTHOUSE_ROLE']);
    }
    return null;
  }
  const capabilities = (vars.LIGHTHOUSE_CAPABILITIES ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  const bad = capabilities.filter((c) => !capability.safeParse(c).success);
  if (bad.length > 0) throw new AdapterConfigError([`LIGHTHOUSE_CAPABILITIES: not capabilities: ${bad.join(', ')}`]);
  return { role: vars.LIGHTHOUSE_ROLE, capabilities, capacity: vars.LIGHTHOUSE_CAPACITY ?? 1, status: 'available' };
}
