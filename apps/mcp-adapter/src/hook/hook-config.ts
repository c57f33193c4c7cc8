import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AdapterConfig } from '../config/adapter.config';
import type { OnAllow } from './hook-outcome';

/**
 * The adapter's configuration as the hook needs it, read without zod (which alone would cost a
 * hook about as much as starting Node). It accepts and refuses exactly what
 * {@link loadAdapterConfig} does: hook-config.spec.ts runs both over the same environments and
 * checks the variable names against the adapter's schema.
 */
export type HookConfig = Pick<AdapterConfig, 'gatewayUrl' | 'agentId' | 'credential' | 'timeoutMs' | 'connectTimeoutMs' | 'hookTimeoutMs' | 'hookOnAllow' | 'stateDir'>;

/** Every variable the adapter reads (see adapter.config.ts). */
export const HOOK_KNOWN_VARIABLES = [
  'LIGHTHOUSE_URL',
  'LIGHTHOUSE_AGENT_ID',
  'LIGHTHOUSE_CREDENTIAL',
  'LIGHTHOUSE_CREDENTIAL_FILE',
  'LIGHTHOUSE_ROLE',
  'LIGHTHOUSE_CAPACITY',
  'LIGHTHOUSE_CAPABILITIES',
  'LIGHTHOUSE_MOUNT',
  'LIGHTHOUSE_TIMEOUT_MS',
  'LIGHTHOUSE_CONNECT_TIMEOUT_MS',
  'LIGHTHOUSE_HEARTBEAT_MS',
  'LIGHTHOUSE_FS_TIMEOUT_MS',
  'LIGHTHOUSE_HOOK_TIMEOUT_MS',
  'LIGHTHOUSE_HOOK_ON_ALLOW',
  'LIGHTHOUSE_STATE_DIR',
] as const;

const AGENT_ID = /^[A-Za-z0-9_.@-]{1,128}$/;
const CREDENTIAL = /^lhc_[A-Za-z0-9_-]{43}$/;
const ROLE = /^[a-z][a-z0-9_]{0,63}$/;
const CAPABILITY = /^[A-Za-z0-9_.:/-]{1,64}$/;
const ON_ALLOW: readonly OnAllow[] = ['allow', 'defer', 'always'];

/** The environment cannot make a working hook; lists every problem (the adapter's wording). */
export class HookConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid Lighthouse adapter configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'HookConfigError';
  }
}

type Vars = Partial<Record<(typeof HOOK_KNOWN_VARIABLES)[number], string>>;

export function loadHookConfig(env: NodeJS.ProcessEnv): HookConfig {
  const vars: Vars = {};
  const problems: string[] = [];
  const known = new Set<string>(HOOK_KNOWN_VARIABLES);
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('LIGHTHOUSE_') || value === undefined || value === '') continue;
    if (known.has(key)) vars[key as keyof Vars] = value;
    else unknown.push(key);
  }
  const check = (name: keyof Vars, ok: (value: string) => boolean, message: string) => {
    const value = vars[name];
    if (value !== undefined && !ok(value)) problems.push(`${name}: ${message}`);
  };
  const number = (name: keyof Vars, min: number, max: number, fallback: number): number => {
    const value = vars[name] === undefined ? fallback : Number(vars[name]);
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name}: an integer from ${min} to ${max}`);
    return value;
  };
  check('LIGHTHOUSE_URL', isHttpUrl, 'Invalid URL');
  check('LIGHTHOUSE_AGENT_ID', (v) => AGENT_ID.test(v), 'Invalid string: must match pattern /^[A-Za-z0-9_.@-]+$/');
  check('LIGHTHOUSE_CREDENTIAL', (v) => CREDENTIAL.test(v), 'a credential is lhc_ and 43 base64url characters');
  check('LIGHTHOUSE_ROLE', (v) => ROLE.test(v), 'a role is lower-case letters, digits and _, up to 64');
  check('LIGHTHOUSE_MOUNT', (v) => v.startsWith('/'), 'Invalid string: must start with "/"');
  check('LIGHTHOUSE_STATE_DIR', (v) => v.startsWith('/'), 'Invalid string: must start with "/"');
  check('LIGHTHOUSE_HOOK_ON_ALLOW', (v) => (ON_ALLOW as string[]).includes(v), 'Invalid option: expected one of "allow"|"defer"|"always"');
  if (vars.LIGHTHOUSE_CAPACITY !== undefined) number('LIGHTHOUSE_CAPACITY', 1, 1000, 1);
  const timeoutMs = number('LIGHTHOUSE_TIMEOUT_MS', 100, 120_000, 10_000);
  const connectTimeoutMs = number('LIGHTHOUSE_CONNECT_TIMEOUT_MS', 50, 60_000, 3_000);
  number('LIGHTHOUSE_HEARTBEAT_MS', 1_000, 600_000, 20_000);
  number('LIGHTHOUSE_FS_TIMEOUT_MS', 50, 120_000, 5_000);
  const hookTimeoutMs = number('LIGHTHOUSE_HOOK_TIMEOUT_MS', 500, 600_000, 40_000);
  if (unknown.length > 0) problems.push(`${unknown.join(', ')}: unknown variable (known: ${HOOK_KNOWN_VARIABLES.join(', ')})`);
  if (problems.length > 0) throw new HookConfigError(problems);
  const identity = identityOf(vars);
  checkExpert(vars);
  return {
    gatewayUrl: (vars.LIGHTHOUSE_URL ?? 'http://127.0.0.1:8765').replace(/\/+$/, ''),
    ...identity,
    timeoutMs,
    connectTimeoutMs,
    hookTimeoutMs,
    hookOnAllow: (vars.LIGHTHOUSE_HOOK_ON_ALLOW ?? 'allow') as OnAllow,
    stateDir: vars.LIGHTHOUSE_STATE_DIR ?? join(env['XDG_STATE_HOME'] || join(homedir(), '.local', 'state'), 'lighthouse'),
  };
}

function isHttpUrl(value: string): boolean {
  try {
    return /^https?$/.test(new URL(value).protocol.replace(/:$/, ''));
  } catch {
    return false;
  }
}

/** The variables the identity is read from (the adapter's checked environment fits too). */
type IdentityVars = { readonly LIGHTHOUSE_AGENT_ID?: string; readonly LIGHTHOUSE_CREDENTIAL?: string; readonly LIGHTHOUSE_CREDENTIAL_FILE?: string };
/** The error a caller throws for configuration problems (the hook's, or the adapter's own). */
type ConfigFailure = (problems: string[]) => Error;

/**
 * The agent id and credential: from the environment, or from the credential file. Without zod, so
 * the hook bundle stays small; the adapter reads its identity through this too.
 */
export function identityOf(vars: IdentityVars, fail: ConfigFailure = (problems) => new HookConfigError(problems)): { agentId: string; credential: string } {
  const fromFile = vars.LIGHTHOUSE_CREDENTIAL_FILE ? readCredentialFile(vars.LIGHTHOUSE_CREDENTIAL_FILE, fail) : {};
  if (vars.LIGHTHOUSE_CREDENTIAL && fromFile.credential) throw fail(['set LIGHTHOUSE_CREDENTIAL or LIGHTHOUSE_CREDENTIAL_FILE, not both']);
  const agentId = vars.LIGHTHOUSE_AGENT_ID ?? fromFile.agentId;
  const credential = vars.LIGHTHOUSE_CREDENTIAL ?? fromFile.credential;
  const problems: string[] = [];
  if (!agentId) problems.push('LIGHTHOUSE_AGENT_ID: required (or an agentId in LIGHTHOUSE_CREDENTIAL_FILE)');
  if (!credential) problems.push('LIGHTHOUSE_CREDENTIAL or LIGHTHOUSE_CREDENTIAL_FILE: required (the lhc_… credential an operator issued)');
  if (fromFile.agentId && vars.LIGHTHOUSE_AGENT_ID && fromFile.agentId !== vars.LIGHTHOUSE_AGENT_ID) {
    problems.push(`LIGHTHOUSE_AGENT_ID is ${vars.LIGHTHOUSE_AGENT_ID} but the credential file is for ${fromFile.agentId}`);
  }
  if (problems.length > 0 || !agentId || !credential) throw fail(problems);
  return { agentId, credential };
}

/** A credential file: the bare `lhc_…` string, or JSON with `credential` (and `agentId`). Owner-only. */
function readCredentialFile(path: string, fail: ConfigFailure): { agentId?: string; credential?: string } {
  let mode: number;
  let text: string;
  try {
    mode = statSync(path).mode;
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw fail([`LIGHTHOUSE_CREDENTIAL_FILE ${path}: ${(error as Error).message}`]);
  }
  if ((mode & 0o077) !== 0) throw fail([`LIGHTHOUSE_CREDENTIAL_FILE ${path}: readable by others; chmod 600 it`]);
  const parsed: unknown = text.startsWith('{') ? safeJson(text) : { credential: text };
  const file = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  const { agentId, credential } = file;
  const agentOk = agentId === undefined || (typeof agentId === 'string' && AGENT_ID.test(agentId));
  if (typeof credential !== 'string' || !CREDENTIAL.test(credential) || !agentOk) {
    throw fail([`LIGHTHOUSE_CREDENTIAL_FILE ${path}: not a credential (lhc_… or JSON with "credential")`]);
  }
  return { credential, ...(agentId === undefined ? {} : { agentId: agentId as string }) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The expert registration variables, checked as the adapter checks them (the hook does not register). */
function checkExpert(vars: Vars): void {
  if (!vars.LIGHTHOUSE_ROLE) {
    if (vars.LIGHTHOUSE_CAPACITY !== undefined || vars.LIGHTHOUSE_CAPABILITIES) {
      throw new HookConfigError(['LIGHTHOUSE_CAPACITY and LIGHTHOUSE_CAPABILITIES need LIGHTHOUSE_ROLE']);
    }
    return;
  }
  const capabilities = (vars.LIGHTHOUSE_CAPABILITIES ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  const bad = capabilities.filter((c) => !CAPABILITY.test(c));
  if (bad.length > 0) throw new HookConfigError([`LIGHTHOUSE_CAPABILITIES: not capabilities: ${bad.join(', ')}`]);
}
