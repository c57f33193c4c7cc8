import { CONTEXT_HOOK_EVENTS, contextHookFailed, contextOutcome, isContextHook } from './context.hook';
import type { HookOutcome } from './hook-outcome';
import { preToolUseOutcome } from './pre-tool-use.hook';

/** Runs one hook event and exits with its outcome; an unexpected failure still decides (fail closed). */
export async function runHookCommand(event: string | undefined): Promise<void> {
  if (isContextHook(event)) return runContextHook(event);
  if (event !== 'pre-tool-use') {
    process.stderr.write(`lighthouse-mcp hook: unknown event ${JSON.stringify(event)}; supported: pre-tool-use, ${Object.keys(CONTEXT_HOOK_EVENTS).join(', ')}\n`);
    process.exit(64);
  }
  // Exit 1 would let Claude Code run the call: a surprise (a throw, or no outcome) blocks it instead.
  const failed = (why: string): HookOutcome => ({ exitCode: 2, stderr: `the Lighthouse hook failed, so the call is blocked: ${why}` });
  const outcome = await preToolUseOutcome(process.env, process.stdin)
    .then((answer): HookOutcome => (answer && (answer.exitCode === 0 || answer.exitCode === 2) ? answer : failed('no outcome')))
    .catch((error: unknown): HookOutcome => failed(error instanceof Error ? error.message : String(error)));
  await write(process.stdout, outcome.stdout);
  await write(process.stderr, outcome.stderr);
  process.exit(outcome.exitCode);
}

/** A context hook: drains its payload, answers from the local digest; any failure is silence (exit 0), never a block. */
async function runContextHook(event: Parameters<typeof contextOutcome>[0]): Promise<void> {
  let outcome: HookOutcome;
  try {
    await drain(process.stdin, 2_000);
    outcome = contextOutcome(event, process.env);
  } catch {
    outcome = contextHookFailed();
  }
  await write(process.stdout, outcome.stdout);
  process.exit(0);
}

/** Reads stdin to its end (Claude Code writes the payload there) or until `ms` pass; what it holds is not needed. */
function drain(stdin: NodeJS.ReadableStream, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    stdin.on('data', () => undefined);
    stdin.once('error', () => resolve());
    stdin.once('end', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function write(stream: NodeJS.WriteStream, text: string | undefined): Promise<void> {
  if (!text) return Promise.resolve();
  return new Promise((resolve) => stream.write(`${text}\n`, () => resolve()));
}
