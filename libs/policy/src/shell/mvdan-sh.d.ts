/**
 * The slice of mvdan-sh (GopherJS build of mvdan.cc/sh/v3/syntax) this library uses. The
 * package ships no types. `__internal_object__` is the Go value behind the JS wrapper: reading
 * it directly is about a hundred times faster than the reflective wrapper getters.
 */
declare module 'mvdan-sh' {
  interface ShellFile {
    readonly __internal_object__: unknown;
  }
  interface ShellParser {
    Parse(src: string, name: string): ShellFile;
  }
  export const syntax: {
    NewParser(...options: unknown[]): ShellParser;
  };
}
