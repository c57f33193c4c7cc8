import { RE2JS } from 're2js';
import { globToRegex, PATH_TOKENS, requiredLiteral } from './glob';
import { PathMatcher } from './path-matcher';
import { loadDefaultPolicy } from './policy-loader';

/** A path the glob matches: each wildcard filled in, placeholders as their tokens, relative globs under a directory. */
function sampleOf(glob: string): string {
  let out = glob.replace(/^~(?=\/|$)/, PATH_TOKENS.home);
  out = out.replace(/\$\{(workspace|home|tmp)\}/g, (_, name: keyof typeof PATH_TOKENS) => PATH_TOKENS[name]);
  out = out.replace(/\{([^,}]*)[^}]*\}/g, '$1').replace(/\[!?\^?([^\]])[^\]]*\]/g, '$1');
  out = out.replace(/\*\*/g, 'a/b').replace(/\*/g, 'x').replace(/\?/g, 'q').replace(/\\(.)/g, '$1');
  return /^[/\u0001]/.test(out) ? out : `/w/${out}`;
}

describe('requiredLiteral', () => {
  it('given globs, when scanned, then the longest piece every match holds is found', () => {
    expect(requiredLiteral('/etc/**')).toBe('etc');
    expect(requiredLiteral('~/.ssh/id_*')).toBe('.ssh');
    expect(requiredLiteral('**/*.pem')).toBe('.pem');
    expect(requiredLiteral('${home}/**')).toBe(PATH_TOKENS.home);
    expect(requiredLiteral('[abc]defg/x')).toBe('defg');
    expect(requiredLiteral('\\*xy')).toBe('xy');
  });

  it('given a glob with no sure literal, or alternatives, when scanned, then only what is sure counts', () => {
    expect(requiredLiteral('**')).toBeUndefined();
    expect(requiredLiteral('/*/*')).toBeUndefined();
    expect(requiredLiteral('{secrets,keys}/**')).toBeUndefined();
    expect(requiredLiteral('/etc/{passwd,shadow}')).toBe('etc');
  });
});

describe('PathMatcher', () => {
  const regexOf = (globs: string[]) => RE2JS.compile(globs.map((g) => `(?:${globToRegex(g, 'path')})`).join('|'));
  const matcher = (globs: string[]) => new PathMatcher(regexOf(globs), globs.map((g) => requiredLiteral(g)));

  it('given paths holding none of the literals, when tested, then they do not match; others go to RE2', () => {
    const m = matcher(['/etc/**', '~/.ssh/**']);
    expect(m.test('/workspace/app/src/index.ts')).toBe(false);
    expect(m.test('/etc/passwd')).toBe(true);
    expect(m.test(`${PATH_TOKENS.home}/.ssh/id_rsa`)).toBe(true);
    expect(m.test('/opt/etc-backup')).toBe(false);
  });

  it('given one glob without a literal, when tested, then every path goes to RE2', () => {
    const m = matcher(['/etc/**', '/*']);
    expect(m.test('/workspace')).toBe(true);
  });

  it('given every path glob of the default policy, when a path it matches is tested, then the prefilter lets it through', () => {
    const globs = loadDefaultPolicy().rules.flatMap((rule) => {
      const when = rule.source.when;
      return [when.paths, when.writes, when.truncates].flatMap((condition) => (condition === undefined ? [] : Array.isArray(condition) ? condition : [...condition.match, ...(condition.except ?? [])]));
    }).filter((glob) => !glob.startsWith('@'));
    expect(globs.length).toBeGreaterThan(20);
    let checked = 0;
    for (const glob of globs) {
      const sample = sampleOf(glob);
      const regex = regexOf([glob]);
      if (!regex.test(sample)) continue; // the sampler could not build a match for this one
      checked += 1;
      expect({ glob, sample, matched: new PathMatcher(regex, [requiredLiteral(glob)]).test(sample) }).toEqual({ glob, sample, matched: true });
    }
    expect(checked).toBeGreaterThan(globs.length * 0.8);
  });

  it('given a resolved path holding none of the literals, when checked on it alone, then it is rejected; a literal that may overlap a token turns the check off', () => {
    const m = matcher(['/etc/**', '~/.ssh/**']);
    expect(m.rejectsResolved('/workspace/app/src/index.ts')).toBe(true);
    expect(m.rejectsResolved('/home/agent/.ssh/id_rsa')).toBe(false);
    // `${home}` alone needs the home token: only the spelling shows it, so the resolved path cannot rule it out.
    expect(matcher(['${home}/**']).rejectsResolved('/home/agent/notes')).toBe(false);
    // `*W/**` matches the workspace spelling through the token's letter; no resolved-path shortcut for it.
    const overlapping = matcher(['*W/**']);
    expect(overlapping.test(`${PATH_TOKENS.workspace}/src`)).toBe(true);
    expect(overlapping.rejectsResolved('/workspace/app/src')).toBe(false);
  });

  it('given the default policy and paths in every location, when a resolved path is rejected, then none of its spellings matches', () => {
    const paths = ['/workspace/app/.env', '/workspace/app/src/index.ts', '/home/agent/.ssh/id_rsa', '/home/agent/.bashrc', '/tmp/x/y', '/etc/shadow', '/workspace/app', '/home/agent', '/tmp', '/var/log/syslog', '/workspace/app/.git/hooks/pre-commit'];
    const spellingsOf = (path: string): string[] => {
      const out = [path];
      for (const [root, token] of [['/workspace/app', PATH_TOKENS.workspace], ['/home/agent', PATH_TOKENS.home], ['/tmp', PATH_TOKENS.tmp]] as const) {
        if (path === root) out.push(token);
        else if (path.startsWith(`${root}/`)) out.push(token + path.slice(root.length));
      }
      return out;
    };
    let rejected = 0;
    for (const rule of loadDefaultPolicy().rules) {
      for (const condition of [rule.when.paths, rule.when.writes, rule.when.truncates]) {
        if (!condition) continue;
        for (const path of paths) {
          if (!condition.match.rejectsResolved(path)) continue;
          rejected += 1;
          expect({ rule: rule.id, path, matched: spellingsOf(path).some((spelling) => condition.match.test(spelling)) }).toEqual({ rule: rule.id, path, matched: false });
        }
      }
    }
    expect(rejected).toBeGreaterThan(50);
  });
});
