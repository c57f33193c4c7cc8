import { invariantProblems } from './invariants';
import { renderKustomize, schemaProblems, type K8sObject } from './manifests';

// The invariant and schema checks must be able to fail: each case breaks one rule in a copy of
// the rendered dev overlay and expects exactly that rule to be reported.
describe('the deployment checks catch', () => {
  let pristine: K8sObject[];
  beforeAll(() => {
    pristine = renderKustomize('k8s/overlays/dev');
  });

  const broken = (change: (objects: K8sObject[]) => void): string[] => {
    const objects = structuredClone(pristine);
    change(objects);
    return invariantProblems(objects, 'dev');
  };
  const workload = (objects: K8sObject[], name: string) => objects.find((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata.name === name)!;
  const container = (objects: K8sObject[], name: string) => workload(objects, name).spec.template.spec.containers[0];
  const sidecar = (objects: K8sObject[]) => workload(objects, 'agent-workspace').spec.template.spec.initContainers[0];

  it('nothing in the rendered overlay as it is', () => {
    expect(invariantProblems(pristine, 'dev')).toEqual([]);
  });

  it('a privileged service container', () => {
    expect(broken((o) => (container(o, 'speed-layer').securityContext.privileged = true))).toEqual(['Deployment/speed-layer container speed-layer: privileged']);
  });

  it('a container that may run as root', () => {
    expect(broken((o) => (workload(o, 'gateway').spec.template.spec.securityContext.runAsUser = 0))).toContain('Deployment/gateway container gateway: runs as uid 0');
  });

  it('a missing probe or limit', () => {
    expect(
      broken((o) => {
        delete container(o, 'event-store').readinessProbe;
        delete container(o, 'gateway').resources.limits.memory;
      }),
    ).toEqual(expect.arrayContaining(['StatefulSet/event-store container event-store: no readinessProbe', 'Deployment/gateway container gateway: no limits.memory']));
  });

  it('a secret given as a value', () => {
    expect(broken((o) => (container(o, 'event-store').env.find((e: { name: string }) => e.name === 'LH_EVENT_HMAC_KEYS').valueFrom = undefined))).toEqual(
      expect.arrayContaining(['StatefulSet/event-store container event-store: LH_EVENT_HMAC_KEYS is not from a secretKeyRef']),
    );
    // The snapshot followers need the event log keys too (they sign their snapshots with them).
    const withoutKeys = (name: string) => (o: K8sObject[]) => {
      const env = container(o, name).env as Array<{ name: string }>;
      env.splice(env.findIndex((e) => e.name === 'LH_EVENT_HMAC_KEYS'), 1);
    };
    expect(broken(withoutKeys('delegation-router'))).toEqual(['delegation-router does not take LH_EVENT_HMAC_KEYS from a Secret (it signs its snapshots with them)']);
    expect(broken(withoutKeys('speed-layer'))).toEqual(['speed-layer does not take LH_EVENT_HMAC_KEYS from a Secret (it signs its snapshots with them)']);
    expect(broken((o) => o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'oops' }, data: {} }))).toEqual(['Secret/oops: secrets are referenced, never rendered']);
  });

  it('a variable no service knows, which would stop it at boot', () => {
    expect(broken((o) => (o.find((x) => x.kind === 'ConfigMap' && x.metadata.name === 'lighthouse-config')!.data!['LH_LOG_LEVL'] = 'debug'))).toEqual([
      'ConfigMap/lighthouse-config: LH_LOG_LEVL is no service\'s variable',
    ]);
  });

  it('a FUSE sidecar with another capability, or consumers without HostToContainer', () => {
    expect(broken((o) => sidecar(o).securityContext.capabilities.add.push('NET_ADMIN'))).toEqual([
      'Deployment/agent-workspace container fuse-mounter: must add exactly [SYS_ADMIN], adds [SYS_ADMIN,NET_ADMIN]',
    ]);
    expect(broken((o) => delete container(o, 'agent-workspace').volumeMounts[0].mountPropagation)).toEqual([
      'Deployment/agent-workspace container agent: reads lighthouse-fs without mountPropagation HostToContainer',
    ]);
    expect(broken((o) => (container(o, 'agent-workspace').securityContext.runAsUser = 2000))).toEqual([
      'Deployment/agent-workspace container agent: runs as uid 2000, the mount allows only the mounter\'s uid 1000',
    ]);
  });

  it('an event store without its own volume, or with a second writer', () => {
    expect(broken((o) => (workload(o, 'event-store').spec.volumeClaimTemplates = []))).toContain(
      'StatefulSet/event-store: LH_EVENT_DIR is not on a volumeClaimTemplate (one PVC per partition)',
    );
    expect(broken((o) => (workload(o, 'event-store').spec.replicas = 2))).toEqual(['StatefulSet/event-store: 2 partitions; the service supports exactly one log']);
  });

  it('a stateless service without its HPA, or a policy opening a backend to everyone', () => {
    expect(broken((o) => o.splice(o.findIndex((x) => x.kind === 'HorizontalPodAutoscaler' && x.metadata.name === 'speed-layer'), 1))).toEqual([
      'Deployment/speed-layer: no HorizontalPodAutoscaler',
    ]);
    expect(broken((o) => o.find((x) => x.kind === 'NetworkPolicy' && x.metadata.name === 'redis')!.spec.ingress[0].from = undefined)).toEqual([
      'NetworkPolicy/redis: opens redis to every source',
    ]);
  });

  it('an object that breaks its Kubernetes schema', () => {
    const deployment = structuredClone(workload(pristine, 'gateway'));
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    delete deployment.spec.selector;
    expect(schemaProblems(deployment).join('\n')).toMatch(/containerPort must be integer|must have required property 'selector'/);
    expect(schemaProblems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      'Widget/w: no schema for example.com/v1 Widget (add its kubernetes-models class to MODELS)',
    ]);
  });
});

// The replicated event log in production: each rule broken once in a copy of the prod overlay.
describe('the deployment checks catch in prod', () => {
  let pristine: K8sObject[];
  beforeAll(() => {
    pristine = renderKustomize('k8s/overlays/prod');
  });
  const broken = (change: (objects: K8sObject[]) => void): string[] => {
    const objects = structuredClone(pristine);
    change(objects);
    return invariantProblems(objects, 'prod');
  };
  const store = (objects: K8sObject[]) => objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'event-store')!.spec.template.spec.containers[0];
  const nats = (objects: K8sObject[]) => objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'nats')!.spec.template.spec;

  it('nothing in the prod overlay as it is, which runs the jetstream backend with 3 replicas', () => {
    expect(invariantProblems(pristine, 'prod')).toEqual([]);
    expect(store(pristine).env).toEqual(expect.arrayContaining([{ name: 'LH_EVENT_BACKEND', value: 'jetstream' }, { name: 'LH_EVENT_REPLICAS', value: '3' }]));
  });

  it('the file log in prod, or fewer replicas of the stream', () => {
    expect(broken((o) => (store(o).env = store(o).env.filter((e: { name: string }) => e.name !== 'LH_EVENT_BACKEND')))).toEqual(['StatefulSet/event-store: file backend in prod, want jetstream (a replicated log)']);
    expect(broken((o) => (store(o).env.find((e: { name: string }) => e.name === 'LH_EVENT_REPLICAS').value = '1'))).toEqual(['StatefulSet/event-store: LH_EVENT_REPLICAS 1, want 3']);
  });

  it('NATS servers that may share a node, are not spread over zones, or have no PDB', () => {
    expect(broken((o) => delete nats(o).affinity)).toEqual(['StatefulSet/nats: no required anti-affinity by hostname (two replicas of the log could share a node)']);
    expect(broken((o) => (nats(o).topologySpreadConstraints = []))).toEqual(['StatefulSet/nats: not spread over zones']);
    expect(broken((o) => o.splice(o.findIndex((x) => x.kind === 'PodDisruptionBudget' && x.metadata.name === 'nats'), 1))).toEqual(['nats: no PodDisruptionBudget keeping a quorum (maxUnavailable 1)']);
  });

  it('the replicated backend in dev, which keeps the file log', () => {
    const dev = structuredClone(renderKustomize('k8s/overlays/dev'));
    store(dev).env.push({ name: 'LH_EVENT_BACKEND', value: 'jetstream' });
    expect(invariantProblems(dev, 'dev')).toEqual(['StatefulSet/event-store: jetstream backend in dev, want the file log']);
  });
});
