import { lstat, open, readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { loadConfig, natsServiceShape } from '@lighthouse/config';
import { ProjectPathSchema } from '@lighthouse/contracts';
import { createLogger, type Logger } from '@lighthouse/observability';
import { decideWrite, type FsCommand, type FsTree } from '@lighthouse/shadow-fs';
import { EventStoreClient, NatsBus } from '@lighthouse/transport';
import { ObjectChunkStore } from '../content/chunk-store';
import { ContentWriter } from '../content/content-writer';
import { fuseConfigShape } from '../fuse-mounter.config';
import { ShadowSync } from '../sync/shadow-sync';

const USAGE = 'usage: fuse-mounter import <dir> [--exclude <name>]... (default excludes: .git)';
/** Events per append, bytes of new files between appends, and encoded event bytes per append (frames are 1 MiB at most). */
const BATCH_EVENTS = 200;
const BATCH_BYTES = 64 * 1024 * 1024;
const BATCH_FRAME_BYTES = 512 * 1024;

export interface ImportSummary {
  directories: number;
  files: number;
  bytes: number;
  unchanged: number;
  skipped: Array<{ path: string; why: string }>;
  lastSequence: number;
}

/**
 * `import <dir>`: seeds `/current` from an existing checkout. Folders first, then files (each
 * stored as chunks, then named in one `fs.file_written`), appended in batches. A file whose
 * content and mode are already there is left alone, so running it twice changes nothing.
 */
export async function runImport(argv: string[]): Promise<number> {
  const { dir, exclude } = parseArgs(argv);
  const config = loadConfig({ ...natsServiceShape, ...fuseConfigShape });
  const logger = createLogger('fuse-mounter-import', config.LH_LOG_LEVEL);
  const bus = await NatsBus.connect({ servers: config.NATS_URL, user: config.NATS_USER, pass: config.NATS_PASSWORD, name: 'fuse-mounter-import', maxFrameBytes: config.LH_MAX_FRAME_BYTES });
  const sync = new ShadowSync({ bus: bus, store: new EventStoreClient(bus, config.LH_REQUEST_TIMEOUT_MS), agent: config.LH_FUSE_AGENT, logger });
  try {
    const store = await ObjectChunkStore.open(bus.streams, config.LH_FUSE_BUCKET, config.LH_REQUEST_TIMEOUT_MS);
    await sync.start();
    const summary = await importTree(dir, exclude, sync, new ContentWriter(store, undefined), logger);
    process.stdout.write(`${JSON.stringify({ imported: dir, ...summary })}\n`);
    return 0;
  } finally {
    sync.stop();
    await bus.close();
  }
}

function parseArgs(argv: string[]): { dir: string; exclude: Set<string> } {
  const exclude = new Set(['.git']);
  let dir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--exclude' && argv[i + 1]) exclude.add(argv[++i] as string);
    else if (!arg.startsWith('--') && !dir) dir = arg;
    else throw new Error(USAGE);
  }
  if (!dir) throw new Error(USAGE);
  return { dir: resolve(dir), exclude };
}

export async function importTree(root: string, exclude: Set<string>, sync: ShadowSync, writer: ContentWriter, logger: Logger): Promise<ImportSummary> {
  const summary: ImportSummary = { directories: 0, files: 0, bytes: 0, unchanged: 0, skipped: [], lastSequence: 0 };
  const { dirs, files } = await walk(root, exclude, summary);
  const tree = (): FsTree => sync.state.tree;
  const batch = new Batch(sync, summary);
  // Parents come before children, and one append applies in order: no need to wait between them.
  for (const { path, mode } of dirs) {
    const there = tree().lookup(path.split('/'));
    if (there?.kind === 'dir') continue;
    if (there) {
      summary.skipped.push({ path, why: 'a file of that name is in /current' });
      continue;
    }
    await batch.add({ type: 'fs.directory_created', data: { path, mode } }, 0);
    summary.directories++;
  }
  await batch.flush();
  for (const { path, mode } of files) {
    const handle = await open(join(root, path), 'r');
    try {
      const size = (await handle.stat()).size;
      const content = await writer.storeFile(handle.fd, size);
      const there = tree().lookup(path.split('/'));
      if (there?.kind === 'file' && there.hash === content.hash && there.mode === mode) {
        summary.unchanged++;
        continue;
      }
      const decided = decideWrite(tree(), `/current/${path}`, content, mode);
      if (!decided.ok) {
        summary.skipped.push({ path, why: decided.reason });
        continue;
      }
      await batch.add(decided.value, size);
      summary.files++;
      summary.bytes += size;
    } finally {
      await handle.close();
    }
  }
  await batch.flush();
  logger.info(summary, 'import done');
  return summary;
}

/** Folders (parents first) and regular files below `root`, as project paths. */
async function walk(root: string, exclude: Set<string>, summary: ImportSummary) {
  const dirs: Array<{ path: string; mode: number }> = [];
  const files: Array<{ path: string; mode: number }> = [];
  const visit = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir)).sort();
    for (const name of entries) {
      if (exclude.has(name)) continue;
      const full = join(dir, name);
      const path = relative(root, full).split(sep).join('/');
      const stat = await lstat(full);
      if (!ProjectPathSchema.safeParse(path).success) summary.skipped.push({ path, why: 'not a valid project path' });
      else if (stat.isDirectory()) {
        dirs.push({ path, mode: stat.mode & 0o7777 });
        await visit(full);
      } else if (stat.isFile()) files.push({ path, mode: stat.mode & 0o7777 });
      else summary.skipped.push({ path, why: stat.isSymbolicLink() ? 'symbolic links are not supported' : 'not a regular file' });
    }
  };
  await visit(root);
  return { dirs, files };
}

/** Commands appended together once there are enough of them (or enough new bytes). */
class Batch {
  private commands: FsCommand[] = [];
  private bytes = 0;
  private frame = 0;

  constructor(
    private readonly sync: ShadowSync,
    private readonly summary: ImportSummary,
  ) {}

  async add(command: FsCommand, bytes: number): Promise<void> {
    const encoded = JSON.stringify(command.data).length + 256;
    if (this.frame + encoded > BATCH_FRAME_BYTES) await this.flush();
    this.commands.push(command);
    this.bytes += bytes;
    this.frame += encoded;
    if (this.commands.length >= BATCH_EVENTS || this.bytes >= BATCH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.commands.length === 0) return;
    const commands = this.commands.splice(0);
    this.bytes = 0;
    this.frame = 0;
    this.summary.lastSequence = await this.sync.commit(commands);
  }
}
