import type { CompiledCondition, CompiledPath } from './compiled-condition';
import type { PathMatcher } from './path-matcher';
import type { PathRef, Subject } from './subject';

/** What matching needs from the context beyond the subject. */
export interface MatchOptions {
  readonly pathExists?: (path: string) => boolean;
}

/** True when every condition of `when` holds for `subject`. Cheap checks first. */
export function conditionMatches(when: CompiledCondition, subject: Subject, options: MatchOptions): boolean {
  if (when.tools && !when.tools.has(subject.tool)) return false;
  if (when.environment && !when.environment.has(subject.environment)) return false;
  if (when.commandOnly && !commandMatches(when, subject)) return false;
  if (when.paths && !pathMatches(when.paths, subject.paths, options)) return false;
  if (when.reads && !pathMatches(when.reads, subject.reads, options)) return false;
  if (when.writes && !pathMatches(when.writes, subject.writes, options)) return false;
  if (when.truncates && !pathMatches(when.truncates, subject.truncates, options)) return false;
  if (when.content && !when.content.test(subject.content)) return false;
  if (when.effects && !when.effects.any(subject.effectTags)) return false;
  if (when.riskyEffects && !when.riskyEffects.any(subject.riskyTags)) return false;
  return true;
}

function commandMatches(when: CompiledCondition, subject: Subject): boolean {
  const cmd = subject.command;
  if (!cmd) return false;
  if (when.program && (cmd.program === '' || !when.program.test(cmd.program))) return false;
  if (when.subcommand && (cmd.subcommand === undefined || !when.subcommand.test(cmd.subcommand))) return false;
  if (when.wrapper && !when.wrapper.any(cmd.viaWrapper)) return false;
  if (when.flags && !when.flags.any(cmd.flags)) return false;
  if (when.flagsAll && !when.flagsAll.every((flag) => flag.any(cmd.flags))) return false;
  if (when.globalFlags && !when.globalFlags.any(cmd.globalFlags)) return false;
  if (when.args && !when.args.any(cmd.positionals)) return false;
  if (when.pipedTo && !when.pipedTo.any(cmd.pipedTo)) return false;
  if (when.pipedFrom && !when.pipedFrom.any(cmd.pipedFrom)) return false;
  if (when.inSubstitution !== undefined && when.inSubstitution !== cmd.inSubstitution) return false;
  if (when.unresolved !== undefined && when.unresolved !== cmd.unresolved) return false;
  if (when.variables && !cmd.variables.some((name) => when.variables?.test(name))) return false;
  if (when.argsRegex && !when.argsRegex.test(cmd.args.join(' '))) return false;
  return true;
}

// Indexed loops: the lists come in several array shapes (frozen empties among them), where for…of left an iterator behind per call.
function pathMatches(condition: CompiledPath, refs: readonly PathRef[], options: MatchOptions): boolean {
  for (let i = 0; i < refs.length; i++) if (refMatches(condition, refs[i] as PathRef, options)) return true;
  return false;
}

function refMatches(condition: CompiledPath, ref: PathRef, options: MatchOptions): boolean {
  if (ref.resolved === undefined) return condition.unresolved;
  if (condition.match.rejectsResolved(ref.resolved)) return false;
  if (!anySpelling(condition.match, ref.spellings)) return false;
  if (condition.except && anySpelling(condition.except, ref.spellings)) return false;
  return !condition.existing || options.pathExists?.(ref.resolved) === true;
}

function anySpelling(matcher: PathMatcher, spellings: readonly string[]): boolean {
  for (let i = 0; i < spellings.length; i++) if (matcher.test(spellings[i] as string)) return true;
  return false;
}
