import { EffectKindSchema, EffectSchema, type Effect, type EffectKind } from '@lighthouse/contracts';

export { EffectKindSchema, EffectSchema };
export type { Effect, EffectKind };

/** The tag rules match: `kind:class`. */
export function effectTag(effect: Pick<Effect, 'kind' | 'class'>): string {
  return `${effect.kind}:${effect.class}`;
}
