import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KNOWN_LH_VARIABLES, SERVICE_NODE_FLAGS } from '@lighthouse/config';
import { root } from './manifests';

// No docker engine in CI: the Dockerfile is checked as text. It must build each app with the
// commands CI runs, ship only that app's production dependencies, and run as non-root with a
// health check.
const dockerfile = readFileSync(join(root, 'deploy', 'docker', 'Dockerfile'), 'utf8');
const ci = readFileSync(join(root, '.ci', 'run'), 'utf8');
const ignore = readFileSync(join(root, 'deploy', 'docker', 'Dockerfile.dockerignore'), 'utf8').split('\n');

interface Stage {
  name: string;
  from: string;
  lines: string[];
}

function stages(text: string): Stage[] {
  const joined = text.replace(/\\\n\s*/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  const out: Stage[] = [];
  for (const line of joined) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.push({ from: from[1] as string, name: from[2] ?? '', lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

const all = stages(dockerfile);
const stage = (name: string) => {
  const found = all.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
/** The stage and every stage it is built FROM, nearest last. */
const lineage = (name: string): Stage[] => {
  const s = stage(name);
  return all.some((other) => other.name === s.from) ? [...lineage(s.from), s] : [s];
};
const runs = (s: Stage) => s.lines.filter((l) => l.startsWith('RUN ')).join('\n');

describe('deploy/docker/Dockerfile', () => {
  it('builds with the commands CI runs: npm ci, then the build script', () => {
    const ciInstall = /^npm ci .*$/m.exec(ci)?.[0];
    expect(ciInstall).toBeDefined();
    expect(runs(stage('build'))).toContain(`RUN ${ciInstall}`);
    expect(ci).toMatch(/npm run build/);
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.build).toBe('node tools/build/build.mjs');
    expect(runs(stage('build'))).toMatch(/node tools\/build\/build\.mjs "\$\{APP\}"/);
  });

  it('installs only the app production dependencies from its pruned lock', () => {
    expect(runs(stage('build'))).toMatch(/node tools\/build\/app-package\.mjs "\$\{APP\}"/);
    const deps = stage('deps');
    expect(deps.lines.join('\n')).toMatch(/COPY --from=build \/src\/dist\/apps\/\$\{APP\}\/package\.json \/src\/dist\/apps\/\$\{APP\}\/package-lock\.json/);
    expect(runs(deps)).toMatch(/npm ci --omit=dev/);
    const runtime = stage('runtime').lines.join('\n');
    expect(runtime).toMatch(/COPY --from=deps \/app\/node_modules/);
    expect(runtime).not.toMatch(/COPY --from=build \/src\/node_modules/);
  });

  it.each(['service', 'fuse-mounter'])('runs the %s image as the non-root node user with a health check', (name) => {
    const lines = lineage(name).flatMap((s) => s.lines);
    expect(lines.filter((l) => l.startsWith('USER ')).at(-1)).toBe('USER node');
    expect(lines.some((l) => /^HEALTHCHECK .*healthcheck\.js/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('ENTRYPOINT ["node"'))).toBe(true);
  });

  it.each(['service', 'fuse-mounter'])('starts the %s image with the V8 flags every service starts with (as npm start does)', (name) => {
    const entry = lineage(name).flatMap((s) => s.lines).filter((l) => l.startsWith('ENTRYPOINT ')).at(-1) ?? '';
    const argv = JSON.parse(entry.slice('ENTRYPOINT '.length)) as string[];
    expect(argv.slice(0, -1)).toEqual(expect.arrayContaining([...SERVICE_NODE_FLAGS]));
    expect(argv.at(-1)).toBe('/app/main.js');
  });

  it('gives the fuse-mounter what FUSE needs, and only the fuse-mounter', () => {
    expect(runs(stage('fuse-mounter'))).toMatch(/apt-get install .*\bfuse\b.*\blibfuse2\b/);
    expect(runs(stage('fuse-mounter'))).toMatch(/user_allow_other/);
    expect(lineage('service').map((s) => runs(s)).join('\n')).not.toMatch(/fuse/);
  });

  it('sets only LH_* variables every service knows (an unknown one stops the boot)', () => {
    const set = [...dockerfile.matchAll(/\b(LH_[A-Z0-9_]+)=/g)].map((m) => m[1] as string);
    expect(set.length).toBeGreaterThan(0);
    expect(set.filter((name) => !KNOWN_LH_VARIABLES.has(name))).toEqual([]);
  });

  it('keeps local installs, build output and state out of the build context', () => {
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', 'dist', '.lighthouse', '.git', '.env']));
  });
});
