import { RE2JS } from 're2js';
import type { CompiledCondition } from './compiled-condition';
import { LiteralGate, type TextTest } from './literal-gate';
import type { Action, PolicyDocument, Rule } from './policy.schema';
import { RuleIndex } from './rule-index';

/** One rule, ready to match. */
export interface CompiledRule {
  readonly id: string;
  readonly category: string;
  readonly action: Action;
  readonly reason: string;
  readonly escalateTo?: string;
  readonly redact: boolean;
  readonly when: CompiledCondition;
  readonly source: Rule;
}

/**
 * A validated policy: rules in order (first match wins per command), defaults, the patterns
 * whose matches are redacted, and a digest that changes whenever any rule does (use it to
 * namespace cached decisions).
 */
export class CompiledPolicy {
  /** Content patterns of every `redact: true` rule, one regex each (redaction replaces per pattern). */
  readonly redactors: readonly RE2JS[];
  /** All redactors as one alternation (behind a native check for the literals they need): one pass tells whether there is anything to redact. */
  readonly secretDetector: TextTest | undefined;
  /** The rules that may match a subject, by its shape (see {@link RuleIndex}). */
  readonly ruleIndex: RuleIndex;

  constructor(
    readonly document: PolicyDocument,
    readonly rules: readonly CompiledRule[],
    readonly digest: string,
  ) {
    const sources = rules.filter((rule) => rule.redact).flatMap((rule) => rule.source.when.content ?? []);
    this.redactors = sources.map((source) => RE2JS.compile(source));
    this.secretDetector = sources.length > 0 ? LiteralGate.over(RE2JS.compile(sources.map((source) => `(?:${source})`).join('|')), sources) : undefined;
    this.ruleIndex = new RuleIndex(rules);
  }

  get defaults(): PolicyDocument['defaults'] {
    return this.document.defaults;
  }

  rule(id: string): CompiledRule | undefined {
    return this.rules.find((rule) => rule.id === id);
  }
}
