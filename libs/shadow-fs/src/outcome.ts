/** The errno names the filesystem answers with (the FUSE edge maps them to numbers). */
export type Errno =
  | 'ENOENT'
  | 'EEXIST'
  | 'ENOTDIR'
  | 'EISDIR'
  | 'ENOTEMPTY'
  | 'EINVAL'
  | 'ENAMETOOLONG'
  | 'EROFS'
  | 'EACCES'
  | 'EPERM'
  | 'EXDEV'
  | 'EFBIG';

/** An expected refusal is a value, not an exception: the errno and why. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; errno: Errno; reason: string };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const refuse = <T = never>(errno: Errno, reason: string): Outcome<T> => ({ ok: false, errno, reason });
