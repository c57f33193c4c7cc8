// The MCP server half of lighthouse-mcp, bundled on its own (serve.js) and loaded by main.js.
// The V8 flags are set before any of the server's modules runs.
import { keepFootprintSmall } from './runtime/v8-footprint';

keepFootprintSmall();
void import('./server/serve.command').then((m) => m.runServeCommand());
