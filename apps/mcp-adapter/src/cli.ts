// lighthouse-mcp's command: one agent's MCP server on stdio (default), or `hook <event>`, a Claude
// Code hook. Built into cli.js, which main.js (the executable, see main.ts) compiles and runs. cli.js
// holds only the hook (no zod, no MCP SDK: bundle.int.spec.ts checks); the MCP server is serve.js
// beside it, loaded only to serve.
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
