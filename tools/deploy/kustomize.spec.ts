import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ingressProblems, invariantProblems } from './invariants';
import { overlays, parseObjects, renderKustomize, root, schemaProblems, type K8sObject } from './manifests';

// Every overlay as `kubectl kustomize` renders it (offline), every object against the Kubernetes
// schema of its kind (kubernetes-models), then the deployment invariants (invariants.ts).
describe.each(overlays())('%s', (overlay) => {
  const env = basename(overlay);
  let objects: K8sObject[];

  beforeAll(() => {
    objects = renderKustomize(overlay);
  });

  it('renders', () => {
    expect(objects.length).toBeGreaterThan(10);
  });

  it('validates every object against the Kubernetes schemas', () => {
    expect(objects.flatMap(schemaProblems)).toEqual([]);
  });

  it('holds every deployment invariant', () => {
    expect(invariantProblems(objects, env)).toEqual([]);
  });

  it('puts everything in its own namespace, with a Pod Security level', () => {
    const namespace = objects.find((o) => o.kind === 'Namespace');
    expect(namespace?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe(env === 'prod' ? 'restricted' : 'privileged');
    const elsewhere = objects.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== namespace?.metadata.name);
    expect(elsewhere.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });
});

describe('the overlays', () => {
  it('are dev and prod at least', () => {
    expect(overlays()).toEqual(expect.arrayContaining(['k8s/overlays/dev', 'k8s/overlays/prod']));
  });

  it('route only the agent API through the production ingress: not /metrics, not /admin', () => {
    const ingresses = renderKustomize('k8s/overlays/prod').filter((o) => o.kind === 'Ingress');
    expect(ingresses.length).toBeGreaterThan(0);
    expect(ingressProblems(ingresses)).toEqual([]);
  });

  it('require the Redis URL from the Secret in prod, where no Redis is bundled', () => {
    const prod = renderKustomize('k8s/overlays/prod');
    expect(prod.find((o) => o.metadata.name === 'redis')).toBeUndefined();
    for (const name of ['session-registry', 'speed-layer']) {
      const deployment = prod.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
      const redis = deployment?.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'REDIS_URL');
      expect(redis.valueFrom.secretKeyRef).toEqual({ name: 'lighthouse-secrets', key: 'REDIS_URL', optional: false });
    }
  });
});

describe('k8s/maintenance/event-store-maintenance.yaml', () => {
  it('is a valid Pod that mounts the first partition and takes the keys and its NATS password from the Secret', () => {
    const [pod] = parseObjects(readFileSync(join(root, 'k8s', 'maintenance', 'event-store-maintenance.yaml'), 'utf8'));
    expect(schemaProblems(pod as K8sObject)).toEqual([]);
    expect(pod?.spec.volumes[0].persistentVolumeClaim.claimName).toBe('events-event-store-0');
    const fromSecret = pod?.spec.containers[0].env.filter((e: { valueFrom?: unknown }) => e.valueFrom).map((e: { valueFrom: { secretKeyRef: { key: string } } }) => e.valueFrom.secretKeyRef.key);
    expect(fromSecret).toEqual(['NATS_PW_EVENT_STORE', 'LH_EVENT_HMAC_KEYS', 'LH_EVENT_ACTIVE_KEY_ID']);
    // and logs in to NATS as the event store (verify and copy-to-jetstream on the replicated log)
    expect(pod?.spec.containers[0].env[0]).toEqual({ name: 'NATS_USER', value: 'event-store' });
    expect(pod?.metadata.labels?.['app.kubernetes.io/component']).toBe('event-store');
  });
});
