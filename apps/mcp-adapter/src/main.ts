#!/usr/bin/env -S node --jitless --no-expose-wasm --max-semi-space-size=1
// lighthouse-mcp: one agent's MCP server on stdio (default), or `hook pre-tool-use`, the Claude
// Code PreToolUse hook. The built main.js is executable; the flags above keep an idle adapter
// small (interpreter only, a 1 MB young generation). Each mode loads only its own modules.
import { keepFootprintSmall } from './runtime/v8-footprint';

keepFootprintSmall();
const [command, event] = process.argv.slice(2);
if (command === 'hook') {
  void import('./hook/hook.command').then((m) => m.runHookCommand(event));
} else if (command === undefined || command === 'serve') {
  void import('./server/serve.command').then((m) => m.runServeCommand());
} else {
  process.stderr.write('usage: lighthouse-mcp [serve] | lighthouse-mcp hook pre-tool-use\n');
  process.exit(64);
}
