// npm run load -- --agents 1000 --duration 60s [--report out/] [--browsers 3]: the local load driver. It runs
// the scenarios of tools/load/scenarios.json (the ones the k6 script runs) against a local stack
// it starts and stops itself, or against a running gateway (--url), prints the targets table
// and, with --report, writes result.json and report.html.
import 'reflect-metadata';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCli, UsageError, USAGE } from './cli';
import type { ConsoleFigures } from './console-watch';
import { runLoad } from './load-run';
import { renderReport } from './report-html';
import { LoadResultSchema, type LoadResult } from './result';
import { loadScenario } from './scenario';
import { printable } from './text-table';

// dist/tools/load/main.js → the repository root
const repo = process.env['LOAD_REPO'] ?? join(__dirname, '..', '..', '..');
const log = (line: string) => process.stderr.write(`[load] ${line}\n`);
const interrupted = new AbortController();

async function main(): Promise<number> {
  const scenario = loadScenario(repo);
  const argv = process.argv.slice(2);
  const options = parseCli(argv, scenario);
  let consoleFigures: ConsoleFigures | undefined;
  const result: LoadResult = options.render
    ? LoadResultSchema.parse(JSON.parse(readFileSync(options.render, 'utf8')))
    : await runLoad(options, scenario, { repo, log, signal: interrupted.signal, command: `npm run load -- ${argv.join(' ')}`.trim(), onConsole: (figures) => (consoleFigures = figures) });
  process.stdout.write(`${printable(result)}\n`);
  if (options.report) {
    const dir = resolve(options.report);
    mkdirSync(dir, { recursive: true });
    if (!options.render) writeFileSync(join(dir, 'result.json'), `${JSON.stringify(result, null, 1)}\n`);
    writeFileSync(join(dir, 'report.html'), renderReport(result, scenario));
    log(`report: ${join(dir, 'report.html')} (figures in ${join(dir, 'result.json')})`);
  }
  // With --browsers, the console's figures are the last line: one JSON object.
  if (consoleFigures) process.stdout.write(`${JSON.stringify(consoleFigures)}\n`);
  return options.strict && result.targets.some((t) => t.pass === false) ? 99 : 0;
}

// Ctrl-C (or SIGTERM) ends the run early but still stops everything it started; a second one leaves at once.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the agents and the stack (again to leave at once)`);
    interrupted.abort();
    process.once(signal, () => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message ? `${error.message}\n` : ''}${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
