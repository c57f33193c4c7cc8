/** What one closed loop measured. */
export interface LoopRun {
  samples: number[];
  elapsedS: number;
  errors: number;
}

/** Runs `concurrency` loops calling `op` until `seconds` pass; returns per-call latencies (ns). */
export async function closedLoop(concurrency: number, seconds: number, op: (worker: number, i: number) => Promise<unknown>): Promise<LoopRun> {
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
