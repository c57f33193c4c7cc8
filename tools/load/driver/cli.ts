import { parseArgs } from 'node:util';
import { parseDuration, type Scenario } from './scenario';

export interface LoadOptions {
  agents: number;
  durationS: number;
  /** A running gateway; without it the driver starts a local stack. */
  url?: string;
  adminSecret?: string;
  /** The event store's /metrics (its ops port), for the append target against a running stack. */
  eventStoreMetrics?: string;
  /** Directory for result.json and report.html. */
  report?: string;
  /** Re-render this result JSON instead of running. */
  render?: string;
  think?: { min: number; max: number };
  rampUpS?: number;
  /** Exit 99 (as k6 does) when a target fails. */
  strict: boolean;
  /** Headless Chromium pages kept on the console during the run (event-to-page latency, heap): 0 for none. */
  browsers: number;
}

export const USAGE = `usage: npm run load -- [--agents 100] [--duration 30s] [--report out/]
                     [--url http://gateway:8765 --admin-secret S [--event-store-metrics http://host:port/metrics]]
                     [--think 1-5] [--ramp-up 10] [--strict] [--browsers 3]
       npm run load -- --render out/result.json --report out/
--browsers N keeps N headless Chromium pages on the console's timeline during the run and prints, last, one JSON line:
event-appears-in-page latency (p95 target under 1 s) and each page's JS heap trend (bounded or not).
Without --url the driver builds and starts a local stack (private NATS, own Redis prefix, fresh secrets) and stops it at the end.`;

/** The command line, checked; defaults from the scenario's profile of the same agent count. */
export function parseCli(argv: string[], scenario: Scenario, env: NodeJS.ProcessEnv = process.env): LoadOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      agents: { type: 'string' },
      duration: { type: 'string' },
      url: { type: 'string' },
      'admin-secret': { type: 'string' },
      'event-store-metrics': { type: 'string' },
      report: { type: 'string' },
      render: { type: 'string' },
      think: { type: 'string' },
      'ramp-up': { type: 'string' },
      strict: { type: 'boolean', default: false },
      browsers: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  const agents = values.agents === undefined ? 100 : Number(values.agents);
  if (!Number.isInteger(agents) || agents < 1 || agents > 20_000) throw new UsageError(`--agents must be a whole number from 1 to 20000, not ${values.agents}`);
  const profile = scenario.profiles[String(agents)];
  const durationS = parseDuration(values.duration ?? profile?.duration ?? '30s');
  if (durationS < 1 || durationS > 3600) throw new UsageError('--duration must be between 1s and 1h');
  const adminSecret = values['admin-secret'] ?? env['LH_ADMIN_SECRET'];
  if (values.url && !adminSecret) throw new UsageError('--url needs --admin-secret (or LH_ADMIN_SECRET) to issue the agents their credentials');
  if (values.url && !/^https?:\/\/[^/]+$/.test(values.url)) throw new UsageError(`--url is the gateway's base URL, e.g. http://127.0.0.1:8765, not ${values.url}`);
  if (values.render && !values.report) throw new UsageError('--render needs --report <dir>');
  const browsers = values.browsers === undefined ? 0 : Number(values.browsers);
  if (!Number.isInteger(browsers) || browsers < 0 || browsers > 8) throw new UsageError(`--browsers must be a whole number from 0 to 8, not ${values.browsers}`);
  return {
    browsers,
    agents,
    durationS,
    strict: values.strict ?? false,
    ...(values.url ? { url: values.url, adminSecret } : {}),
    ...(values['event-store-metrics'] ? { eventStoreMetrics: values['event-store-metrics'] } : {}),
    ...(values.report ? { report: values.report } : {}),
    ...(values.render ? { render: values.render } : {}),
    ...(values.think ? { think: thinkRange(values.think) } : {}),
    ...(values['ramp-up'] !== undefined ? { rampUpS: Number(values['ramp-up']) } : {}),
  };
}

function thinkRange(text: string): { min: number; max: number } {
  const match = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(text);
  if (!match || Number(match[1]) > Number(match[2])) throw new UsageError(`--think is min-max seconds, e.g. 1-5, not ${text}`);
  return { min: Number(match[1]), max: Number(match[2]) };
}

export class UsageError extends Error {
  override name = 'UsageError';
}
