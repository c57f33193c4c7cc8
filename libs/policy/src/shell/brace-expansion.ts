// Bash brace expansion for unquoted literal words: `{rm,-rf,/}` becomes three words and
// `/{e,}tc` two. Only comma lists and short ranges; the result count is bounded.

const MAX_RESULTS = 64;
const MAX_RANGE = 32;

/** The words `text` expands to, or `[text]` when it has no brace expression. */
export function expandBraces(text: string): string[] {
  const group = findGroup(text);
  if (!group) return [text];
  const prefix = text.slice(0, group.start);
  const suffix = text.slice(group.end + 1);
  const out: string[] = [];
  for (const alternative of group.alternatives) {
    for (const rest of expandBraces(alternative + suffix)) {
      out.push(prefix + rest);
      if (out.length >= MAX_RESULTS) return out;
    }
  }
  return out;
}

interface Group {
  readonly start: number;
  readonly end: number;
  readonly alternatives: readonly string[];
}

function findGroup(text: string): Group | undefined {
  for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
    const group = groupAt(text, start);
    if (group) return group;
  }
  return undefined;
}

function groupAt(text: string, start: number): Group | undefined {
  let depth = 0;
  const commas: number[] = [];
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{') depth++;
    else if (ch === ',' && depth === 1) commas.push(i);
    else if (ch === '}' && --depth === 0) {
      const body = text.slice(start + 1, i);
      const alternatives = commas.length > 0 ? splitAt(text, start, i, commas) : range(body);
      return alternatives ? { start, end: i, alternatives } : undefined;
    }
  }
  return undefined;
}

function splitAt(text: string, start: number, end: number, commas: readonly number[]): string[] {
  const bounds = [start, ...commas, end];
  return bounds.slice(1).map((bound, index) => text.slice((bounds[index] ?? start) + 1, bound));
}

function range(body: string): string[] | undefined {
  const numeric = /^(-?\d+)\.\.(-?\d+)$/.exec(body);
  if (numeric) return numericRange(Number(numeric[1]), Number(numeric[2]));
  const letters = /^([a-zA-Z])\.\.([a-zA-Z])$/.exec(body);
  if (!letters) return undefined;
  const codes = numericRange((letters[1] ?? 'a').charCodeAt(0), (letters[2] ?? 'a').charCodeAt(0));
  return codes?.map((code) => String.fromCharCode(Number(code)));
}

function numericRange(from: number, to: number): string[] | undefined {
  if (Math.abs(to - from) > MAX_RANGE) return undefined;
  const step = from <= to ? 1 : -1;
  const out: string[] = [];
  for (let n = from; step > 0 ? n <= to : n >= to; n += step) out.push(String(n));
  return out;
}
