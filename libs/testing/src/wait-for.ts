/**
 * Polls `probe` until it resolves true or the deadline passes. A probe that throws counts as
 * "not yet"; the last error is named in the timeout message. `failed` names a reason to give up
 * at once (e.g. the process being waited for exited).
 */
export async function waitFor(probe: () => Promise<boolean> | boolean, timeoutMs: number, what: string, failed: () => string | undefined = () => undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const failure = failed();
    if (failure) throw new Error(`${what}: ${failure}`);
    try {
      if (await probe()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last: ${String(last)})` : ''}`);
}
