import { RE2JS } from 're2js';
import { memoTest } from './regex-memo';

describe('memoTest', () => {
  it('given texts short and long, when tested twice, then each answer is the regex own answer', () => {
    const regex = RE2JS.compile('AKIA[0-9A-Z]{16}');
    const texts = ['ls', 'AKIAABCDEFGHIJKLMNOP', `${'x'.repeat(300)}AKIAABCDEFGHIJKLMNOP`, 'x'.repeat(300), ''];
    for (const text of [...texts, ...texts]) expect(memoTest(regex, text)).toBe(regex.test(text));
  });

  it('given more distinct texts than the memo holds, when tested, then answers stay right', () => {
    const regex = RE2JS.compile('7$');
    for (let i = 0; i < 10_000; i += 1) expect(memoTest(regex, `t${i}`)).toBe(i % 10 === 7);
  });
});
