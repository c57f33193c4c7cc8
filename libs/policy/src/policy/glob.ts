import { GlobSyntaxError } from '../errors/glob-syntax.error';

// Glob → RE2 translation for the policy language. Paths are matched in three spellings at once:
// absolute, and with the workspace / home / a tmp dir replaced by a placeholder, so one compiled
// pattern serves every workspace.

/** Placeholders standing for the context's directories inside path spellings. */
export const PATH_TOKENS = { workspace: '\u0001W', home: '\u0001H', tmp: '\u0001T' } as const;

const REGEX_META = /[\\^$.|?*+()[\]{}]/g;
const PLACEHOLDER = /^\$\{(workspace|home|tmp)\}/;

/**
 * Translates a glob to an anchored RE2 pattern. `*` and `?` stay within one path segment in
 * 'path' mode (anywhere in 'text' mode), `**` spans segments, `[…]`/`[!…]` are classes, `{a,b}`
 * alternatives, `\x` a literal. In 'path' mode `~` and `${home}`, `${workspace}`, `${tmp}` are
 * the context's directories, and a pattern not starting at `/`, `~`, `${…}` or `**` matches at
 * any depth (`.git/hooks/**` means `**\/.git/hooks/**`).
 */
export function globToRegex(glob: string, mode: 'path' | 'text'): string {
  const source = mode === 'path' ? anchorPath(glob) : glob;
  return `^${translate(source, mode)}$`;
}

/**
 * The longest piece of `glob` (path mode) that every path it matches contains as written: a
 * run of letters, digits, `.`, `_` and `-` outside any `[…]` or `{…}`, or a placeholder's token;
 * undefined when there is none (`**`, `/*`). Conservative by construction: anything it is not
 * sure of ends a run, and a glob with `{` counts only what comes before it.
 */
export function requiredLiteral(glob: string): string | undefined {
  const source = anchorPath(glob);
  const stop = source.search(/(?<!\$)\{/);
  const scanned = stop >= 0 ? source.slice(0, stop) : source;
  let best = '';
  let run = '';
  const end = (piece = run) => {
    if (piece.length > best.length) best = piece;
    run = '';
  };
  for (let i = 0; i < scanned.length; i++) {
    const ch = scanned[i] ?? '';
    if (ch === '\\') {
      end();
      i++;
    } else if (ch === '[') {
      end();
      const close = scanned.indexOf(']', i + 2);
      if (close < 0) return best || undefined;
      i = close;
    } else if (ch === '$') {
      end();
      const match = PLACEHOLDER.exec(scanned.slice(i));
      if (!match) return best || undefined;
      end(PATH_TOKENS[match[1] as keyof typeof PATH_TOKENS]);
      i += match[0].length - 1;
    } else if (LITERAL_CHAR.test(ch)) {
      run += ch;
    } else {
      end();
    }
  }
  end();
  return best || undefined;
}

const LITERAL_CHAR = /^[A-Za-z0-9._-]$/;

function anchorPath(glob: string): string {
  const rooted = glob.startsWith('/') || glob.startsWith('~') || glob.startsWith('${') || glob.startsWith('**');
  return rooted ? glob.replace(/^~(?=\/|$)/, '${home}') : `**/${glob}`;
}

function translate(glob: string, mode: 'path' | 'text'): string {
  let out = '';
  for (let i = 0; i < glob.length; ) {
    const step = translateAt(glob, i, mode);
    out += step.regex;
    i += step.length;
  }
  return out;
}

function translateAt(glob: string, i: number, mode: 'path' | 'text'): { regex: string; length: number } {
  const ch = glob[i] ?? '';
  const rest = glob.slice(i);
  if (rest === '/**') return { regex: '(?:/.*)?', length: 3 };
  if (rest.startsWith('**')) return doubleStar(glob, i);
  if (ch === '*') return { regex: mode === 'path' ? '[^/]*' : '.*', length: 1 };
  if (ch === '?') return { regex: mode === 'path' ? '[^/]' : '.', length: 1 };
  if (ch === '[') return charClass(glob, i);
  if (ch === '{') return alternatives(glob, i, mode);
  if (ch === '\\') return { regex: escapeRegex(glob[i + 1] ?? '\\'), length: 2 };
  if (ch === '$' && mode === 'path') return placeholder(rest);
  return { regex: escapeRegex(ch), length: 1 };
}

function doubleStar(glob: string, i: number): { regex: string; length: number } {
  const atSegmentStart = i === 0 || glob[i - 1] === '/';
  if (atSegmentStart && glob[i + 2] === '/') return { regex: '(?:.*/)?', length: 3 };
  return { regex: '.*', length: 2 };
}

function placeholder(rest: string): { regex: string; length: number } {
  const match = PLACEHOLDER.exec(rest);
  if (!match) throw new GlobSyntaxError(`unknown placeholder in '${rest}': use \${workspace}, \${home} or \${tmp}`);
  return { regex: PATH_TOKENS[match[1] as keyof typeof PATH_TOKENS], length: match[0].length };
}

function charClass(glob: string, i: number): { regex: string; length: number } {
  const close = glob.indexOf(']', i + 2);
  if (close < 0) throw new GlobSyntaxError(`unclosed '[' in '${glob}'`);
  let body = glob.slice(i + 1, close);
  const negated = body.startsWith('!') || body.startsWith('^');
  if (negated) body = body.slice(1);
  return { regex: `[${negated ? '^' : ''}${body.replace(/\\/g, '\\\\')}]`, length: close - i + 1 };
}

function alternatives(glob: string, i: number, mode: 'path' | 'text'): { regex: string; length: number } {
  let depth = 0;
  const starts = [i + 1];
  for (let j = i; j < glob.length; j++) {
    const ch = glob[j];
    if (ch === '\\') j++;
    else if (ch === '{') depth++;
    else if (ch === ',' && depth === 1) starts.push(j + 1);
    else if (ch === '}' && --depth === 0) {
      const options = starts.map((start, index) => glob.slice(start, (starts[index + 1] ?? j + 1) - 1));
      return { regex: `(?:${options.map((option) => translate(option, mode)).join('|')})`, length: j - i + 1 };
    }
  }
  throw new GlobSyntaxError(`unclosed '{' in '${glob}'`);
}

function escapeRegex(text: string): string {
  return text.replace(REGEX_META, (ch) => `\\${ch}`);
}
