import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { root } from './manifests';

// The chart's values files against values.schema.json, as helm merges them at install
// (values.yaml, then the environment's file on top); and values that must fail.
const chart = join(root, 'deploy', 'helm', 'lighthouse');
type Values = Record<string, unknown>;
const load = (file: string) => parse(readFileSync(join(chart, file), 'utf8')) as Values;

/** Helm's merge: maps merge key by key, everything else (lists too) is replaced. */
function merge(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    const bothMaps = [current, value].every((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
    out[key] = bothMaps ? merge(current as Values, value as Values) : value;
  }
  return out;
}

const schema = JSON.parse(readFileSync(join(chart, 'values.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const errors = (values: Values) => (validate(values) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`));
const defaults = load('values.yaml');
const withChange = (change: Values) => errors(merge(defaults, change));

describe('values.schema.json', () => {
  it.each(['values-dev.yaml', 'values-prod.yaml'])('accepts values.yaml with %s', (file) => {
    expect(errors(merge(defaults, load(file)))).toEqual([]);
  });

  it('accepts values.yaml alone', () => {
    expect(errors(defaults)).toEqual([]);
  });

  it.each([
    ['a misspelt key', { gatway: { autoscaling: {} } }, /must NOT have additional properties/],
    ['a misspelt nested key', { eventStore: { storge: '1Gi' } }, /must NOT have additional properties/],
    ['a log level no service knows', { logLevel: 'verbose' }, /logLevel must be equal to one of the allowed values/],
    ['a second event-store partition', { eventStore: { partitions: 2 } }, /partitions must be <= 1/],
    ['an event-log backend no service knows', { eventStore: { backend: 'postgres' } }, /backend must be equal to one of the allowed values/],
    ['an even NATS cluster', { nats: { replicas: 2 } }, /nats\/replicas must be equal to one of the allowed values/],
    ['a NATS without sync_interval', { nats: { image: 'nats:2.9.25-alpine' } }, /nats\/image must match pattern/],
    ['no NATS and no URL', { nats: { enabled: false } }, /nats\/url/],
    ['a memory limit in the wrong unit', { gateway: { resources: { limits: { cpu: '2', memory: '512MB' } } } }, /memory must match pattern/],
    ['a number where a quantity string goes', { speedLayer: { resources: { requests: { cpu: 1, memory: '192Mi' } } } }, /cpu must be string/],
    ['replicas as a string', { gateway: { autoscaling: { minReplicas: '2', maxReplicas: 10, targetCPUUtilizationPercentage: 70 } } }, /minReplicas must be integer/],
    ['an OTEL endpoint that is not a URL', { otel: { endpoint: 'collector:4318' } }, /otel\/endpoint must match pattern/],
    ['the ops port on the gateway port', { opsPort: 8765 }, /opsPort must NOT be valid/],
  ])('refuses %s', (_what, change, message) => {
    expect(withChange(change as Values).join('\n')).toMatch(message);
  });
});
