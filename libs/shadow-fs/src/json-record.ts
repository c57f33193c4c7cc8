/** Reading fields of events we do not own, without trusting their shape. */
export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
export const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
export const obj = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** A JSON rendering kept until the record changes. */
export class Rendered {
  private bytes?: Uint8Array;

  invalidate(): void {
    this.bytes = undefined;
  }

  of(value: unknown): Uint8Array {
    this.bytes ??= new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
    return this.bytes;
  }
}
