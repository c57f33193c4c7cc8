import type { ChainVerification } from '@lighthouse/contracts';
import type { VerifyReport } from '@lighthouse/event-log';

/** Runs one whole-log verification (the event-log's verifyLog, bound to the store's directory and keys). */
export type RunVerification = () => Promise<VerifyReport>;

export interface ChainVerifierOptions {
  run: RunVerification;
  /** A caller within this long of the last run gets that run's result. */
  minIntervalMs: number;
  /** Told the verdict of every run (the lh_event_chain_verified gauge). */
  onVerdict?: (ok: boolean) => void;
  now?: () => number;
}

const MAX_PROBLEMS = 20;

/**
 * The store's verification of its own log while it serves, read-only: at most one run at a time,
 * and at most one per interval however often it is asked (a verification reads the whole log).
 * A run that finds a problem is repeated once before it counts: the scan lists the segments before
 * it reads the checkpoint, so a rotation in between could show a checkpoint ahead of the scan.
 */
export class ChainVerifier {
  private lastRun?: { at: number; result: ChainVerification };
  private running?: Promise<ChainVerification>;
  private readonly now: () => number;

  constructor(private readonly options: ChainVerifierOptions) {
    this.now = options.now ?? Date.now;
  }

  latest(): Promise<ChainVerification> {
    if (this.lastRun && this.now() - this.lastRun.at < this.options.minIntervalMs) return Promise.resolve(this.lastRun.result);
    return this.verifyNow();
  }

  /** The last run's result (waits for the first run, or starts it, when there has been none). */
  last(): Promise<ChainVerification> {
    return this.lastRun ? Promise.resolve(this.lastRun.result) : this.verifyNow();
  }

  /** Runs a verification now (or joins the one running). */
  verifyNow(): Promise<ChainVerification> {
    this.running ??= this.runTwiceIfFailed().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runTwiceIfFailed(): Promise<ChainVerification> {
    const started = this.now();
    let report = await this.options.run();
    if (!report.ok) report = await this.options.run();
    const result = toVerification(report, new Date(this.now()).toISOString(), this.now() - started);
    this.lastRun = { at: this.now(), result };
    this.options.onVerdict?.(result.ok);
    return result;
  }
}

/** The wire answer of a report: the checkpoint as read, the first problems, bounded text. */
export function toVerification(report: VerifyReport, verifiedAt: string, durationMs: number): ChainVerification {
  const checkpointProblem = report.problems.find((problem) => problem.kind.startsWith('checkpoint_'));
  return {
    ok: report.ok,
    verifiedAt,
    durationMs,
    segments: report.segments,
    records: report.records,
    lastSequence: report.lastSequence,
    chainHead: report.chainHead,
    checkpoint: {
      authentic: report.checkpoint !== undefined,
      lastSequence: report.checkpoint?.lastSequence ?? null,
      chainHead: report.checkpoint?.chainHead ?? null,
      keyId: report.checkpoint?.keyId ?? null,
      ...(checkpointProblem ? { problem: checkpointProblem.message.slice(0, 256) } : {}),
    },
    problems: report.problems.slice(0, MAX_PROBLEMS).map((problem) => ({
      kind: problem.kind,
      severity: problem.severity,
      segment: problem.segment.slice(0, 256),
      offset: problem.offset,
      ...(problem.sequence === undefined ? {} : { sequence: problem.sequence }),
      message: problem.message.slice(0, 1024),
    })),
    problemCount: report.problems.length,
  };
}
