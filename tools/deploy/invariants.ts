import { KNOWN_LH_VARIABLES } from '@lighthouse/config';
import type { K8sObject } from './manifests';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered YAML, checked field by field */

/** The Lighthouse services that run as scaled Deployments (HPA + PDB). */
export const STATELESS = ['gateway', 'session-registry', 'speed-layer', 'delegation-router'] as const;
/** Secrets that must reach the containers through secretKeyRef, never as values. */
export const SECRET_KEYS = ['LH_EVENT_HMAC_KEYS', 'LH_TOKEN_SECRET', 'LH_ADMIN_SECRET'] as const;
/** Followers that keep signed snapshots, so need the event log keys. */
export const SNAPSHOT_FOLLOWERS = ['speed-layer', 'delegation-router'] as const;
const SECRET_NAME = /SECRET|PASSWORD|TOKEN|HMAC|PRIVATE|_KEYS?$/;
const FUSE = 'fuse-mounter';

interface Container {
  pod: string;
  name: string;
  init: boolean;
  spec: any;
  podSpec: any;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

export function podSpecOf(object: K8sObject): any {
  if (!WORKLOADS.has(object.kind)) return undefined;
  return object.kind === 'CronJob' ? object.spec?.jobTemplate?.spec?.template?.spec : object.spec?.template?.spec;
}

function containersOf(objects: K8sObject[]): Container[] {
  return objects.flatMap((object) => {
    const podSpec = podSpecOf(object);
    if (!podSpec) return [];
    const pod = `${object.kind}/${object.metadata.name}`;
    return [
      ...(podSpec.initContainers ?? []).map((spec: any) => ({ pod, name: spec.name, init: true, spec, podSpec })),
      ...(podSpec.containers ?? []).map((spec: any) => ({ pod, name: spec.name, init: false, spec, podSpec })),
    ];
  });
}

const id = (c: Container) => `${c.pod} container ${c.name}`;
/** A native sidecar (init container that keeps running) is held to the same rules as a container. */
const longRunning = (c: Container) => !c.init || c.spec.restartPolicy === 'Always';

function resourceProblems(c: Container): string[] {
  const problems: string[] = [];
  for (const kind of ['requests', 'limits'])
    for (const resource of ['cpu', 'memory'])
      if (!c.spec.resources?.[kind]?.[resource]) problems.push(`${id(c)}: no ${kind}.${resource}`);
  return problems;
}

function probeProblems(c: Container): string[] {
  if (!longRunning(c)) return [];
  return ['readinessProbe', 'livenessProbe'].filter((probe) => !c.spec[probe]).map((probe) => `${id(c)}: no ${probe}`);
}

function nonRootProblems(c: Container): string[] {
  const pod = c.podSpec.securityContext ?? {};
  const own = c.spec.securityContext ?? {};
  const nonRoot = own.runAsNonRoot ?? pod.runAsNonRoot;
  const user = own.runAsUser ?? pod.runAsUser;
  const problems: string[] = [];
  if (nonRoot !== true) problems.push(`${id(c)}: runAsNonRoot is not true`);
  if (user === 0) problems.push(`${id(c)}: runs as uid 0`);
  return problems;
}

const uidOf = (c: Container): number | undefined => c.spec.securityContext?.runAsUser ?? c.podSpec.securityContext?.runAsUser;

function volumeOf(c: Container, name: string): any {
  return (c.podSpec.volumes ?? []).find((volume: any) => volume.name === name);
}

/**
 * Every container but the fuse-mounter: not privileged, no privilege escalation, every
 * capability dropped and none added. The fuse-mounter: SYS_ADMIN its only added capability,
 * /dev/fuse from the host, privileged only because it propagates its mount Bidirectionally
 * (which the API server allows on privileged containers only), and at least one container of
 * its pod reading that mount with HostToContainer.
 */
function privilegeProblems(c: Container, all: Container[]): string[] {
  const sc = c.spec.securityContext ?? {};
  const problems: string[] = [];
  if (c.name !== FUSE) {
    if (sc.privileged === true) problems.push(`${id(c)}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${id(c)}: allowPrivilegeEscalation is not false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${id(c)}: does not drop ALL capabilities`);
    if ((sc.capabilities?.add ?? []).length) problems.push(`${id(c)}: adds capabilities ${sc.capabilities.add}`);
    const bidirectional = (c.spec.volumeMounts ?? []).filter((m: any) => m.mountPropagation === 'Bidirectional');
    if (bidirectional.length) problems.push(`${id(c)}: Bidirectional mount propagation`);
    return problems;
  }
  const added = sc.capabilities?.add ?? [];
  if (added.length !== 1 || added[0] !== 'SYS_ADMIN') problems.push(`${id(c)}: must add exactly [SYS_ADMIN], adds [${added}]`);
  if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${id(c)}: does not drop ALL capabilities`);
  const devFuse = (c.spec.volumeMounts ?? []).find((m: any) => m.mountPath === '/dev/fuse');
  const device = devFuse && volumeOf(c, devFuse.name)?.hostPath;
  if (device?.path !== '/dev/fuse' || device?.type !== 'CharDevice') problems.push(`${id(c)}: /dev/fuse is not mounted from the host's character device`);
  const shared = (c.spec.volumeMounts ?? []).filter((m: any) => m.mountPropagation === 'Bidirectional');
  if (sc.privileged === true && shared.length === 0) problems.push(`${id(c)}: privileged without a Bidirectional mount, which is its only reason`);
  if (shared.length && sc.privileged !== true) problems.push(`${id(c)}: Bidirectional propagation needs privileged (the API server refuses it otherwise)`);
  for (const mount of shared) {
    const readers = all.filter((other) => other.pod === c.pod && other !== c && (other.spec.volumeMounts ?? []).some((m: any) => m.name === mount.name));
    if (!readers.length) problems.push(`${id(c)}: no container of the pod reads the mount ${mount.name}`);
    for (const reader of readers) {
      const m = reader.spec.volumeMounts.find((vm: any) => vm.name === mount.name);
      if (m.mountPropagation !== 'HostToContainer') problems.push(`${id(reader)}: reads ${mount.name} without mountPropagation HostToContainer`);
      // The mounter passes allow_other only as root: any other uid is refused by the mount.
      if (uidOf(reader) !== uidOf(c)) problems.push(`${id(reader)}: runs as uid ${uidOf(reader)}, the mount allows only the mounter's uid ${uidOf(c)}`);
    }
  }
  return problems;
}

function secretProblems(objects: K8sObject[], containers: Container[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    if (object.kind === 'Secret') problems.push(`Secret/${object.metadata.name}: secrets are referenced, never rendered`);
    if (object.kind === 'ConfigMap')
      for (const key of Object.keys(object.data ?? {}))
        if (SECRET_NAME.test(key)) problems.push(`ConfigMap/${object.metadata.name}: holds ${key}`);
  }
  for (const c of containers) {
    for (const env of c.spec.env ?? []) {
      if (SECRET_NAME.test(env.name) && !env.valueFrom?.secretKeyRef) problems.push(`${id(c)}: ${env.name} is not from a secretKeyRef`);
    }
  }
  const referenced = new Set(containers.flatMap((c) => (c.spec.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.valueFrom.secretKeyRef.key)));
  for (const key of SECRET_KEYS) if (!referenced.has(key)) problems.push(`no container takes ${key} from a Secret`);
  // The snapshot followers sign and check their snapshots with the event log keys: without them they do not boot.
  for (const name of SNAPSHOT_FOLLOWERS) {
    const follower = containers.find((c) => c.name === name && !c.init);
    if (follower && !(follower.spec.env ?? []).some((e: any) => e.name === 'LH_EVENT_HMAC_KEYS' && e.valueFrom?.secretKeyRef)) problems.push(`${name} does not take LH_EVENT_HMAC_KEYS from a Secret (it signs its snapshots with them)`);
  }
  return problems;
}

function find(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

function scalingProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const name of STATELESS) {
    const deployment = find(objects, 'Deployment', name);
    if (!deployment) {
      problems.push(`Deployment/${name}: missing`);
      continue;
    }
    if (deployment.spec.replicas !== undefined) problems.push(`Deployment/${name}: sets replicas, which its HPA owns`);
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef?.kind === 'Deployment' && o.spec.scaleTargetRef?.name === name);
    if (!hpa) problems.push(`Deployment/${name}: no HorizontalPodAutoscaler`);
    else if (hpa.spec.minReplicas > hpa.spec.maxReplicas) problems.push(`HorizontalPodAutoscaler/${hpa.metadata.name}: minReplicas > maxReplicas`);
    const labels = deployment.spec.template.metadata.labels ?? {};
    const pdb = objects.find(
      (o) => o.kind === 'PodDisruptionBudget' && Object.entries(o.spec.selector?.matchLabels ?? { none: '' }).every(([k, v]) => labels[k] === v),
    );
    if (!pdb) problems.push(`Deployment/${name}: no PodDisruptionBudget`);
  }
  return problems;
}

function eventStoreProblems(objects: K8sObject[]): string[] {
  const store = find(objects, 'StatefulSet', 'event-store');
  if (!store) return ['StatefulSet/event-store: missing'];
  const problems: string[] = [];
  if (store.spec.replicas !== 1) problems.push(`StatefulSet/event-store: ${store.spec.replicas} partitions; the service supports exactly one log`);
  const claims = (store.spec.volumeClaimTemplates ?? []).map((t: any) => t.metadata.name);
  const container = store.spec.template.spec.containers.find((c: any) => c.name === 'event-store');
  const dir = container?.env?.find((e: any) => e.name === 'LH_EVENT_DIR')?.value;
  const mount = container?.volumeMounts?.find((m: any) => m.mountPath === dir);
  if (!dir || !mount || !claims.includes(mount.name)) problems.push('StatefulSet/event-store: LH_EVENT_DIR is not on a volumeClaimTemplate (one PVC per partition)');
  const modes = store.spec.volumeClaimTemplates?.[0]?.spec?.accessModes ?? [];
  if (modes.some((m: string) => m !== 'ReadWriteOnce' && m !== 'ReadWriteOncePod')) problems.push(`StatefulSet/event-store: access modes ${modes} allow a second writer`);
  return problems;
}

/**
 * The event log's backend: prod runs the replicated one (LH_EVENT_BACKEND=jetstream) on a
 * three-node NATS cluster whose pods never share a node (required anti-affinity), spread over
 * zones, under a PodDisruptionBudget, the stream created with 3 replicas; dev keeps the file log.
 */
function backendProblems(objects: K8sObject[], env: string): string[] {
  const store = find(objects, 'StatefulSet', 'event-store');
  const container = store?.spec.template.spec.containers.find((c: any) => c.name === 'event-store');
  const value = (name: string) => container?.env?.find((e: any) => e.name === name)?.value;
  const backend = value('LH_EVENT_BACKEND') ?? 'file';
  const problems: string[] = [];
  if (env === 'dev' && backend !== 'file') problems.push(`StatefulSet/event-store: ${backend} backend in dev, want the file log`);
  if (env !== 'prod') return problems;
  if (backend !== 'jetstream') return [...problems, `StatefulSet/event-store: ${backend} backend in prod, want jetstream (a replicated log)`];
  if (value('LH_EVENT_REPLICAS') !== '3') problems.push(`StatefulSet/event-store: LH_EVENT_REPLICAS ${value('LH_EVENT_REPLICAS')}, want 3`);
  const nats = find(objects, 'StatefulSet', 'nats');
  const podSpec = nats?.spec.template.spec ?? {};
  const required = podSpec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  if (!required.some((term: any) => term.topologyKey === 'kubernetes.io/hostname' && term.labelSelector?.matchLabels?.['app.kubernetes.io/name'] === 'nats')) {
    problems.push('StatefulSet/nats: no required anti-affinity by hostname (two replicas of the log could share a node)');
  }
  if (!(podSpec.topologySpreadConstraints ?? []).some((c: any) => c.topologyKey === 'topology.kubernetes.io/zone')) problems.push('StatefulSet/nats: not spread over zones');
  const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget' && o.spec?.selector?.matchLabels?.['app.kubernetes.io/name'] === 'nats');
  if (!pdb || pdb.spec.maxUnavailable !== 1) problems.push('nats: no PodDisruptionBudget keeping a quorum (maxUnavailable 1)');
  return problems;
}

/** Health routes: the gateway's liveness route; each NATS service's /healthz and /readyz. */
function healthRouteProblems(containers: Container[]): string[] {
  const problems: string[] = [];
  for (const c of containers) {
    const path = (probe: string) => c.spec[probe]?.httpGet?.path;
    if (c.name === 'gateway') {
      if (path('livenessProbe') !== '/health/live' || path('readinessProbe') !== '/health/live') problems.push(`${id(c)}: probes are not on /health/live`);
    } else if (['session-registry', 'speed-layer', 'delegation-router', 'event-store', FUSE].includes(c.name)) {
      if (path('livenessProbe') !== '/healthz' || path('readinessProbe') !== '/readyz') problems.push(`${id(c)}: probes are not on the ops server's /healthz and /readyz`);
      const env = Object.fromEntries((c.spec.env ?? []).map((e: any) => [e.name, e]));
      if (env['LH_OPS_PORT']?.value === '0') problems.push(`${id(c)}: ops server off`);
    }
  }
  return problems;
}

function networkProblems(objects: K8sObject[]): string[] {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const problems: string[] = [];
  const denyAll = policies.find((p) => Object.keys(p.spec.podSelector ?? {}).length === 0 && p.spec.policyTypes?.includes('Ingress') && !(p.spec.ingress ?? []).length);
  if (!denyAll) problems.push('no default-deny ingress NetworkPolicy');
  for (const policy of policies) {
    for (const rule of policy.spec.ingress ?? []) {
      const fromAnywhere = !rule.from || rule.from.length === 0;
      const target = policy.spec.podSelector?.matchLabels?.['app.kubernetes.io/name'];
      if (fromAnywhere && target !== 'gateway') problems.push(`NetworkPolicy/${policy.metadata.name}: opens ${target ?? 'pods'} to every source`);
    }
  }
  return problems;
}

function natsProblems(objects: K8sObject[], env: string): string[] {
  const config = find(objects, 'ConfigMap', 'nats-config')?.data?.['nats.conf'];
  if (!config) return [];
  const problems: string[] = [];
  if (!/jetstream\s*{[^}]*store_dir/s.test(config)) problems.push('nats.conf: JetStream has no file store');
  if (!/sync_interval:\s*always/.test(config)) problems.push('nats.conf: no sync_interval: always');
  const nats = find(objects, 'StatefulSet', 'nats');
  const image: string = nats?.spec.template.spec.containers[0].image ?? '';
  const [, minor] = /^nats:2\.(\d+)/.exec(image) ?? [];
  if (!minor || Number(minor) < 10) problems.push(`StatefulSet/nats: ${image} predates sync_interval (NATS 2.10)`);
  if (env === 'prod') {
    if (nats?.spec.replicas !== 3) problems.push(`StatefulSet/nats: ${nats?.spec.replicas} replicas in prod, want 3`);
    const routes = config.match(/nats:\/\/nats-\d\.nats-headless:6222/g) ?? [];
    if (routes.length !== 3) problems.push(`nats.conf: ${routes.length} cluster routes in prod, want 3`);
  }
  return problems;
}

function observabilityProblems(objects: K8sObject[], env: string): string[] {
  const problems: string[] = [];
  const config = find(objects, 'ConfigMap', 'lighthouse-config')?.data ?? {};
  if (!('OTEL_EXPORTER_OTLP_ENDPOINT' in config)) problems.push('lighthouse-config: no OTEL_EXPORTER_OTLP_ENDPOINT');
  if (env === 'prod' && !/^https?:\/\//.test(config['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? '')) problems.push('lighthouse-config: prod sends traces nowhere');
  const monitored = objects.some((o) => o.kind === 'ServiceMonitor');
  for (const name of [...STATELESS, 'event-store']) {
    const workload = objects.find((o) => podSpecOf(o) && o.metadata.name === name);
    const annotations = workload?.spec.template.metadata.annotations ?? {};
    if (!monitored && annotations['prometheus.io/scrape'] !== 'true') problems.push(`${name}: neither scrape annotations nor a ServiceMonitor`);
  }
  return problems;
}

/** Pod Security Standard `restricted` in production: no host paths, RuntimeDefault seccomp. */
function prodProblems(objects: K8sObject[], containers: Container[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    const podSpec = podSpecOf(object);
    if (!podSpec) continue;
    if ((podSpec.volumes ?? []).some((v: any) => v.hostPath)) problems.push(`${object.kind}/${object.metadata.name}: hostPath volume in prod`);
    if (podSpec.securityContext?.seccompProfile?.type !== 'RuntimeDefault') problems.push(`${object.kind}/${object.metadata.name}: no RuntimeDefault seccomp profile`);
  }
  if (containers.some((c) => c.name === FUSE)) problems.push('prod: the privileged FUSE sidecar belongs in the agents namespace, not here');
  return problems;
}

/** Services stop at boot on an LH_* variable they do not know: none may reach a container. */
function unknownVariableProblems(objects: K8sObject[], containers: Container[]): string[] {
  const problems: string[] = [];
  for (const object of objects)
    if (object.kind === 'ConfigMap')
      for (const key of Object.keys(object.data ?? {}))
        if (key.startsWith('LH_') && !KNOWN_LH_VARIABLES.has(key)) problems.push(`ConfigMap/${object.metadata.name}: ${key} is no service's variable`);
  for (const c of containers)
    for (const env of c.spec.env ?? [])
      if (env.name.startsWith('LH_') && !KNOWN_LH_VARIABLES.has(env.name)) problems.push(`${id(c)}: ${env.name} is no service's variable`);
  return problems;
}

/**
 * The gateway's agent API: the only paths an Ingress may route. `/metrics` (what the bridge is
 * doing, for the operator's Prometheus) and `/admin` (credentials) stay inside the cluster.
 */
export const AGENT_API_PREFIXES = ['/sessions', '/whoami', '/experts', '/validate', '/delegations', '/events', '/health', '/openapi.json'] as const;
const INTERNAL_PATHS = ['/metrics', '/admin/agents'];

/** An Ingress routes exactly the agent API: no path (such as `/`) reaches an internal route. */
export function ingressProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const object of objects.filter((o) => o.kind === 'Ingress')) {
    for (const rule of object.spec?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        const name = `Ingress/${object.metadata.name} path ${path.path}`;
        if (path.pathType !== 'Prefix' && path.pathType !== 'Exact') problems.push(`${name}: pathType ${path.pathType} (Prefix or Exact only, so the match is the same on every controller)`);
        if (!(AGENT_API_PREFIXES as readonly string[]).includes(path.path)) problems.push(`${name}: not an agent API route`);
        for (const internal of INTERNAL_PATHS) if (prefixMatches(path.path, internal)) problems.push(`${name}: exposes ${internal}`);
      }
    }
  }
  return problems;
}

/** Kubernetes `Prefix` matching: by whole path segments. */
function prefixMatches(prefix: string, path: string): boolean {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed === '' || path === trimmed || path.startsWith(`${trimmed}/`);
}

/** Every invariant of a rendered environment; empty when it holds. */
export function invariantProblems(objects: K8sObject[], env: string): string[] {
  const containers = containersOf(objects);
  const fuse = containers.filter((c) => c.name === FUSE);
  return [
    ...containers.flatMap((c) => [...resourceProblems(c), ...probeProblems(c), ...nonRootProblems(c), ...privilegeProblems(c, containers)]),
    ...secretProblems(objects, containers),
    ...unknownVariableProblems(objects, containers),
    ...scalingProblems(objects),
    ...eventStoreProblems(objects),
    ...backendProblems(objects, env),
    ...healthRouteProblems(containers),
    ...networkProblems(objects),
    ...ingressProblems(objects),
    ...natsProblems(objects, env),
    ...observabilityProblems(objects, env),
    ...(env === 'dev' && fuse.length === 0 ? ['dev: no pod with the FUSE sidecar to check'] : []),
    ...(env === 'prod' ? prodProblems(objects, containers) : []),
  ];
}
