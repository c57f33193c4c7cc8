/** What an open-loop run measured. */
export interface OpenLoopRun {
  /** Latency from the due time, ns, by the tag the call answered with. */
  byTag: Map<string, number[]>;
  /** Every completed call's latency from its due time, ns. */
  all: number[];
  /** How late each call was handed to `op` after its due time (the generator's own lag), ns. */
  sendLagNs: number[];
  /** Failed calls by error message (numbers blanked). */
  errors: Map<string, number>;
  offered: number;
  completed: number;
  elapsedS: number;
  /** Completed calls per second over the run (until the last answer). */
  achievedPerS: number;
}

/**
 * Offers `rate` calls per second for `seconds`, whatever the latency (open loop). Latency counts
 * from when a call was due, not when it was sent, so a stalled generator cannot hide queueing
 * (no coordinated omission). `op` gets the call's number and due time (wall-clock ms) and answers
 * a tag to file the sample under (or nothing: tag `ok`), or throws (an error).
 */
export async function openLoop(rate: number, seconds: number, op: (i: number, dueWallMs: number) => Promise<string | void>): Promise<OpenLoopRun> {
  const run: OpenLoopRun = { byTag: new Map(), all: [], sendLagNs: [], errors: new Map(), offered: 0, completed: 0, elapsedS: 0, achievedPerS: 0 };
  const pending = new Set<Promise<void>>();
  const started = process.hrtime.bigint();
  const startedWallMs = performance.timeOrigin + performance.now();
  const intervalNs = 1e9 / rate;
  const total = Math.round(rate * seconds);
  while (run.offered < total) {
    const now = Number(process.hrtime.bigint() - started);
    const due = Math.min(total, Math.floor(now / intervalNs) + 1);
    for (; run.offered < due; run.offered++) {
      const dueAt = started + BigInt(Math.round(run.offered * intervalNs));
      run.sendLagNs.push(Number(process.hrtime.bigint() - dueAt));
      const call: Promise<void> = op(run.offered, startedWallMs + (run.offered * intervalNs) / 1e6).then(
        (tag) => record(run, tag || 'ok', Number(process.hrtime.bigint() - dueAt)),
        (error: Error) => void run.errors.set(errorKey(error), (run.errors.get(errorKey(error)) ?? 0) + 1),
      );
      pending.add(call);
      void call.finally(() => pending.delete(call));
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  run.elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  run.achievedPerS = Math.round(run.completed / run.elapsedS);
  return run;
}

function record(run: OpenLoopRun, tag: string, ns: number): void {
  run.all.push(ns);
  let list = run.byTag.get(tag);
  if (!list) run.byTag.set(tag, (list = []));
  list.push(ns);
  run.completed++;
}

/** An error as a tally key: its message with numbers blanked (timeouts name their milliseconds). */
export const errorKey = (error: Error): string => String(error?.message ?? error).replace(/\d+/g, 'N').slice(0, 120);

/** Failed calls of a run by error, as a plain object (for JSON). */
export const errorsOf = (run: OpenLoopRun): Record<string, number> => Object.fromEntries(run.errors);
