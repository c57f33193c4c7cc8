import { writeSync } from 'node:fs';
import { HookFailure } from './hook-failure';

/**
 * All of stdin up to its end, refused when larger than `maxBytes` or not ended by `deadline`.
 * Through `process.stdin` (libuv, never a blocked thread): a plain `fs.read` of a pipe that
 * never ends blocks a thread-pool thread, and Node then cannot exit at the deadline.
 */
export function readStdin(deadline: number, maxBytes: number, stdin: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: HookFailure | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stdin.removeAllListeners('data');
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const timer = setTimeout(() => settle(new HookFailure('VALIDATION_FAILED', 'no hook payload on stdin in time')), Math.max(1, deadline - Date.now()));
    stdin.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) settle(new HookFailure('PAYLOAD_TOO_LARGE', `the hook payload is over ${maxBytes} bytes`));
      else chunks.push(chunk);
    });
    stdin.once('error', (error: Error) => settle(new HookFailure('VALIDATION_FAILED', `reading stdin: ${error.message}`)));
    stdin.once('end', () => settle(undefined));
  });
}

/** Writes all of `text` to a file descriptor (1, 2) synchronously, so that exiting next loses none of it. */
export function writeAllSync(fd: number, text: string): void {
  let rest = Buffer.from(text, 'utf8');
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return;
    }
  }
}
