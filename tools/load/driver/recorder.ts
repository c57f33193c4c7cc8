/** One measured operation: when it started (ms since the run began), how long it took, how it ended. */
export interface Sample {
  op: string;
  t: number;
  ms: number;
  status: number;
  /** The error code of the body (`RATE_LIMITED`, …) or the failure without an answer. */
  code?: string;
}

/**
 * Everything a run measured, kept as plain samples (a 1000-agent minute is some tens of
 * thousands): the summary, the series and the percentile curves are all computed from them.
 */
export class Recorder {
  readonly samples: Sample[] = [];
  /** Validation answers by kind, as `decision/tier`: shows which tier answered each kind. */
  readonly decisions: Record<string, Record<string, number>> = {};
  private readonly began = performance.now();

  /** Milliseconds since the run began. */
  now(): number {
    return performance.now() - this.began;
  }

  /** Times `run` as `op`, recording the answer's status and error code. */
  async time<R extends { status: number; body: unknown; failure?: string }>(op: string, run: () => Promise<R>): Promise<R> {
    const t = this.now();
    const reply = await run();
    this.add(op, t, this.now() - t, reply.status, codeOf(reply));
    return reply;
  }

  add(op: string, t: number, ms: number, status: number, code?: string): void {
    this.samples.push(code === undefined ? { op, t, ms, status } : { op, t, ms, status, code });
  }

  decided(kind: string, decision: string, tier: string): void {
    const byKind = (this.decisions[kind] ??= {});
    const key = `${decision}/${tier}`;
    byKind[key] = (byKind[key] ?? 0) + 1;
  }
}

/** The error code of an answer: the body's `code`, or the failure when there was no answer. */
export function codeOf(reply: { status: number; body: unknown; failure?: string }): string | undefined {
  if (reply.failure) return reply.failure.slice(0, 80);
  if (reply.status < 400) return undefined;
  const code = (reply.body as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
