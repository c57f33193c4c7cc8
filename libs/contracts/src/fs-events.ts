import { z } from 'zod';

/**
 * Events of the shared project filesystem (`fs` context), appended by fuse-mounters (and the
 * `import` command) to the stream {@link FS_STREAM}; every mounter folds them into the same tree.
 * Schema version 1 for every type. File contents never travel in an event: a file is a list of
 * content-addressed chunks (SHA-256, hex) kept in the JetStream object store bucket the mounters
 * share, and the event names them.
 */
export const FS_STREAM = 'fs';

/**
 * Largest name of one path component, and of a whole path, in bytes (Linux NAME_MAX, PATH_MAX);
 * most chunks one file may have (so its event stays under the store's 1 MiB event limit: about
 * 11.7 GiB in 1 MiB chunks).
 */
export const FS_LIMITS = { nameBytes: 255, pathBytes: 4096, maxChunks: 12_000 } as const;

const encoder = new TextEncoder();
const utf8Bytes = (value: string): number => encoder.encode(value).length;

/**
 * A path inside the project (`/current` of the mount), without a leading slash: `src/main.ts`.
 * No empty, `.` or `..` component, no NUL, names ≤ 255 bytes, the whole ≤ 4096 bytes.
 */
export const ProjectPathSchema = z
  .string()
  .min(1)
  .refine((path) => utf8Bytes(path) <= FS_LIMITS.pathBytes, `at most ${FS_LIMITS.pathBytes} bytes`)
  .refine((path) => !path.includes('\u0000'), 'no NUL byte')
  .refine(
    (path) => path.split('/').every((name) => name !== '' && name !== '.' && name !== '..' && utf8Bytes(name) <= FS_LIMITS.nameBytes),
    'components must be non-empty, not . or .., at most 255 bytes, no leading or trailing /',
  );

/** SHA-256 of some bytes, lower-case hex. */
export const ContentHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex');

/** Permission bits only (type bits are implied by the event). */
const ModeSchema = z.number().int().min(0).max(0o7777);

export const FS_EVENT_DATA = {
  /** A file now has these bytes: `size` bytes in `chunks` (each `chunkSize` bytes but the last). */
  'fs.file_written': z.strictObject({
    path: ProjectPathSchema,
    size: z.number().int().min(0),
    /** SHA-256 of the whole content. */
    hash: ContentHashSchema,
    chunkSize: z.number().int().min(1024).max(64 * 1024 * 1024),
    chunks: z.array(ContentHashSchema).max(FS_LIMITS.maxChunks),
    mode: ModeSchema,
  }),
  'fs.file_deleted': z.strictObject({ path: ProjectPathSchema }),
  'fs.file_renamed': z.strictObject({ from: ProjectPathSchema, to: ProjectPathSchema }),
  'fs.directory_created': z.strictObject({ path: ProjectPathSchema, mode: ModeSchema }),
  'fs.directory_deleted': z.strictObject({ path: ProjectPathSchema }),
  'fs.directory_renamed': z.strictObject({ from: ProjectPathSchema, to: ProjectPathSchema }),
  'fs.mode_changed': z.strictObject({ path: ProjectPathSchema, mode: ModeSchema }),
  /** An expert's note on a file (or directory), shown under `/shadows/<path>`. */
  'fs.annotation_added': z.strictObject({
    path: ProjectPathSchema,
    /** What kind of note, e.g. `review`, `warning`, `explanation`. */
    kind: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/).default('note'),
    text: z.string().min(1).max(64 * 1024),
    /** The expert role that wrote it, when it wrote as one. */
    role: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/).optional(),
    /** Lines the note is about, 1-based and inclusive. */
    lines: z.strictObject({ from: z.number().int().min(1), to: z.number().int().min(1) }).optional(),
  }),
} as const;

export type FsEventType = keyof typeof FS_EVENT_DATA;
export type FsEventData<T extends FsEventType> = z.infer<(typeof FS_EVENT_DATA)[T]>;
export const FS_EVENT_TYPES = Object.keys(FS_EVENT_DATA) as FsEventType[];
