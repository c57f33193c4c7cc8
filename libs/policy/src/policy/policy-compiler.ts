import { createHash } from 'node:crypto';
import { PolicyLoadError, type PolicyProblem } from '../errors/policy-load.error';
import { PROGRAM_SPECS } from '../shell/program-specs';
import { stableJson } from '../tool/tool-call-normaliser';
import { TOOL_KINDS, type ToolName } from '../tool/tool-names';
import { COMMAND_ONLY_KEYS } from './compiled-condition';
import { CompiledPolicy, type CompiledRule } from './compiled-policy';
import { ConditionCompiler } from './condition-compiler';
import type { PolicyDocument, Rule } from './policy.schema';

/**
 * Compiles a schema-valid policy document. Rejects, with every problem listed, rules that can
 * never match (flags without a program, subcommands of a program without any, conditions the
 * listed tools cannot satisfy, duplicates, rules after a catch-all), bad globs and regexes RE2
 * cannot compile.
 */
export function compilePolicy(document: PolicyDocument): CompiledPolicy {
  const problems: PolicyProblem[] = [];
  const seenIds = new Map<string, number>();
  const seenWhen = new Map<string, string>();
  const rules: CompiledRule[] = [];
  document.rules.forEach((rule, index) => {
    const at = (path: string, message: string): void => void problems.push({ ruleId: rule.id, path: `rules[${index}]${path}`, message });
    checkIdentity(rule, index, seenIds, seenWhen, at);
    checkReachable(rule, document.rules, index, at);
    checkConditions(rule, at);
    const compiler = new ConditionCompiler(rule, index, document.sets);
    const when = compiler.compile();
    problems.push(...compiler.problems);
    const { id, category, action, reason, escalateTo } = rule;
    rules.push({ id, category, action, reason, redact: rule.redact ?? false, when, source: rule, ...(escalateTo ? { escalateTo } : {}) });
  });
  if (problems.length > 0) throw new PolicyLoadError(problems);
  return new CompiledPolicy(document, rules, createHash('sha256').update(stableJson(document)).digest('hex'));
}

type Report = (path: string, message: string) => void;

function checkIdentity(rule: Rule, index: number, ids: Map<string, number>, whens: Map<string, string>, at: Report): void {
  const previous = ids.get(rule.id);
  if (previous !== undefined) at('.id', `duplicate rule id (also rules[${previous}])`);
  ids.set(rule.id, index);
  const key = stableJson(rule.when);
  const shadow = whens.get(key);
  if (shadow !== undefined) at('.when', `can never match: rule '${shadow}' has the same conditions and comes first`);
  else whens.set(key, rule.id);
}

function checkReachable(rule: Rule, all: readonly Rule[], index: number, at: Report): void {
  const catchAll = all.slice(0, index).find((earlier) => Object.keys(earlier.when).length === 0);
  if (catchAll) at('', `can never match: rule '${catchAll.id}' before it matches everything`);
  if (rule.escalateTo && rule.action !== 'escalate') at('.escalateTo', `escalateTo only applies to escalate rules (this one is ${rule.action})`);
  if (rule.redact && !rule.when.content) at('.redact', 'redact needs content patterns to know what to redact');
}

function checkConditions(rule: Rule, at: Report): void {
  const when = rule.when;
  if ((when.flags || when.flagsAll || when.globalFlags || when.subcommand) && !when.program) {
    at('.when', 'flags and subcommand need program: their spelling depends on the program');
  }
  if (when.subcommand && when.program && when.program.every(isLiteral) && !when.program.some(hasSubcommands)) {
    at('.when.subcommand', `can never match: ${when.program.join(', ')} has no subcommands (use args)`);
  }
  if (!when.tool) return;
  const kinds = new Set(when.tool.map((tool: ToolName) => TOOL_KINDS[tool]));
  const used = COMMAND_ONLY_KEYS.filter((key) => when[key] !== undefined);
  if (used.length > 0 && !kinds.has('shell')) at('.when', `can never match: ${used.join(', ')} only apply to Bash commands`);
  if (when.paths && !kinds.has('shell') && !kinds.has('read') && !kinds.has('write')) at('.when.paths', 'can never match: the listed tools touch no paths');
  if (when.reads && !kinds.has('shell') && !kinds.has('read') && !kinds.has('write')) at('.when.reads', 'can never match: the listed tools read no files');
  if (when.writes && !kinds.has('shell') && !kinds.has('write')) at('.when.writes', 'can never match: the listed tools write no files');
}

function isLiteral(program: string): boolean {
  return !/[*?[{@\\]/.test(program);
}

function hasSubcommands(program: string): boolean {
  return PROGRAM_SPECS[program]?.subcommands === true;
}
