import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionGrant } from '@lighthouse/contracts';
import { GrantCache } from './grant-cache';

const grant = (expiresInMs: number): SessionGrant => ({
  agentId: 'dev-1',
  sessionId: 'A'.repeat(22),
  token: 'v1.claims.mac',
  tokenExpiresAt: new Date(Date.now() + expiresInMs).toISOString(),
  sessionExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  idleTimeoutSeconds: 1800,
  sessionKey: 'k'.repeat(43),
  audience: 'lighthouse',
});

describe('the hook grant cache', () => {
  let base: string;
  let dir: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'lh-grant-'));
    dir = join(base, 'state', 'lighthouse');
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('keeps a grant in an owner-only file in an owner-only directory, and gives it back while its token lasts', () => {
    const cache = new GrantCache(dir, 'http://127.0.0.1:8765', 'dev-1');
    const kept = grant(600_000);
    cache.save(kept);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(cache.file).mode & 0o777).toBe(0o600);
    expect(cache.load(30_000)).toEqual(kept);
    expect(readFileSync(cache.file, 'utf8')).not.toContain('lhc_');
  });

  it('gives nothing back for a token about to expire, another gateway or another agent', () => {
    const cache = new GrantCache(dir, 'http://127.0.0.1:8765', 'dev-1');
    cache.save(grant(10_000));
    expect(cache.load(30_000)).toBeUndefined();
    expect(cache.load(0)).toBeDefined();
    expect(new GrantCache(dir, 'http://10.0.0.1:8765', 'dev-1').load(0)).toBeUndefined();
    expect(new GrantCache(dir, 'http://127.0.0.1:8765', 'dev-2').load(0)).toBeUndefined();
  });

  it('ignores a cache file others can read, and a link put in its place', () => {
    const cache = new GrantCache(dir, 'http://127.0.0.1:8765', 'dev-1');
    cache.save(grant(600_000));
    chmodSync(cache.file, 0o644);
    expect(cache.load(0)).toBeUndefined();
    const elsewhere = join(base, 'elsewhere.json');
    writeFileSync(elsewhere, 'not yours', { mode: 0o600 });
    rmSync(cache.file);
    symlinkSync(elsewhere, cache.file);
    expect(cache.load(0)).toBeUndefined();
    // Saving replaces the link itself, never writes through it.
    cache.save(grant(600_000));
    expect(lstatSync(cache.file).isSymbolicLink()).toBe(false);
    expect(readFileSync(elsewhere, 'utf8')).toBe('not yours');
    expect(cache.load(0)).toBeDefined();
  });

  it('tightens a state directory of its own that others could enter', () => {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    new GrantCache(dir, 'http://127.0.0.1:8765', 'dev-1').save(grant(600_000));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});
