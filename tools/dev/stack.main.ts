// `npm start`: the whole bridge up locally until Ctrl-C. See tools/dev/start.mjs.
import { join } from 'node:path';
import { startDevStack } from './stack';

async function main(): Promise<void> {
  const root = process.argv[2] ?? process.cwd();
  const stateDir = join(root, '.lighthouse');
  const log = (line: string) => process.stdout.write(`[lighthouse] ${line}\n`);
  const gatewayPort = Number(process.env['LH_GATEWAY_PORT'] ?? 8765);
  const stack = await startDevStack({ root, stateDir, gatewayPort, log });
  log(`every service is up; logs in ${join('.lighthouse', 'logs')}`);
  log(`gateway: ${stack.gatewayUrl}   (try: curl ${stack.gatewayUrl}/health)`);
  log(`console: ${stack.gatewayUrl}/console   (sign in with your name and LH_ADMIN_SECRET, kept in ${join('.lighthouse', 'dev-secrets.json')})`);
  log('Ctrl-C stops everything this command started');
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    await stack.stop();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: Error) => {
  process.stderr.write(`[lighthouse] could not start: ${error.message}\n`);
  process.exit(1);
});
