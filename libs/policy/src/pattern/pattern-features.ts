import type { NormalisedCommand, NormalisedEnv, NormalisedToolCall } from '../normalised.schema';
import { subjectsOf, type PathRef } from '../policy/subject';
import { SHELLS } from '../shell/wrapper-specs';

const SYSTEM_DIRS = /^\/(usr|bin|sbin|lib\w*|boot|opt|var|srv|sys|run|mnt|media)(\/|$)/;
const SHORT_WORD = /^[A-Za-z0-9][\w.:@+-]{0,23}$/;

/**
 * Features of a normalised call for the pattern model: program, subcommand, canonical flags,
 * wrappers, pipe-into-shell, redirection and path classes (workspace, tmp, home dotfiles,
 * system, device…) and short argument tokens. Sorted and unique, so equal calls give equal lists.
 */
export function extractFeatures(call: NormalisedToolCall): string[] {
  const out = new Set<string>([`tool:${call.tool}`]);
  if (call.failure) out.add(`failure:${call.failure.kind}`);
  for (const subject of subjectsOf(call, false)) {
    if (subject.command) commandFeatures(subject.command, out);
    else if (call.file) out.add(`file:${call.file.access}`).add(`ext:${extension(call.file.path)}`);
    for (const ref of subject.paths) out.add(`path:${pathClass(ref, call.env)}`);
    for (const ref of subject.writes) out.add(`write:${pathClass(ref, call.env)}`);
  }
  return [...out].sort();
}

function commandFeatures(cmd: NormalisedCommand, out: Set<string>): void {
  const program = cmd.dynamicProgram ? '$dynamic' : cmd.program || '(assign)';
  out.add(`prog:${program}`);
  if (cmd.subcommand !== undefined) out.add(`sub:${program} ${cmd.subcommand}`);
  for (const flag of cmd.flags) out.add(`flag:${program} ${flag.split('=')[0] ?? flag}`);
  for (const flag of cmd.globalFlags) out.add(`gflag:${program} ${flag.split('=')[0] ?? flag}`);
  for (const wrapper of cmd.viaWrapper) out.add(`wrap:${wrapper}`);
  for (const target of cmd.pipedTo) out.add(SHELLS.has(target) ? 'pipe:to-shell' : `pipe:to ${target}`);
  for (const source of cmd.pipedFrom) out.add(`pipe:from ${source}`);
  for (const redirect of cmd.redirects) out.add(`redir:${redirect.op}`);
  for (const arg of cmd.positionals.slice(0, 4)) if (SHORT_WORD.test(arg) && !/^\d+$/.test(arg)) out.add(`tok:${program} ${arg}`);
  if (cmd.inSubstitution) out.add('in-substitution');
  if (cmd.unresolved) out.add('unresolved');
}

/** Coarse class of a path: where it is relative to the workspace, tmp, home and the system. */
export function pathClass(ref: PathRef, env: NormalisedEnv): string {
  const path = ref.resolved;
  if (path === undefined) return 'unknown';
  if (path === '/') return 'root';
  if (inside(path, env.workspaceRoot)) return path.split('/').includes('.git') ? 'workspace-git' : 'workspace';
  if (env.tmpDirs.some((tmp) => inside(path, tmp))) return 'tmp';
  if (inside(path, env.homeDir)) return path.slice(env.homeDir.length + 1).startsWith('.') ? 'home-dotfile' : 'home';
  if (path.startsWith('/dev/')) return 'device';
  if (path.startsWith('/proc/')) return 'proc';
  if (path === '/etc' || path.startsWith('/etc/')) return 'etc';
  return SYSTEM_DIRS.test(path) ? 'system' : 'outside';
}

function inside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

function extension(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : base.startsWith('.') ? 'dotfile' : 'none';
}
