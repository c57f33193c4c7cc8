import { setFlagsFromString } from 'node:v8';

/**
 * One adapter runs beside every agent, so its resident memory is multiplied by the number of
 * agents on a machine. It spends its life waiting on stdin and HTTP: nothing in it gets hot
 * enough to repay V8's optimizing compiler, whose code pages alone add about 3 MB to an idle
 * adapter's RSS (tools/bench/mcp-adapter). Set before the rest of the bundle runs. The flags
 * that must be given at start (`--jitless --no-expose-wasm --max-semi-space-size=1`) are on
 * main.js's second line, for the MCP server only (a hook starts without V8 flags: see main.ts).
 */
export function keepFootprintSmall(): void {
  setFlagsFromString('--no-opt');
}
