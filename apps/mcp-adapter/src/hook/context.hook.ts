import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { contextToSay, DigestFiles } from '../inbox/context-digest';
import type { HookOutcome } from './hook-outcome';

/**
 * The context hooks: `post-tool-use` (after each tool call), `user-prompt-submit` (before a prompt
 * is handled) and `session-start`. Each adds to the model's context, as
 * `hookSpecificOutput.additionalContext`, what the adapter's event stream brought and the agent
 * has not been told yet: unread urgent messages, acknowledgements of its messages, delegations
 * waiting for it. They read a local file (no network), say each item once, and never block the
 * agent's work: any failure answers exit 0 with nothing (unlike pre-tool-use, which fails closed).
 */
export const CONTEXT_HOOK_EVENTS = {
  'post-tool-use': 'PostToolUse',
  'user-prompt-submit': 'UserPromptSubmit',
  'session-start': 'SessionStart',
} as const;
export type ContextHookName = keyof typeof CONTEXT_HOOK_EVENTS;

export const isContextHook = (name: string | undefined): name is ContextHookName => name !== undefined && Object.hasOwn(CONTEXT_HOOK_EVENTS, name);

/** Never blocks: a failure of a context hook is silence. */
export const contextHookFailed = (): HookOutcome => ({ exitCode: 0 });

export function contextOutcome(name: ContextHookName, env: NodeJS.ProcessEnv): HookOutcome {
  const identity = identityOf(env);
  if (!identity) return { exitCode: 0 };
  const files = new DigestFiles(identity.stateDir, identity.gatewayUrl, identity.agentId);
  const delivered = files.readDelivered();
  const say = contextToSay(files.readDigest(), delivered);
  if (!say) return { exitCode: 0 };
  files.writeDelivered([...delivered, ...say.keys]);
  return { exitCode: 0, stdout: JSON.stringify({ hookSpecificOutput: { hookEventName: CONTEXT_HOOK_EVENTS[name], additionalContext: say.text } }) };
}

const AGENT_ID = /^[A-Za-z0-9_.@-]{1,128}$/;

/** Gateway, agent and state directory as the adapter derives them (see adapter.config.ts); undefined when unknown. */
function identityOf(env: NodeJS.ProcessEnv): { gatewayUrl: string; agentId: string; stateDir: string } | undefined {
  const gatewayUrl = (env['LIGHTHOUSE_URL'] || 'http://127.0.0.1:8765').replace(/\/+$/, '');
  const agentId = env['LIGHTHOUSE_AGENT_ID'] || agentOfCredentialFile(env['LIGHTHOUSE_CREDENTIAL_FILE']);
  if (!agentId || !AGENT_ID.test(agentId)) return undefined;
  const stateDir = env['LIGHTHOUSE_STATE_DIR'] || join(env['XDG_STATE_HOME'] || join(homedir(), '.local', 'state'), 'lighthouse');
  return { gatewayUrl, agentId, stateDir };
}

function agentOfCredentialFile(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    const text = readFileSync(path, 'utf8').trim();
    const agentId = text.startsWith('{') ? (JSON.parse(text) as { agentId?: unknown }).agentId : undefined;
    return typeof agentId === 'string' ? agentId : undefined;
  } catch {
    return undefined;
  }
}
