import { AdapterConfigError, loadAdapterConfig } from '../config/adapter.config';
import { runServer } from './mcp-server';

/** Starts the MCP server; a configuration problem stops it with every problem listed (exit 78). */
export async function runServeCommand(): Promise<void> {
  try {
    await runServer(loadAdapterConfig());
  } catch (error) {
    process.stderr.write(`lighthouse-mcp: ${error instanceof AdapterConfigError ? error.message : (error as Error).stack}\n`);
    process.exit(error instanceof AdapterConfigError ? 78 : 1);
  }
}
