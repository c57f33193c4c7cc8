import type { EvaluatedWord, Substitution } from './word-evaluator';

const IFS = /[ \t\n]+/;

/** Accumulates the fields of one word while its parts are appended, splitting unquoted expansions. */
export class FieldState {
  readonly fields: string[] = [];
  readonly variables: string[] = [];
  readonly substitutions: Substitution[] = [];
  glob = false;
  private current = '';
  private started = false;
  private unresolved = false;

  /** Text that stays in the current field (quoted text, literals). */
  literal(text: string): void {
    this.current += text;
    this.started = true;
  }

  /** An unquoted expansion: whitespace starts new fields. */
  splittable(text: string): void {
    text.split(IFS).forEach((piece, index) => {
      if (index > 0) this.endField();
      if (piece) this.literal(piece);
    });
  }

  /** Text standing for something only known at run time. */
  unresolvedText(text: string): void {
    this.unresolved = true;
    this.literal(text);
  }

  finish(): EvaluatedWord {
    this.endField();
    return { fields: this.fields, unresolved: this.unresolved, glob: this.glob, variables: this.variables, substitutions: this.substitutions };
  }

  private endField(): void {
    if (this.started) this.fields.push(this.current);
    this.current = '';
    this.started = false;
  }
}
