#!/bin/sh
// lighthouse-mcp, the executable: one agent's MCP server on stdio (default), or `hook <event>`, a
// Claude Code hook (see cli.ts). Its second line, a shell command that JavaScript reads as a
// string and a comment (tools/build/build.mjs), starts node for a hook with no V8 flags, and for
// the MCP server with flags that keep an idle adapter small (interpreter only, a 1 MB young
// generation). Any V8 flag costs every start its built-in code cache (Node's own modules are
// compiled again: about 12 ms a hook run), and a hook starts once per tool call. For the same
// reason this file only compiles cli.js beside it, for a hook with V8's code cache of it kept in
// the user's state directory (hook/code-cache.ts). Whatever fails here fails as the hook would:
// pre-tool-use blocks (exit 2), a context hook says nothing (exit 0), never exit 1.
import { join } from 'node:path';
import { codeCacheFile, compileCached, stateDirOf } from './hook/code-cache';

const [command, event] = process.argv.slice(2);
const cli = join(__dirname, 'cli.js');

function cacheFileFor(): string | undefined {
  if (command !== 'hook') return undefined;
  try {
    const dir = stateDirOf(process.env);
    return dir === undefined ? undefined : codeCacheFile(dir, cli, process.env);
  } catch {
    return undefined;
  }
}

try {
  compileCached(cli, cacheFileFor())(exports, require, module, cli, __dirname);
} catch (error) {
  const why = error instanceof Error ? error.message : String(error);
  if (command === 'hook') {
    if (event === 'pre-tool-use') process.stderr.write(`the Lighthouse hook failed, so the call is blocked: ${why}\n`);
    process.exit(event === 'pre-tool-use' ? 2 : 0);
  }
  process.stderr.write(`lighthouse-mcp could not start: ${why}\n`);
  process.exit(70);
}
