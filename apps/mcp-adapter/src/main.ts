#!/bin/sh
// lighthouse-mcp: one agent's MCP server on stdio (default), or `hook <event>`, a Claude Code
// hook. The built main.js is executable: its second line, a shell command that JavaScript reads
// as a string and a comment (tools/build/build.mjs), starts node for the hook with no V8 flags,
// and for the MCP server with flags that keep an idle adapter small (interpreter only, a 1 MB
// young generation). Any V8 flag costs every start its built-in code cache (Node's own modules
// are compiled again: about 12 ms a hook run), and a hook starts once per tool call. main.js
// holds only the hook (no zod, no MCP SDK: bundle.int.spec.ts checks); the MCP server is
// serve.js beside it, loaded only to serve.
import { join } from 'node:path';
import { runHookCommand } from './hook/hook.command';

const [command, event] = process.argv.slice(2);
if (command === 'hook') {
  void runHookCommand(event);
} else if (command === undefined || command === 'serve') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundle of its own, next to this one (see tools/build/build.mjs)
  require(join(__dirname, 'serve.js'));
} else {
  process.stderr.write('usage: lighthouse-mcp [serve] | lighthouse-mcp hook <event> (pre-tool-use, post-tool-use, user-prompt-submit, session-start)\n');
  process.exit(64);
}
