import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SLOS, ServiceMetrics } from '@lighthouse/observability';
import { parse } from 'yaml';

// The SLO alerting rules: promtool checks and unit-tests them (each alert fires on a series that
// breaks its SLO and stays quiet on one that holds), every lh_* metric they read is one the
// services serve, and the kustomize component holds the same groups as the Helm chart's file.
const root = join(__dirname, '..', '..');
const RULES = join(root, 'deploy', 'helm', 'lighthouse', 'files', 'slo-rules.yaml');
const TESTS = join(__dirname, 'slo-rules.test.yaml');
const promtool = (args: string[]) => spawnSync('promtool', args, { encoding: 'utf8', timeout: 60_000 });

interface Rule { alert: string; expr: string; for?: string; labels?: { slo?: string } }
interface TestCase { name: string; alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }> }
const rules = (parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);

describe('SLO alerting rules', () => {
  beforeAll(() => {
    // promtool comes with Debian's prometheus package (tools/dev/prerequisites.js installs it for tests).
    expect(spawnSync('promtool', ['--version']).status).toBe(0);
  });

  it('are valid rules (promtool check rules)', () => {
    const checked = promtool(['check', 'rules', RULES]);
    expect({ status: checked.status, out: checked.stdout + checked.stderr }).toEqual({ status: 0, out: expect.stringContaining(`SUCCESS: ${rules.length} rules found`) });
  });

  it('pass their unit tests (promtool test rules)', () => {
    const tested = promtool(['test', 'rules', TESTS]);
    expect({ status: tested.status, out: tested.stdout + tested.stderr }).toEqual({ status: 0, out: expect.stringContaining('SUCCESS') });
  });

  it('and the console\'s SLA view measure the same thing: one SLO per alert, same threshold, same for', () => {
    const minutes = (duration = '0m') => Number(/^(\d+)m$/.exec(duration)?.[1] ?? NaN);
    expect(SLOS.map((slo) => slo.alert).sort()).toEqual(rules.map((rule) => rule.alert).sort());
    for (const slo of SLOS) {
      const rule = rules.find((r) => r.alert === slo.alert) as Rule;
      const threshold = /([<>=!]=?)\s*([\d.]+)\s*$/.exec(rule.expr.trim());
      expect({ alert: slo.alert, for: minutes(rule.for), threshold: threshold?.[2] === undefined ? NaN : Number(threshold[2]) }).toEqual({ alert: slo.alert, for: slo.forMinutes, threshold: slo.threshold });
    }
  });

  it('test every alert both ways: firing on a breaking series, quiet on a holding one', () => {
    const cases = (parse(readFileSync(TESTS, 'utf8')) as { tests: TestCase[] }).tests.flatMap((t) => t.alert_rule_test);
    for (const { alert } of rules) {
      expect({ alert, fires: cases.some((c) => c.alertname === alert && c.exp_alerts.length > 0), quiet: cases.some((c) => c.alertname === alert && c.exp_alerts.length === 0) }).toEqual({ alert, fires: true, quiet: true });
    }
  });

  it('read only lh_* metrics the services serve', async () => {
    const metrics = new ServiceMetrics('probe', false);
    const served = new Set<string>();
    for (const metric of (await metrics.registry.getMetricsAsJSON()) as unknown as Array<{ name: string; type: string }>) {
      served.add(metric.name);
      if (metric.type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) served.add(metric.name + suffix);
    }
    const read = new Set(rules.flatMap((r) => r.expr.match(/\blh_[a-z_]+/g) ?? []));
    expect([...read].filter((name) => !served.has(name))).toEqual([]);
    expect(read.size).toBeGreaterThanOrEqual(4);
  });

  it('ship the same groups in the kustomize component and the Helm chart', () => {
    const component = parse(readFileSync(join(root, 'k8s', 'components', 'monitoring', 'prometheus-rule.yaml'), 'utf8')) as { kind: string; spec: unknown };
    expect(component.kind).toBe('PrometheusRule');
    expect(component.spec).toEqual(parse(readFileSync(RULES, 'utf8')));
    expect(readFileSync(join(root, 'deploy', 'helm', 'lighthouse', 'templates', 'prometheusrule.yaml'), 'utf8')).toContain('.Files.Get "files/slo-rules.yaml"');
    const prod = execFileSync('kubectl', ['kustomize', join(root, 'k8s', 'overlays', 'prod')], { encoding: 'utf8', timeout: 60_000 });
    expect(prod).toMatch(/kind: PrometheusRule\n/);
  });
});
