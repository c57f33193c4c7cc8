import type { TextTest } from './literal-gate';

/** Texts up to this length have a regex's answer remembered (tokens, paths and env strings repeat across calls). */
const MEMO_MAX_CHARS = 256;
/** Bound on remembered answers per regex; the memo starts afresh when full. */
const MEMO_MAX_ENTRIES = 4096;
const memos = new WeakMap<TextTest, Map<string, boolean>>();

/**
 * `regex.test(text)`, remembering the answer for short texts. RE2 in JavaScript costs
 * microseconds per test, and a session's calls test the same paths, program names and flags
 * against the same compiled policy over and over. Same answers, bounded memory.
 */
export function memoTest(regex: TextTest, text: string): boolean {
  if (text.length > MEMO_MAX_CHARS) return regex.test(text);
  let memo = memos.get(regex);
  if (!memo) {
    memo = new Map();
    memos.set(regex, memo);
  }
  const known = memo.get(text);
  if (known !== undefined) return known;
  const found = regex.test(text);
  if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
  memo.set(text, found);
  return found;
}
