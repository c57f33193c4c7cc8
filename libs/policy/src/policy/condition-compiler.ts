import { RE2JS } from 're2js';
import { GlobSyntaxError } from '../errors/glob-syntax.error';
import type { PolicyProblem } from '../errors/policy-load.error';
import { canonicalFlag } from '../shell/flag-parser';
import { PROGRAM_SPECS } from '../shell/program-specs';
import { COMMAND_ONLY_KEYS, type CompiledCondition, type CompiledPath } from './compiled-condition';
import { globToRegex, requiredLiteral } from './glob';
import { LiteralGate, type TextTest } from './literal-gate';
import { PathMatcher } from './path-matcher';
import { TextMatcher } from './text-matcher';
import type { PathCondition, Rule } from './policy.schema';

/** Compiles one rule's conditions, collecting every problem instead of stopping at the first. */
export class ConditionCompiler {
  readonly problems: PolicyProblem[] = [];

  constructor(
    private readonly rule: Rule,
    private readonly index: number,
    private readonly sets: Readonly<Record<string, readonly string[]>>,
  ) {}

  compile(): CompiledCondition {
    const when = this.rule.when;
    const programs = when.program ? this.expand(when.program, 'program') : undefined;
    const subcommands = when.subcommand ? this.expand(when.subcommand, 'subcommand') : undefined;
    const flagTexts = (list: readonly string[], key: string): string[] => this.canonicalFlags(this.expand(list, key), programs ?? [], subcommands);
    return {
      ...(when.tool ? { tools: new Set(when.tool) } : {}),
      ...(when.environment ? { environment: new Set(this.expand(when.environment, 'environment')) } : {}),
      commandOnly: COMMAND_ONLY_KEYS.some((key) => when[key] !== undefined),
      program: programs && this.text(programs, 'program'),
      subcommand: subcommands && this.text(subcommands, 'subcommand'),
      args: when.args && this.text(this.expand(when.args, 'args'), 'args'),
      argsRegex: when.argsRegex && this.gated(when.argsRegex, 'argsRegex'),
      flags: when.flags && this.flagMatcher(flagTexts(when.flags, 'flags'), 'flags'),
      flagsAll: when.flagsAll && this.expand(when.flagsAll, 'flagsAll').map((flag) => this.flagMatcher(flagTexts([flag], 'flagsAll'), 'flagsAll')),
      globalFlags: when.globalFlags && this.flagMatcher(this.expand(when.globalFlags, 'globalFlags'), 'globalFlags'),
      paths: when.paths && this.path(when.paths, 'paths'),
      reads: when.reads && this.path(when.reads, 'reads'),
      writes: when.writes && this.path(when.writes, 'writes'),
      truncates: when.truncates && this.path(when.truncates, 'truncates'),
      pipedTo: when.pipedTo && this.text(this.expand(when.pipedTo, 'pipedTo'), 'pipedTo'),
      pipedFrom: when.pipedFrom && this.text(this.expand(when.pipedFrom, 'pipedFrom'), 'pipedFrom'),
      wrapper: when.wrapper && this.text(this.expand(when.wrapper, 'wrapper'), 'wrapper'),
      inSubstitution: when.inSubstitution,
      unresolved: when.unresolved,
      variables: when.variables && this.regexes(when.variables, 'variables'),
      content: when.content && this.gated(when.content, 'content'),
      effects: when.effects && this.text(this.expand(when.effects, 'effects'), 'effects'),
      riskyEffects: when.riskyEffects && this.text(this.expand(when.riskyEffects, 'riskyEffects'), 'riskyEffects'),
    };
  }

  /** Splices `@set` references into a list. */
  private expand(list: readonly string[], key: string): string[] {
    return list.flatMap((entry) => {
      if (!entry.startsWith('@')) return [entry];
      const set = this.sets[entry.slice(1)];
      if (!set) this.problem(key, `unknown set '${entry}'`);
      return set ? [...set] : [];
    });
  }

  private text(list: readonly string[], key: string, flagNames = false): TextMatcher {
    const { literals, patterns } = TextMatcher.partition(list);
    const sources = flagNames ? patterns.map((flag) => (flag.includes('=') ? flag : `${flag}{,=*}`)) : patterns;
    return new TextMatcher(new Set(literals), sources.length > 0 ? this.globs(sources, 'text', key) : undefined, flagNames);
  }

  private globs(list: readonly string[], mode: 'path' | 'text', key: string): RE2JS {
    const sources = list.flatMap((glob) => {
      try {
        return [globToRegex(glob, mode)];
      } catch (error) {
        if (!(error instanceof GlobSyntaxError)) throw error;
        this.problem(key, error.message);
        return [];
      }
    });
    return this.compileRegex(sources.length > 0 ? sources.map((source) => `(?:${source})`).join('|') : '^\\x00never$', key);
  }

  /** {@link regexes} behind a native check for the literals every match needs (when provable). */
  private gated(list: readonly string[], key: string): TextTest {
    const before = this.problems.length;
    const regex = this.regexes(list, key);
    return this.problems.length > before ? regex : LiteralGate.over(regex, list);
  }

  /** Each regex is compiled alone first (so an error names it), then all as one alternation. */
  private regexes(list: readonly string[], key: string): RE2JS {
    const before = this.problems.length;
    list.forEach((source) => this.compileRegex(source, key));
    if (this.problems.length > before) return RE2JS.compile('^\\x00never$');
    return this.compileRegex(list.map((source) => `(?:${source})`).join('|'), key);
  }

  private compileRegex(source: string, key: string): RE2JS {
    try {
      return RE2JS.compile(source);
    } catch (error) {
      this.problem(key, `RE2 cannot compile '${source}': ${error instanceof Error ? error.message : String(error)}`);
      return RE2JS.compile('^\\x00never$');
    }
  }

  private path(condition: PathCondition, key: string): CompiledPath {
    const full = Array.isArray(condition) ? { match: condition } : condition;
    return {
      match: this.pathGlobs(this.expand(full.match, key), key),
      ...(full.except ? { except: this.pathGlobs(this.expand(full.except, key), key) } : {}),
      unresolved: full.unresolved ?? false,
      existing: full.existing ?? false,
    };
  }

  private pathGlobs(list: readonly string[], key: string): PathMatcher {
    const regex = this.globs(list, 'path', key);
    return new PathMatcher(regex, list.length > 0 ? list.map((glob) => requiredLiteral(glob)) : [undefined]);
  }

  /** A flag without a value matches it with any value; `--size=0` matches exactly (globs allowed). */
  private flagMatcher(flags: readonly string[], key: string): TextMatcher {
    return this.text(flags, key, true);
  }

  /** Rule flags in the same canonical spelling as commands' flags (`-f` of git push → `--force`). */
  private canonicalFlags(flags: readonly string[], programs: readonly string[], subcommands: readonly string[] | undefined): string[] {
    const out = new Set<string>();
    for (const flag of flags) {
      out.add(flag);
      for (const program of specPrograms(programs)) {
        const spec = PROGRAM_SPECS[program];
        const subs = subcommands ?? Object.keys(spec?.subAliases ?? {});
        for (const sub of [undefined, ...subs]) out.add(canonicalFlag(program, sub, flag));
      }
    }
    return [...out];
  }

  private problem(key: string, message: string): void {
    this.problems.push({ ruleId: this.rule.id, path: `rules[${this.index}].when.${key}`, message });
  }
}

/** Programs with an argument spec that a rule's program list (globs allowed) covers. */
function specPrograms(programs: readonly string[]): string[] {
  const names = Object.keys(PROGRAM_SPECS);
  return programs.flatMap((program) => {
    const regex = RE2JS.compile(safeGlob(program));
    return names.filter((name) => regex.testExact(name));
  });
}

function safeGlob(glob: string): string {
  try {
    return globToRegex(glob, 'text');
  } catch {
    return '^\\x00never$';
  }
}
