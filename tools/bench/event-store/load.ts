/** Runs `concurrency` loops calling `op` until `seconds` pass; returns per-call latencies (ns). */
export async function closedLoop(concurrency: number, seconds: number, op: (worker: number, i: number) => Promise<unknown>): Promise<{ samples: number[]; elapsedS: number; errors: number }> {
  const samples: number[] = [];
  let errors = 0;
  const started = process.hrtime.bigint();
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; Date.now() < end; i++) {
        const t0 = process.hrtime.bigint();
        try {
          await op(worker, i);
          samples.push(Number(process.hrtime.bigint() - t0));
        } catch {
          errors++;
        }
      }
    }),
  );
  return { samples, elapsedS: Number(process.hrtime.bigint() - started) / 1e9, errors };
}

/**
 * Offers `rate` calls per second for `seconds`, spread over `agents` callers, whatever the
 * latency (open loop). Latency counts from when a call was due, not when it was sent, so a
 * stalled client cannot hide queueing (no coordinated omission).
 */
export async function openLoop(rate: number, seconds: number, agents: number, op: (agent: number) => Promise<unknown>): Promise<{ samples: number[]; elapsedS: number; errors: number; offered: number }> {
  const samples: number[] = [];
  const pending: Array<Promise<void>> = [];
  let errors = 0;
  let offered = 0;
  const started = process.hrtime.bigint();
  const intervalNs = 1e9 / rate;
  const total = Math.round(rate * seconds);
  while (offered < total) {
    const now = Number(process.hrtime.bigint() - started);
    const due = Math.min(total, Math.floor(now / intervalNs) + 1);
    for (; offered < due; offered++) {
      const dueAt = started + BigInt(Math.round(offered * intervalNs));
      pending.push(
        op(offered % agents).then(
          () => void samples.push(Number(process.hrtime.bigint() - dueAt)),
          () => void errors++,
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  return { samples, elapsedS: Number(process.hrtime.bigint() - started) / 1e9, errors, offered };
}
