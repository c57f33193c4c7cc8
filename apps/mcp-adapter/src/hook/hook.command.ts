import { CONTEXT_HOOK_EVENTS, contextHookFailed, contextOutcome, type ContextHookName } from './context.hook';
import type { HookFailure } from './hook-failure';
import { readStdin, writeAllSync } from './hook-io';
import type { HookOutcome } from './hook-outcome';
import { PRE_TOOL_USE } from './pre-tool-use.hook';

/** What one run of a hook event gets: its stdin payload (read whole and bounded, or why not), the environment, the deadline. */
export interface HookInput {
  payload: Buffer | HookFailure;
  env: NodeJS.ProcessEnv;
  /** Epoch ms by which the hook must have answered. */
  deadline: number;
}

/**
 * One Claude Code hook event as a `lighthouse-mcp hook <name>` subcommand. To add one, write its
 * module beside pre-tool-use.hook.ts and list it in {@link HOOK_EVENTS}. Everything it imports
 * runs at every start of every hook: keep it free of zod, the MCP SDK and Nest
 * (bundle.int.spec.ts checks).
 */
export interface HookEvent {
  /** The event's own deadline; by default LIGHTHOUSE_HOOK_TIMEOUT_MS (40 s). */
  timeoutMs?: number;
  /** Decides; may throw, and may take until the deadline. */
  run(input: HookInput): Promise<HookOutcome>;
  /**
   * The answer when `run` fails in any way: a throw, an uncaught error, no answer by the
   * deadline. For an event that can block (exit 2), blocking is the safe side.
   */
  failed(why: string): HookOutcome;
}

/** A context hook (context.hook.ts): answers from the local digest whatever its payload; never blocks. */
const contextHook = (name: ContextHookName): HookEvent => ({
  timeoutMs: 2_000,
  run: async ({ env }) => contextOutcome(name, env),
  failed: contextHookFailed,
});

export const HOOK_EVENTS: Readonly<Record<string, HookEvent>> = {
  'pre-tool-use': PRE_TOOL_USE,
  ...Object.fromEntries(Object.keys(CONTEXT_HOOK_EVENTS).map((name) => [name, contextHook(name as ContextHookName)])),
};

/** Largest stdin payload a hook reads (Claude Code sends a Write's whole content). */
export const MAX_PAYLOAD_BYTES = 32 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 40_000;
/** What the hook gives itself past its deadline to write the "no decision" answer before the watchdog does. */
const WATCHDOG_GRACE_MS = 250;

/**
 * Runs one hook event and exits with its outcome. Nothing escapes as exit 1 (which Claude Code
 * takes as "run the call"): a throw, an uncaught error in a callback, a wrong outcome or a run
 * past the deadline exits with the event's `failed` answer.
 */
export async function runHookCommand(name: string | undefined): Promise<void> {
  const event = name !== undefined && Object.hasOwn(HOOK_EVENTS, name) ? HOOK_EVENTS[name] : undefined;
  if (!event) {
    writeAllSync(2, `lighthouse-mcp hook: unknown event ${JSON.stringify(name)}; supported: ${Object.keys(HOOK_EVENTS).join(', ')}\n`);
    process.exit(64);
  }
  const failed = (why: string) => finish(event.failed(why));
  process.on('uncaughtException', (error) => failed(`uncaught ${error instanceof Error ? error.message : String(error)}`));
  process.on('unhandledRejection', (error) => failed(`unhandled ${error instanceof Error ? error.message : String(error)}`));
  const timeoutMs = event.timeoutMs ?? hookTimeoutMs(process.env);
  const deadline = Date.now() + timeoutMs;
  setTimeout(() => failed(`no answer within ${timeoutMs} ms`), timeoutMs + WATCHDOG_GRACE_MS);
  try {
    const payload = await readStdin(deadline, MAX_PAYLOAD_BYTES).catch((error: HookFailure) => error);
    const outcome = await event.run({ payload, env: process.env, deadline });
    if (outcome && (outcome.exitCode === 0 || outcome.exitCode === 2)) return finish(outcome);
    failed('no outcome');
  } catch (error) {
    failed(error instanceof Error ? error.message : String(error));
  }
}

function finish(outcome: HookOutcome): never {
  if (outcome.stdout) writeAllSync(1, `${outcome.stdout}\n`);
  if (outcome.stderr) writeAllSync(2, `${outcome.stderr}\n`);
  process.exit(outcome.exitCode);
}

/** The hook's deadline; a bad value is reported by the event's own configuration check, here it only falls back. */
function hookTimeoutMs(env: NodeJS.ProcessEnv): number {
  const value = Number(env['LIGHTHOUSE_HOOK_TIMEOUT_MS'] || DEFAULT_TIMEOUT_MS);
  return Number.isInteger(value) && value >= 500 && value <= 600_000 ? value : DEFAULT_TIMEOUT_MS;
}
