import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Pod, Service, ServiceAccount } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';

export const root = join(__dirname, '..', '..');

/** A rendered Kubernetes object, as plain data. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered YAML; the schema check types it
  spec?: any;
  data?: Record<string, string>;
}

/** What installs a kubectl recent enough (CI runs it; Debian's kubernetes-client is kubectl 1.20, too old). */
export const KUBECTL_INSTALL = 'bash tools/deploy/ensure-kubectl.sh';

let kubectlFound = false;

/** kubectl on PATH, or an error that says how to install it (the tests fail, never skip). */
export function kubectl(): string {
  if (kubectlFound) return 'kubectl';
  let version: string;
  try {
    version = execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8', stdio: 'pipe' });
  } catch {
    throw new Error(`kubectl is not installed; the deployment tests need it to render the overlays. Install it with:\n  ${KUBECTL_INSTALL}`);
  }
  const kustomize = /Kustomize Version: v(\d+)\./.exec(version);
  if (!kustomize || Number(kustomize[1]) < 4) {
    throw new Error(`kubectl's kustomize is too old for the overlays (components need v4+):\n${version}\nInstall a recent kubectl with:\n  ${KUBECTL_INSTALL}`);
  }
  kubectlFound = true;
  return 'kubectl';
}

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length) throw new Error(doc.errors.map((e) => e.message).join('\n'));
      return doc.toJSON() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

const rendered = new Map<string, string>();

/** `kubectl kustomize <dir>`: every object of an overlay, offline (rendered once per test file). */
export function renderKustomize(dir: string): K8sObject[] {
  if (!rendered.has(dir)) rendered.set(dir, execFileSync(kubectl(), ['kustomize', join(root, dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  return parseObjects(rendered.get(dir) as string);
}

/** Every kustomization directory under k8s/overlays. */
export function overlays(): string[] {
  const base = join(root, 'k8s', 'overlays');
  return readdirSync(base)
    .filter((name) => statSync(join(base, name)).isDirectory())
    .map((name) => `k8s/overlays/${name}`);
}

type Model = new (data: never) => { validate(): void };

/** The kubernetes-models class of each apiVersion/kind we render (Kubernetes' own OpenAPI schemas). */
const MODELS: Record<string, Model> = {
  'apps/v1/Deployment': Deployment as Model,
  'apps/v1/StatefulSet': StatefulSet as Model,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as Model,
  'networking.k8s.io/v1/Ingress': Ingress as Model,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as Model,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as Model,
  'v1/ConfigMap': ConfigMap as Model,
  'v1/Namespace': Namespace as Model,
  'v1/Pod': Pod as Model,
  'v1/Service': Service as Model,
  'v1/ServiceAccount': ServiceAccount as Model,
};

/**
 * Validates one object against the Kubernetes schema of its kind; returns the problems. Kinds
 * kubernetes-models does not ship (the Prometheus Operator's ServiceMonitor and PrometheusRule) get a structural check.
 */
export function schemaProblems(object: K8sObject): string[] {
  const id = `${object.kind}/${object.metadata?.name}`;
  if (object.apiVersion === 'monitoring.coreos.com/v1' && object.kind === 'ServiceMonitor') {
    const ok = object.spec?.selector && Array.isArray(object.spec?.endpoints) && object.spec.endpoints.every((e: { port?: string }) => e.port);
    return ok ? [] : [`${id}: a ServiceMonitor needs spec.selector and endpoints with a port name`];
  }
  if (object.apiVersion === 'monitoring.coreos.com/v1' && object.kind === 'PrometheusRule') {
    const groups: Array<{ name?: string; rules?: Array<{ alert?: string; record?: string; expr?: string }> }> = object.spec?.groups ?? [];
    const ok = groups.length > 0 && groups.every((g) => g.name && Array.isArray(g.rules) && g.rules.every((r) => (r.alert || r.record) && typeof r.expr === 'string'));
    return ok ? [] : [`${id}: a PrometheusRule needs spec.groups, each named, of rules with alert (or record) and expr`];
  }
  const model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!model) return [`${id}: no schema for ${object.apiVersion} ${object.kind} (add its kubernetes-models class to MODELS)`];
  try {
    new model(object as never).validate();
    return [];
  } catch (error) {
    return [`${id}: ${(error as Error).message}`];
  }
}

/**
 * The hash of every file of the Helm chart; the rendered snapshots in tools/deploy/helm-rendered
 * record it, so a chart changed without re-rendering fails the tests.
 */
export function chartHash(chartDir = join(root, 'deploy', 'helm', 'lighthouse')): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(chartDir);
  const hash = createHash('sha256');
  for (const path of files.map((file) => relative(chartDir, file)).sort()) {
    hash.update(`${path}\0`).update(readFileSync(join(chartDir, path))).update('\0');
  }
  return hash.digest('hex');
}
