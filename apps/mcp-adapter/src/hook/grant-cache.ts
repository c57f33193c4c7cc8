import { chmodSync, lstatSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionGrant } from '@lighthouse/contracts';
import { randomBytesSync, sha256 } from './hook-sign';

interface CachedGrant {
  gatewayUrl: string;
  grant: SessionGrant;
}

const uid = () => process.getuid?.() ?? -1;

/**
 * The hook's session grant, kept between hook runs in one file per agent and gateway under the
 * user's state directory: directory 0700, file 0600, written to a new file and renamed into
 * place (never through a link), and read only when it is a regular file this user owns that
 * nobody else can read. It holds the token and session key, never the credential.
 */
export class GrantCache {
  readonly file: string;

  constructor(
    private readonly dir: string,
    private readonly gatewayUrl: string,
    agentId: string,
  ) {
    const tag = sha256(Buffer.from(`${gatewayUrl}\n${agentId}`, 'utf8')).toString('hex').slice(0, 16);
    this.file = join(dir, `hook-grant-${tag}.json`);
  }

  /** The cached grant while its token is good for at least `marginMs` more, else undefined. */
  load(marginMs: number, now = Date.now()): SessionGrant | undefined {
    try {
      const info = lstatSync(this.file);
      if (!info.isFile() || info.uid !== uid() || (info.mode & 0o077) !== 0) return undefined;
      const cached = JSON.parse(readFileSync(this.file, 'utf8')) as CachedGrant;
      if (cached.gatewayUrl !== this.gatewayUrl) return undefined;
      return Date.parse(cached.grant.tokenExpiresAt) - now > marginMs ? cached.grant : undefined;
    } catch {
      return undefined;
    }
  }

  /** Keeps the grant for the next hook run; a failure only costs the next run a new session. */
  save(grant: SessionGrant): void {
    const tmp = join(this.dir, `.hook-grant-${randomBytesSync(6).toString('hex')}.tmp`);
    try {
      if (!this.privateDir()) return;
      writeFileSync(tmp, JSON.stringify({ gatewayUrl: this.gatewayUrl, grant } satisfies CachedGrant), { mode: 0o600, flag: 'wx' });
      renameSync(tmp, this.file);
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing was written
      }
    }
  }

  /** The state directory exists, is a real directory of this user, and only this user can enter it. */
  private privateDir(): boolean {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const info = lstatSync(this.dir);
    if (!info.isDirectory() || info.uid !== uid()) return false;
    if ((info.mode & 0o077) !== 0) chmodSync(this.dir, 0o700);
    return true;
  }
}
