import type { RE2JS } from 're2js';
import type { TextTest } from './literal-gate';
import type { PathMatcher } from './path-matcher';
import type { TextMatcher } from './text-matcher';

/** A compiled path condition: tested against every spelling of every path the subject touches. */
export interface CompiledPath {
  readonly match: PathMatcher;
  readonly except?: PathMatcher;
  readonly unresolved: boolean;
  readonly existing: boolean;
}

/** A rule's `when`, compiled: every present field must hold. */
export interface CompiledCondition {
  readonly tools?: ReadonlySet<string>;
  readonly environment?: ReadonlySet<string>;
  /** True when any command-only condition is present: the rule only matches shell commands. */
  readonly commandOnly: boolean;
  readonly program?: TextMatcher;
  readonly subcommand?: TextMatcher;
  readonly args?: TextMatcher;
  readonly argsRegex?: TextTest;
  readonly flags?: TextMatcher;
  readonly flagsAll?: readonly TextMatcher[];
  readonly globalFlags?: TextMatcher;
  readonly paths?: CompiledPath;
  readonly reads?: CompiledPath;
  readonly writes?: CompiledPath;
  readonly truncates?: CompiledPath;
  readonly pipedTo?: TextMatcher;
  readonly pipedFrom?: TextMatcher;
  readonly wrapper?: TextMatcher;
  readonly inSubstitution?: boolean;
  readonly unresolved?: boolean;
  readonly variables?: RE2JS;
  readonly content?: TextTest;
  readonly effects?: TextMatcher;
  readonly riskyEffects?: TextMatcher;
}

/** Conditions that only a shell command can satisfy. */
export const COMMAND_ONLY_KEYS = [
  'program', 'subcommand', 'args', 'argsRegex', 'flags', 'flagsAll', 'globalFlags', 'truncates', 'pipedTo', 'pipedFrom', 'wrapper',
  'inSubstitution', 'unresolved', 'variables',
] as const;
