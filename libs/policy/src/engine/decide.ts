import type { NormalisedToolCall } from '../normalised.schema';
import type { CompiledPolicy, CompiledRule } from '../policy/compiled-policy';
import { loadDefaultPolicy } from '../policy/policy-loader';
import { conditionMatches, type MatchOptions } from '../policy/rule-matcher';
import { flatEffects } from '../effects/effect-model';
import { subjectsOf, type Subject } from '../policy/subject';
import { normaliseInContext, parseContext } from '../tool/tool-call-normaliser';
import type { DecisionContextInput, ToolCall } from '../tool/tool-call.schema';
import { strictness, type Decision, type DecisionBasis, type DecisionValue } from './decision.schema';
import { detectsSecretDeep, redactDeep, redactText } from './redaction';

interface Verdict {
  readonly action: DecisionValue;
  readonly basis: DecisionBasis;
  readonly rule?: CompiledRule;
  readonly subject: Subject;
}

/**
 * The policy tier: normalises a tool call and decides it with `policy` (the shipped default
 * when omitted). Pure apart from reading the default policy file once.
 */
export function decide(toolCall: ToolCall, context: DecisionContextInput, policy: CompiledPolicy = loadDefaultPolicy()): Decision {
  const ctx = parseContext(context);
  return evaluate(normaliseInContext(toolCall, ctx), policy, ctx.pathExists ? { pathExists: ctx.pathExists } : {});
}

/**
 * Decides an already normalised call. Each command gets the first rule that matches it (or the
 * default), a computed command name raises it to at least `defaults.dynamicCommand`, and the
 * strictest command decides the call (deny > escalate > allow; the earliest on a tie).
 */
export function evaluate(call: NormalisedToolCall, policy: CompiledPolicy, options: MatchOptions = {}): Decision {
  if (call.failure) return failClosed(call, policy);
  const verdicts = subjectsOf(call).map((subject) => verdictFor(subject, policy, options));
  const chosen = verdicts.reduce<Verdict | undefined>((best, next) => (stricter(best, next) ? next : best), undefined);
  const effects = flatEffects(verdicts.map((verdict) => verdict.subject.effects));
  if (!chosen) return finish(call, policy, { decision: noRisk(policy), basis: 'no-risk-seen', reason: 'empty command: no rule matched, no risk seen', effects });
  return finish(call, policy, {
    decision: chosen.action,
    basis: chosen.basis,
    reason: reasonFor(chosen, verdicts.length),
    command: chosen.subject.label,
    ...(chosen.rule ? { ruleId: chosen.rule.id, category: chosen.rule.category } : {}),
    ...escalation(chosen.action, chosen.rule?.escalateTo, policy),
    effects,
  });
}

const noRisk = (policy: CompiledPolicy): DecisionValue => policy.defaults.noRiskSeen ?? policy.defaults.action;

/** Stricter wins; on a tie the earliest, except that an allow nobody judged outranks a rule's allow (the call is only as judged as its weakest part). */
function stricter(best: Verdict | undefined, next: Verdict): boolean {
  if (!best) return true;
  if (strictness(next.action) !== strictness(best.action)) return strictness(next.action) > strictness(best.action);
  return next.action === 'allow' && next.basis === 'no-risk-seen' && best.basis !== 'no-risk-seen';
}

function verdictFor(subject: Subject, policy: CompiledPolicy, options: MatchOptions): Verdict {
  const rule = policy.ruleIndex.candidates(subject).find((candidate) => conditionMatches(candidate.when, subject, options));
  const verdict: Verdict = rule
    ? { action: rule.action, basis: 'rule', rule, subject }
    : subject.risky
      ? { action: policy.defaults.action, basis: 'default', subject }
      : { action: noRisk(policy), basis: 'no-risk-seen', subject };
  const floor = policy.defaults.dynamicCommand;
  const unjudged = verdict.basis !== 'rule' && strictness(floor) >= strictness(verdict.action);
  if (subject.command?.dynamicProgram && (unjudged || strictness(floor) > strictness(verdict.action))) return { action: floor, basis: 'dynamic-command', subject };
  return verdict;
}

function reasonFor(verdict: Verdict, commands: number): string {
  const label = `\`${verdict.subject.label}\``;
  if (verdict.rule) return `${verdict.rule.reason}: ${label}`;
  if (verdict.basis === 'dynamic-command') return `command name is computed at run time: ${label}`;
  if (verdict.basis === 'default') {
    const risky = verdict.subject.effects.filter((effect) => effect.risky).map((effect) => effect.kind + ':' + effect.class);
    return `no rule matched, but the command can ${[...new Set(risky)].slice(0, 4).join(', ')}: ${label}`;
  }
  return commands === 1 ? `no rule matched and no risk seen: ${label}` : `no rule matched and no risk seen in any of ${commands} commands`;
}

function failClosed(call: NormalisedToolCall, policy: CompiledPolicy): Decision {
  const failure = call.failure ?? { kind: 'unparseable' as const, reason: 'unknown' };
  const unknownTool = failure.kind === 'unknown-tool';
  const decision = unknownTool ? policy.defaults.unknownTool : policy.defaults.unparseable;
  const reason = unknownTool ? failure.reason : `${failure.kind === 'unparseable' ? '' : `${failure.kind}: `}${failure.reason}`;
  return finish(call, policy, { decision, basis: unknownTool ? 'unknown-tool' : 'fail-closed', reason, ...escalation(decision, undefined, policy), effects: [] });
}

function escalation(decision: DecisionValue, ruleRole: string | undefined, policy: CompiledPolicy): { escalateTo?: string } {
  const role = ruleRole ?? policy.defaults.escalateTo;
  return decision === 'escalate' && role ? { escalateTo: role } : {};
}

/** Attaches the normalised call, redacting secrets from it and from the reason. */
function finish(call: NormalisedToolCall, policy: CompiledPolicy, decision: Omit<Decision, 'normalised'>): Decision {
  const redactors = policy.redactors;
  const detector = policy.secretDetector;
  if (!detector || !detectsSecretDeep(call, detector)) return { ...decision, normalised: call };
  return {
    ...decision,
    reason: redactText(decision.reason, redactors),
    ...(decision.command !== undefined ? { command: redactText(decision.command, redactors) } : {}),
    normalised: redactDeep(call, redactors),
    effects: redactDeep(decision.effects, redactors),
  };
}
