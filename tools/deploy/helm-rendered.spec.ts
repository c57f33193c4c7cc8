import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingressProblems, invariantProblems } from './invariants';
import { chartHash, parseObjects, root, schemaProblems, type K8sObject } from './manifests';

// The Helm chart as `helm template` rendered it (tools/deploy/render-helm.sh; CI has no helm):
// the snapshot must come from the chart as it is now, and what it renders must pass the same
// schema and invariant checks as the kustomize overlays.
describe.each(['dev', 'prod'])('helm template with values-%s.yaml', (env) => {
  const file = join(root, 'tools', 'deploy', 'helm-rendered', `${env}.yaml`);
  let text: string;
  let objects: K8sObject[];

  beforeAll(() => {
    text = readFileSync(file, 'utf8');
    objects = parseObjects(text);
  });

  it('was rendered from the chart as it is now', () => {
    const recorded = /^# chart-sha256: ([0-9a-f]{64})$/m.exec(text)?.[1];
    const hint = 'the chart changed since tools/deploy/helm-rendered was rendered: run tools/deploy/render-helm.sh (needs helm 3)';
    expect({ recorded, hint }).toEqual({ recorded: chartHash(), hint });
  });

  it('validates every object against the Kubernetes schemas', () => {
    expect(objects.length).toBeGreaterThan(10);
    expect(objects.flatMap(schemaProblems)).toEqual([]);
  });

  it('holds every deployment invariant', () => {
    expect(invariantProblems(objects, env)).toEqual([]);
  });

  it('routes only the agent API through its ingress: not /metrics, not /admin', () => {
    const ingresses = objects.filter((o) => o.kind === 'Ingress');
    if (env === 'prod') expect(ingresses.length).toBeGreaterThan(0);
    expect(ingressProblems(ingresses)).toEqual([]);
  });
});
