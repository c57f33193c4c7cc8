/**
 * Named moments inside the write and rotation paths where a test can crash the process
 * (see `EventLogOptions.faultHook`). Production code never installs a hook.
 */
export type FaultPoint =
  | 'before-write'
  | 'mid-write'
  | 'before-fsync'
  | 'after-fsync-before-ack'
  | 'mid-rotation'
  | 'compress-temp-written'
  | 'compress-renamed';

export const FAULT_POINTS: readonly FaultPoint[] = [
  'before-write',
  'mid-write',
  'before-fsync',
  'after-fsync-before-ack',
  'mid-rotation',
  'compress-temp-written',
  'compress-renamed',
];

/** Called at each fault point; a crash test kills the process from inside it. */
export type FaultHook = (point: FaultPoint) => void;
