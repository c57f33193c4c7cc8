import type { CompiledRule } from './compiled-policy';
import type { Subject } from './subject';

/** Bound on remembered subject shapes (program names come from agents, so they are unbounded). */
const MAX_SHAPES = 2048;

/**
 * The rules that could match a subject, in policy order. Most rules name a tool, an
 * environment, a program or a risky effect; a subject that lacks it cannot match them, and
 * skipping them up front spares the per-rule checks on every command of every cold call. The
 * list for a shape (tool, environment, program, shell or not, risky or not) is computed once
 * and remembered, so the first-match order and result are exactly those of a full scan.
 */
export class RuleIndex {
  /** risky → tool → environment → program (undefined: not a shell command) → rules. */
  private readonly shapes = [new Map<string, Map<string, Map<string | undefined, readonly CompiledRule[]>>>(), new Map<string, Map<string, Map<string | undefined, readonly CompiledRule[]>>>()] as const;
  private size = 0;

  constructor(private readonly rules: readonly CompiledRule[]) {}

  /** Rules that may match `subject`; every rule left out provably does not. */
  candidates(subject: Subject): readonly CompiledRule[] {
    const byTool = this.shapes[subject.riskyTags.length > 0 ? 1 : 0];
    const program = subject.command?.program;
    const known = byTool.get(subject.tool)?.get(subject.environment)?.get(program);
    if (known) return known;
    const list = this.rules.filter((rule) => mayMatch(rule, subject));
    if (this.size >= MAX_SHAPES) this.forget();
    const byEnvironment = byTool.get(subject.tool) ?? new Map<string, Map<string | undefined, readonly CompiledRule[]>>();
    byTool.set(subject.tool, byEnvironment);
    const byProgram = byEnvironment.get(subject.environment) ?? new Map<string | undefined, readonly CompiledRule[]>();
    byEnvironment.set(subject.environment, byProgram);
    byProgram.set(program, list);
    this.size += 1;
    return list;
  }

  private forget(): void {
    for (const byTool of this.shapes) byTool.clear();
    this.size = 0;
  }
}

/** The shape-only conditions of `conditionMatches` (tool, environment, shell command, program, risky effects). */
function mayMatch(rule: CompiledRule, subject: Subject): boolean {
  const when = rule.when;
  if (when.tools && !when.tools.has(subject.tool)) return false;
  if (when.environment && !when.environment.has(subject.environment)) return false;
  if (when.riskyEffects && subject.riskyTags.length === 0) return false;
  if (!when.commandOnly) return true;
  const cmd = subject.command;
  if (!cmd) return false;
  return !when.program || (cmd.program !== '' && when.program.test(cmd.program));
}
