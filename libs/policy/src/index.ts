// Public entry point of @lighthouse/policy: the pure part of the speed layer's validation —
// normaliser, policy language and default policy, decision engine, memory and pattern tiers.

export { normalise, parseContext } from './tool/tool-call-normaliser';
export { ToolCallSchema, DecisionContextSchema } from './tool/tool-call.schema';
export type { ToolCall, DecisionContext, DecisionContextInput } from './tool/tool-call.schema';
export { TOOL_NAMES, canonicalToolName } from './tool/tool-names';
export type { ToolName } from './tool/tool-names';
export { resolvePath } from './tool/path-resolver';
export type { ResolvedPath } from './tool/path-resolver';

export {
  NormalisedToolCallSchema,
  NormalisedCommandSchema,
  NormalisedEnvSchema,
  NormalisedFileSchema,
  NormalisationFailureSchema,
  RedirectSchema,
} from './normalised.schema';
export type { NormalisedToolCall, NormalisedCommand, NormalisedEnv, NormalisedFile, NormalisationFailure, Redirect } from './normalised.schema';
export { ShellNormaliser, MAX_NESTING, MAX_COMMANDS } from './shell/shell-normaliser';
export type { ShellNormalisation } from './shell/shell-normaliser';

export { PolicyDocumentSchema, RuleSchema, WhenSchema, PathConditionSchema, ActionSchema } from './policy/policy.schema';
export type { PolicyDocument, Rule, When, PathCondition, Action } from './policy/policy.schema';
export { parsePolicy, loadPolicyFile, loadDefaultPolicy, defaultPolicyPath } from './policy/policy-loader';
export { compilePolicy } from './policy/policy-compiler';
export { CompiledPolicy } from './policy/compiled-policy';
export type { CompiledRule } from './policy/compiled-policy';

export { decide, evaluate } from './engine/decide';
export { effectsOf, flatEffects, MAX_EFFECTS } from './effects/effect-model';
export { EffectSchema, EffectKindSchema, effectTag } from './effects/effect.schema';
export type { Effect, EffectKind } from './effects/effect.schema';
export { DecisionSchema, DecisionValueSchema, DecisionBasisSchema, strictness } from './engine/decision.schema';
export type { Decision, DecisionValue, DecisionBasis } from './engine/decision.schema';
export { decisionKey, canonicalForm, DECISION_KEY_VERSION } from './engine/decision-key';
export { combine, CombinedDecisionSchema, CombineOptionsSchema } from './engine/combine';
export type { CombinedDecision, CombineOptions } from './engine/combine';
export { redactText, REDACTED } from './engine/redaction';

export { MemoryTier, CachedDecisionSchema, MemoryTierOptionsSchema } from './memory/memory-tier';
export { NormalisationCache } from './memory/normalisation-cache';
export type { CachedDecision, MemoryTierOptions, MemoryTierStats } from './memory/memory-tier';

export { PatternModel } from './pattern/pattern-model';
export { extractFeatures } from './pattern/pattern-features';
export { TrainingExampleSchema, PatternModelOptionsSchema, PatternModelStateSchema, PredictionSchema } from './pattern/pattern-model.schema';
export type { TrainingExample, PatternModelOptions, PatternModelState, Prediction } from './pattern/pattern-model.schema';

export { PolicyLoadError } from './errors/policy-load.error';
export type { PolicyProblem } from './errors/policy-load.error';
export { InvalidContextError } from './errors/invalid-context.error';
export { UncacheableDecisionError } from './errors/uncacheable-decision.error';
export { nextTier } from './tiers/tier-pipeline';
export type { TierFacts, TierStep, ConsultedTier, AnsweringTier } from './tiers/tier-pipeline';
