#!/usr/bin/env -S node --jitless --no-expose-wasm --max-semi-space-size=1
// lighthouse-mcp: one agent's MCP server on stdio (default), or `hook <event>`, a Claude Code
// hook. The built main.js is executable; the flags above keep an idle adapter small (interpreter
// only, a 1 MB young generation). A hook starts once per tool call, so main.js holds only the
// hook (no zod, no MCP SDK: bundle.int.spec.ts checks); the MCP server is serve.js beside it,
// loaded only to serve.
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
