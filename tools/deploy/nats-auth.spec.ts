import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NATS_AUTH_FILES, NATS_USERS, natsPasswordKey, renderNatsAuthConf, withNatsAuthConf } from './nats-auth';
import { parseObjects, renderKustomize, root, type K8sObject } from './manifests';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered YAML */

const SERVICE_COMPONENTS = ['gateway', 'registry', 'validation', 'delegation', 'event-store'];
const INFRA = new Set(['nats', 'redis']);
const FUSE = 'fuse-mounter';

const renders: [string, () => K8sObject[]][] = [
  ['kustomize dev', () => renderKustomize('k8s/overlays/dev')],
  ['kustomize prod', () => renderKustomize('k8s/overlays/prod')],
  ['helm dev', () => parseObjects(readFileSync(join(root, 'tools', 'deploy', 'helm-rendered', 'dev.yaml'), 'utf8'))],
  ['helm prod', () => parseObjects(readFileSync(join(root, 'tools', 'deploy', 'helm-rendered', 'prod.yaml'), 'utf8'))],
];

const workloads = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
const envOf = (container: any, name: string) => (container.env ?? []).find((e: any) => e.name === name);
const secretRef = (container: any, name: string) => envOf(container, name)?.valueFrom?.secretKeyRef;

describe('the generated NATS users in the manifests', () => {
  it.each(NATS_AUTH_FILES)('%s holds the users the contract table gives (else run node tools/deploy/nats-auth.mjs)', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    expect(withNatsAuthConf(text, file)).toBe(text);
  });

  it('references every password by variable, never as a value', () => {
    const conf = renderNatsAuthConf();
    for (const user of NATS_USERS) expect(conf).toContain(`{ user: "${user}", password: $${natsPasswordKey(user)}, permissions: {`);
    expect(conf.match(/password: /g)).toHaveLength(NATS_USERS.length);
  });
});

describe.each(renders)('%s', (name, render) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = render();
  });

  it("gives NATS the service users with the contract table's permissions, and no other", () => {
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'nats-config');
    const auth = config?.data?.['auth.conf'] ?? '';
    const generated = auth
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .join('\n')
      .trim();
    expect(generated).toBe(renderNatsAuthConf());
    expect(config?.data?.['nats.conf']).toMatch(/^\s*include \.\/auth\.conf$/m);
  });

  it('sets every NATS password on the NATS container from a Secret', () => {
    const nats = workloads(objects).find((o) => o.metadata.name === 'nats');
    const container = nats?.spec.template.spec.containers.find((c: any) => c.name === 'nats');
    for (const user of NATS_USERS) expect({ user, ref: secretRef(container, natsPasswordKey(user)) }).toEqual({ user, ref: expect.objectContaining({ name: 'lighthouse-secrets', key: natsPasswordKey(user) }) });
  });

  it('gives every service container its own login: NATS_USER, and NATS_PASSWORD from its own Secret key', () => {
    const services = workloads(objects).filter((o) => !INFRA.has(o.metadata.name) && SERVICE_COMPONENTS.includes(o.spec.template.metadata.labels['app.kubernetes.io/component']));
    expect(services.map((o) => o.metadata.name).sort()).toEqual(['delegation-router', 'event-store', 'gateway', 'session-registry', 'speed-layer']);
    for (const service of services) {
      const [container] = service.spec.template.spec.containers;
      const user = service.metadata.name as (typeof NATS_USERS)[number];
      expect({ user, login: envOf(container, 'NATS_USER'), password: secretRef(container, 'NATS_PASSWORD') }).toEqual({
        user,
        login: { name: 'NATS_USER', value: user },
        password: { name: 'lighthouse-secrets', key: natsPasswordKey(user) },
      });
    }
  });

  it('gives the FUSE sidecar the fuse-mounter login only, from its own Secret, and the agent containers no NATS secret', () => {
    const agentPods = workloads(objects).filter((o) => (o.spec.template.spec.initContainers ?? []).some((c: any) => c.name === FUSE));
    // dev renders the example agent pod; prod renders none (agents run in their own namespace).
    expect(agentPods.length).toBe(name.endsWith('dev') ? 1 : 0);
    for (const pod of agentPods) {
      const sidecar = pod.spec.template.spec.initContainers.find((c: any) => c.name === FUSE);
      expect(envOf(sidecar, 'NATS_USER')).toEqual({ name: 'NATS_USER', value: FUSE });
      expect(secretRef(sidecar, 'NATS_PASSWORD')).toEqual({ name: 'lighthouse-fuse-mounter', key: 'NATS_PASSWORD' });
      for (const agent of pod.spec.template.spec.containers) {
        const secrets = [...(agent.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef), ...(agent.envFrom ?? []).filter((e: any) => e.secretRef)];
        expect({ agent: agent.name, secrets }).toEqual({ agent: agent.name, secrets: [] });
      }
      const secretVolumes = (pod.spec.template.spec.volumes ?? []).filter((v: any) => v.secret || v.projected);
      expect(secretVolumes).toEqual([]);
    }
  });

  it('admits to NATS only the chart/base service pods of its namespace and labelled FUSE sidecars, not lighthouse.dev/nats-client', () => {
    const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'nats');
    const clients = policy?.spec.ingress.find((rule: any) => rule.ports.some((p: any) => p.port === 4222));
    expect(JSON.stringify(objects)).not.toContain('lighthouse.dev/nats-client');
    for (const peer of clients.from) {
      if (peer.namespaceSelector) expect(peer.namespaceSelector.matchLabels).toEqual({ 'lighthouse.dev/fuse-agents': 'true' });
      expect(peer.podSelector).toBeDefined();
    }
    const services = clients.from.find((peer: any) => peer.podSelector.matchLabels['app.kubernetes.io/part-of']);
    expect(services.namespaceSelector).toBeUndefined();
    expect(services.podSelector.matchExpressions).toEqual([{ key: 'app.kubernetes.io/component', operator: 'In', values: SERVICE_COMPONENTS }]);
    const others = clients.from.filter((peer: any) => peer !== services);
    for (const peer of others) expect(peer.podSelector.matchLabels).toEqual({ 'lighthouse.dev/fuse-mounter': 'true' });
  });
});
