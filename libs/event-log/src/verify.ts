import type { FileSystemPort } from './fs-port';
import type { LogProblem } from './log-problem';
import { defaultCheckpointPath } from './checkpoint';
import { nodeFileSystem } from './fs-port';
import { Keyring, type KeyringInput } from './keyring';
import { scanLog } from './log-scanner';

/** The outcome of checking a log directory. */
export interface VerifyReport {
  /** True when nothing but recoverable crash leftovers (a torn tail, temp files) was found. */
  ok: boolean;
  segments: number;
  records: number;
  /** Last sequence of the verified prefix. */
  lastSequence: number;
  /** Hex HMAC of that record (64 zeros for an empty log). */
  chainHead: string;
  problems: LogProblem[];
  /** The signed checkpoint as read at the start of the scan, when its HMAC checked (see problems otherwise). */
  checkpoint?: { lastSequence: number; chainHead: string; keyId: number };
}

/** Where the checkpoint is, if not `<dir>/checkpoint`; the file-system port for tests. */
export interface VerifyOptions {
  checkpointPath?: string;
  fs?: FileSystemPort;
}

/** Checks a whole log directory (chain, segments, checkpoint) without modifying anything. */
export async function verifyLog(dir: string, keyring: KeyringInput | Keyring, options: VerifyOptions = {}): Promise<VerifyReport> {
  const scan = await scanLog({
    dir,
    checkpointPath: options.checkpointPath ?? defaultCheckpointPath(dir),
    keyring: Keyring.from(keyring),
    fs: options.fs ?? nodeFileSystem,
  });
  return {
    ok: scan.problems.every((problem) => problem.severity === 'recoverable'),
    segments: scan.segments.length,
    records: scan.records,
    lastSequence: scan.lastSequence,
    chainHead: scan.chainHead.toString('hex'),
    problems: scan.problems,
    ...(scan.checkpoint ? { checkpoint: { lastSequence: scan.checkpoint.lastSequence, chainHead: scan.checkpoint.chainHead.toString('hex'), keyId: scan.checkpoint.keyId } } : {}),
  };
}

/** A few lines for a terminal: the verdict, the counts, then one line per problem. */
export function formatVerifyReport(report: VerifyReport): string {
  const verdict = report.ok ? 'OK' : 'FAILED';
  const lines = [
    `event log ${verdict}: ${report.records} record(s) in ${report.segments} segment(s), last sequence ${report.lastSequence}`,
    `chain head ${report.chainHead}`,
  ];
  for (const problem of report.problems) {
    const sequence = problem.sequence === undefined ? '' : ` sequence ${problem.sequence}`;
    lines.push(`  [${problem.severity}] ${problem.kind} ${problem.segment} @${problem.offset}${sequence}: ${problem.message}`);
  }
  return lines.join('\n');
}
