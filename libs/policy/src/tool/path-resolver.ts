/** A path made absolute and canonical, or why it cannot be trusted. */
export type ResolvedPath = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

const PROCESS = /^(?:self|thread-self|\d+)$/;
const THROUGH_FD = /^\/(?:dev\/fd|proc\/(?:self|thread-self|\d+)\/fd)(?:\/|$)|^\/dev\/std(?:in|out|err)$/;
const TILDE = /^~([A-Za-z0-9_.-]*)(?=\/|$)/;
/** Already canonical: absolute, no empty, `.` or `..` segment, no trailing slash, not under /proc or /dev (their links and descriptors need the walk). */
const CANONICAL = /^(?!\/(?:proc|dev)(?:\/|$))(?:\/(?!\.\.?(?:\/|$))[^/]+)+$/;
/** A relative path of plain segments (no `~` first, no empty, `.` or `..` segment). */
const PLAIN_RELATIVE = /^(?![~/])(?!\.\.?(?:\/|$))[^/]+(?:\/(?!\.\.?(?:\/|$))[^/]+)*$/;

/**
 * Resolves `raw` the way the kernel would walk it, as far as a pure function can: `~` expanded,
 * relative to `cwd`, `.`/`..`/`//` collapsed segment by segment, and the `/proc/<pid>/root` and
 * `/proc/<pid>/cwd` links followed where they appear (so `/proc/self/root/etc/shadow` is
 * `/etc/shadow`). NUL bytes and paths through an open descriptor (`/dev/fd/3/…`,
 * `/proc/self/fd/…`) are refused: their target is unknowable here. Other symlinks cannot be seen.
 */
export function resolvePath(raw: string, base: { readonly cwd: string; readonly home: string }): ResolvedPath {
  if (raw.includes('\0')) return { ok: false, reason: 'path contains a NUL byte' };
  if (raw.trim() === '') return { ok: false, reason: 'empty path' };
  // Most paths agents write need no walk: already canonical, or plain segments under a canonical cwd.
  if (CANONICAL.test(raw)) return { ok: true, path: raw };
  if (PLAIN_RELATIVE.test(raw) && CANONICAL.test(base.cwd)) {
    const joined = `${base.cwd}/${raw}`;
    if (CANONICAL.test(joined)) return { ok: true, path: joined };
  }
  const expanded = raw.replace(TILDE, (_, user: string) => homeOf(user, base.home));
  // A relative path is walked from / through the cwd's own segments, so a cwd inside a /proc link (`cd /proc/self/root`) is followed too.
  const cwd = segments(base.cwd);
  const steps = expanded.startsWith('/') ? segments(expanded) : [...cwd, ...segments(expanded)];
  const path = `/${walk([], steps, cwd).join('/')}`;
  if (THROUGH_FD.test(path)) return { ok: false, reason: `path '${raw}' goes through an open file descriptor` };
  return { ok: true, path };
}

function walk(start: readonly string[], steps: readonly string[], cwd: readonly string[]): string[] {
  let stack = [...start];
  for (const step of steps) {
    if (step === '..') stack.pop();
    else stack.push(step);
    if (stack.length === 3 && stack[0] === 'proc' && PROCESS.test(stack[1] ?? '')) {
      if (stack[2] === 'root') stack = [];
      else if (stack[2] === 'cwd') stack = [...cwd];
    }
  }
  return stack;
}

function segments(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '' && segment !== '.');
}

function homeOf(user: string, home: string): string {
  if (user === '') return home;
  return user === 'root' ? '/root' : `/home/${user}`;
}
