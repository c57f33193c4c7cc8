// Types for the parts of fuse-native 2.2 this app uses (the package ships none).
declare module 'fuse-native' {
  type Callback = (...args: unknown[]) => void;

  interface FuseOptions {
    force?: boolean;
    mkdir?: boolean;
    allowOther?: boolean;
    fsname?: string;
    debug?: boolean;
    /** Numbers are dropped when falsy: pass '0', not 0. */
    entryTimeout?: string | number;
    attrTimeout?: string | number;
    /** Per call: milliseconds before fuse-native answers ETIMEDOUT itself, or false for none. */
    timeout?: number | false | Record<string, number | false>;
  }

  class Fuse {
    constructor(mountPoint: string, ops: Record<string, Callback>, options?: FuseOptions);
    readonly mnt: string;
    mount(callback: (error: Error | null) => void): void;
    unmount(callback: (error: Error | null) => void): void;
    static unmount(mountPoint: string, callback: (error: Error | null) => void): void;
    static readonly [errno: string]: unknown;
  }

  export = Fuse;
}
