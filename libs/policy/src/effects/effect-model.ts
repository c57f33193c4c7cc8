import { MAX_REPLY_EFFECTS } from '@lighthouse/contracts';
import type { NormalisedCommand, NormalisedEnv, NormalisedToolCall } from '../normalised.schema';
import { ShellNormaliser } from '../shell/shell-normaliser';
import { controlEffects, forkBombNames, persistenceEffects, privilegeEffects } from './control-effects';
import { destructiveEffects } from './destructive-effects';
import { CommandScope, newLineState, type LineState } from './effect-context';
import type { Effect } from './effect.schema';
import { fileEffects, MALICIOUS, write } from './file-effects';
import { persistenceOf } from './path-classes';
import { inlineCodeEffects, inlineDataClass } from './inline-code';
import { dataClassOf, egressEffects, execEffects, fileServerEffects, isShell, NETWORK } from './program-effects';

/** How deep code inside code (a shell line in a Python string in a shell line…) is followed. */
const MAX_CODE_DEPTH = 3;
/** Bound on the effects of one call (the reply carries them). */
export const MAX_EFFECTS = MAX_REPLY_EFFECTS;

/**
 * The effect model: what each subject of a normalised call (each shell command, or the one file
 * or tool call) can do, with resolved paths and data flow across the commands of one line
 * (symlinks made earlier, files downloaded or written earlier, sensitive data piped into the
 * network). Aligned with `subjectsOf(call)`.
 */
export function effectsOf(call: NormalisedToolCall): Effect[][] {
  if (call.failure) return [];
  if (call.kind === 'shell') return shellEffects(call.commands, call.env, call.source ?? '', 0);
  if (call.kind === 'file' && call.file) return [fileToolEffects(call)];
  if (call.tool === 'WebFetch') return [[{ kind: 'egress', class: 'plain', risky: false, command: call.tool }]];
  return [[]];
}

function shellEffects(commands: readonly NormalisedCommand[], env: NormalisedEnv, source: string, depth: number, line: LineState = newLineState()): Effect[][] {
  line.analyse ??= (script, outer, via) => nested(script, outer, depth, via);
  const scopes = commands.map((command) => new CommandScope(command, env, line, command.text || 'redirection', source));
  const classes = scopes.map((scope) => {
    fileEffects(scope);
    execEffects(scope);
    archiveTaint(scope);
    const data = dataClassOf(scope) ?? inlineDataClass(scope);
    if (data) for (const effect of scope.effects) if (effect.kind === 'write' && effect.target) line.tainted.set(effect.target, data);
    return data;
  });
  scopes.forEach((scope, index) => {
    const upstream = scopes.flatMap((other, j) => (j !== index && classes[j] && other.command.pipedTo.includes(scope.command.program) ? [classes[j] as string] : []));
    egressEffects(scope, upstream);
    fileServerEffects(scope);
    inlineCodeEffects(scope, (script, outer) => nested(script, outer, depth));
    // Code that reaches the network carries what was piped into it (`env | python3 -c '…urlopen(…, sys.stdin…)'`).
    if (upstream.length > 0 && !NETWORK.has(scope.command.program) && scope.effects.some((effect) => effect.kind === 'egress')) for (const flow of upstream) scope.add('egress', flow, true, { via: 'pipe' });
    remoteCommandEffects(scope, depth);
    privilegeEffects(scope);
    persistenceEffects(scope);
    controlEffects(scope);
    destructiveEffects(scope);
  });
  const out = scopes.map((scope) => scope.effects);
  const bombs = source ? forkBombNames(source) : [];
  const called = bombs.some((name) => commands.filter((command) => command.program === (name === '.' ? 'source' : name)).length >= 2) || (source !== '' && floods(source));
  if (called && out[0]) out[0].push({ kind: 'process', class: 'fork-bomb', risky: true, command: scopes[0]?.label ?? source.slice(0, 80) });
  return out;
}

/** `while true; do bash & done`, `for i in $(seq 1 100000); do sleep 1000 & done`: a loop that keeps starting processes it never waits for. */
function floods(source: string): boolean {
  if (!source.includes('&') || !/\bdone\b/.test(source)) return false;
  const endless = /\b(while|until)\s+(true|:|\[\s*1\s*\]|\(\(\s*1\s*\)\))\s*;?\s*do\b[\s\S]*?[^&]&\s*;?\s*done\b/;
  const huge = /\bfor\b[^;]*\$\(\s*seq\s+(\d+\s+)?\d{4,}\s*\)[^;]*;\s*do\b[\s\S]*?[^&]&\s*;?\s*done\b|\bfor\s*\(\([^)]*;\s*;[^)]*\)\)\s*;?\s*do\b[\s\S]*?[^&]&\s*;?\s*done\b/;
  return endless.test(source) || huge.test(source);
}

/** A shell line inside code or a remote command: its effects count for the outer command. */
function nested(script: string, outer: CommandScope, depth: number, via = 'inline-code'): void {
  if (depth >= MAX_CODE_DEPTH) {
    outer.add('exec', 'opaque', true, { via, detail: 'code nested too deep' });
    return;
  }
  const result = ShellNormaliser.normalise(script, { home: outer.env.homeDir, cwd: outer.command.cwd ?? outer.env.cwd ?? outer.env.workspaceRoot });
  if (!result.ok) {
    outer.add('exec', 'opaque', true, { via, detail: `shell text that does not parse: ${result.reason.slice(0, 80)}` });
    return;
  }
  for (const effects of shellEffects(result.commands, outer.env, script, depth + 1, outer.line)) {
    for (const effect of effects) outer.add(effect.kind, effect.class, effect.risky, { ...(effect.target ? { target: effect.target } : {}), via, ...(effect.detail ? { detail: effect.detail } : {}) });
  }
}

/** Options of `docker exec` itself (the rest belong to the command run in the container). */
const DOCKER_EXEC_FLAGS = /^(-i|-t|-d|-it|-ti|--interactive|--tty|--detach|--privileged|(-u|--user|-w|--workdir|-e|--env|--env-file|--detach-keys)(=.*)?)$/;

/** `ssh host cmd`, `kubectl exec pod -- cmd`, `docker exec c cmd`: the remote command is judged too. */
function remoteCommandEffects(scope: CommandScope, depth: number): void {
  const { command } = scope;
  let words: readonly string[] = [];
  if (command.program === 'ssh') words = command.positionals.slice(1);
  else if ((command.program === 'kubectl' || command.program === 'oc') && (command.subcommand === 'exec' || command.subcommand === 'debug')) {
    const dash = command.args.indexOf('--');
    words = dash >= 0 ? command.args.slice(dash + 1) : [];
    if (words.length === 0 && command.flags.includes('--')) words = command.positionals.slice(1);
  } else if (/^(docker|podman|nerdctl)$/.test(command.program) && command.subcommand === 'exec') {
    // Options after the container name belong to the command in it, but the flag parser took them as
    // docker's (`docker exec db psql -c 'DROP DATABASE app'`): any that docker exec does not have go back to it.
    // An `--env` value that is no NAME[=value] was the inner command's `-e` (`mysql -e '…'`, `node -e '…'`).
    const theirs = command.flags.filter((flag) => !DOCKER_EXEC_FLAGS.test(flag) || (/^--env=/.test(flag) && !/^--env=[A-Za-z_]\w*(=|$)/.test(flag))).map((flag) => flag.replace(/^--env=/, '-e=')).flatMap((flag) => {
      const eq = flag.indexOf('=');
      return eq > 0 ? [flag.slice(0, eq), flag.slice(eq + 1)] : [flag];
    });
    words = command.positionals.length > 1 ? [...command.positionals.slice(1), ...theirs] : [];
  }
  if (words.length === 0) return;
  // ssh hands the remote shell its words joined by spaces (it parses them again); exec runs them as they are.
  if (command.program === 'ssh') return nested(words.join(' '), scope, depth, 'remote');
  nested(words.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' '), scope, depth, 'remote');
  // `docker exec c sh -c '…'`: `-c` was read as an option of docker; the script is the shell's.
  const script = words.length === 2 && command.flags.includes('-c') ? words[1] : command.flags.find((f) => f.startsWith('-c='))?.slice(3);
  if (script !== undefined && words.some((word) => isShell(word))) nested(script, scope, depth, 'remote');
}

/** `tar czf out.tgz ~`, `zip -r out.zip ~/.ssh`: the archive holds what it read. */
function archiveTaint(scope: CommandScope): void {
  const { command } = scope;
  const [first = '', second] = command.positionals;
  let archive: string | undefined;
  if (command.program === 'tar' && /^-?[a-zA-Z]*c[a-zA-Z]*f[a-zA-Z]*$/.test(first) && second !== undefined) archive = second;
  if (command.program === 'tar') archive ??= command.flags.find((f) => f.startsWith('-f=') || f.startsWith('--file='))?.split('=')[1];
  if (command.program === 'zip' || command.program === '7z') archive = command.positionals.find((p) => /\.(zip|7z)$/.test(p));
  if (archive && archive !== '-') write(scope, archive);
}

function fileToolEffects(call: NormalisedToolCall): Effect[] {
  const file = call.file;
  if (!file) return [];
  const label = `${call.tool} ${file.path}`;
  const scope = new CommandScope({ program: '', dynamicProgram: false, args: [], positionals: [], flags: [], globalFlags: [], redirects: [], pipedFrom: [], pipedTo: [], viaWrapper: [], inSubstitution: false, unresolved: false, variables: [], assigns: [], cwd: call.env.cwd ?? call.env.workspaceRoot, text: label }, call.env, newLineState(), label);
  if (file.access === 'read') scope.read(file.path);
  else {
    write(scope, file.path);
    const content = file.content ?? '';
    if (/(^|\/)package\.json$/.test(file.path) && /"(pre|post)?(install|prepare|prepublish|publish|pack|uninstall)(Only)?"\s*:/.test(content)) scope.add('persistence', 'lifecycle-script', true, { target: file.path, detail: 'package lifecycle script runs on every install' });
    if (/(^|\/)(setup\.py|conftest\.py|sitecustomize\.py|usercustomize\.py|\.pth)$/.test(file.path) && /\b(os\.system|subprocess|exec\(|eval\(|socket)/.test(content)) scope.add('persistence', 'lifecycle-script', true, { target: file.path });
    if (/\/\.vscode\/tasks\.json$/.test(file.path) && /folderOpen/.test(content)) scope.add('persistence', 'editor', true, { target: file.path });
    const persistence = persistenceOf(file.path);
    if (persistence && MALICIOUS.test(content)) scope.add('persistence', 'malicious', true, { target: file.path, detail: 'persists code that is fetched, hidden or wired to the network' });
    if (/(^|\/)package\.json$/.test(file.path) && /"(pre|post)?(install|prepare)"\s*:\s*"[^"]*/.test(content) && MALICIOUS.test(content)) scope.add('persistence', 'malicious', true, { target: file.path });
    if (persistenceOf(file.path) === 'ci' || /\.(sh|bash|zsh)$|(^|\/)(Makefile|Dockerfile|justfile)$/.test(file.path)) ciSteps(scope, content, file.path);
  }
  return scope.effects;
}

/** Steps of a CI file or lines of a script being written: each runs later, on this or others' machines. */
function ciSteps(scope: CommandScope, content: string, path: string): void {
  const steps = [...content.matchAll(/^\s*(?:-\s+)?(?:run:\s*|RUN\s+|\t)?(.+)$/gm)].map((m) => (m[1] ?? '').trim()).filter((line) => line && !/^(#|name:|uses:|on:|jobs:|with:|image:|stage:|steps:|runs-on:)/.test(line)).slice(0, 100);
  const before = scope.effects.length;
  for (const raw of steps) {
    // `${{ secrets.NPM_TOKEN }}` is the CI's expression syntax, not shell: it becomes the variable it stands for.
    const step = raw.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => `$${expr.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase() || 'CI_EXPRESSION'}`);
    const result = ShellNormaliser.normalise(step, { home: scope.env.homeDir, cwd: scope.env.cwd ?? scope.env.workspaceRoot });
    if (!result.ok) continue;
    for (const effects of shellEffects(result.commands, scope.env, step, MAX_CODE_DEPTH - 1, scope.line)) {
      for (const effect of effects) if (effect.risky) scope.add(effect.kind, effect.class, true, { ...(effect.target ? { target: effect.target } : {}), via: 'written-script', ...(effect.detail ? { detail: effect.detail } : {}) });
    }
  }
  if (scope.effects.length > before) scope.add('persistence', 'ci', true, { target: path, detail: 'a written step does something risky' });
}

/** Bounded, flat list of a call's effects (for replies and events). */
export function flatEffects(perSubject: readonly (readonly Effect[])[]): Effect[] {
  return perSubject.flat().slice(0, MAX_EFFECTS).map(bounded);
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Every field within the reply contract's bounds (the effect itself when it already is). */
function bounded(effect: Effect): Effect {
  if (effect.class.length <= 64 && effect.command.length <= 4096 && (effect.target?.length ?? 0) <= 1024 && (effect.via?.length ?? 0) <= 64 && (effect.detail?.length ?? 0) <= 512) return effect;
  return {
    ...effect,
    class: cut(effect.class, 64),
    command: cut(effect.command, 4096),
    ...(effect.target !== undefined ? { target: cut(effect.target, 1024) } : {}),
    ...(effect.via !== undefined ? { via: cut(effect.via, 64) } : {}),
    ...(effect.detail !== undefined ? { detail: cut(effect.detail, 512) } : {}),
  };
}
