{{/* Labels of one service; selector labels are the name alone. */}}
{{- define "lighthouse.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/component: {{ .component | default .name }}
app.kubernetes.io/part-of: lighthouse
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "lighthouse.image" -}}
{{ printf "%s/%s:%s" .root.Values.image.repository .name .root.Values.image.tag }}
{{- end -}}

{{- define "lighthouse.natsUrl" -}}
{{- if .Values.nats.enabled -}}
{{- $urls := list -}}
{{- range $i := until (int .Values.nats.replicas) -}}
{{- $urls = append $urls (printf "nats://nats-%d.nats-headless:4222" $i) -}}
{{- end -}}
{{- join "," $urls -}}
{{- else -}}
{{- required "nats.url is required when nats.enabled is false" .Values.nats.url -}}
{{- end -}}
{{- end -}}

{{- define "lighthouse.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
fsGroupChangePolicy: OnRootMismatch
seccompProfile: { type: RuntimeDefault }
{{- end -}}

{{- define "lighthouse.containerSecurityContext" -}}
privileged: false
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities: { drop: [ALL] }
{{- end -}}

{{- define "lighthouse.scrapeAnnotations" -}}
{{- if .root.Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end -}}

{{/* Env every Lighthouse container shares: settings from the ConfigMap, pod name for traces. */}}
{{- define "lighthouse.commonEnv" -}}
- name: POD_NAME
  valueFrom: { fieldRef: { fieldPath: metadata.name } }
- { name: OTEL_RESOURCE_ATTRIBUTES, value: "k8s.pod.name=$(POD_NAME)" }
{{- end -}}

{{/* A service's NATS login: its user, and its password from its own key of the Secret. */}}
{{- define "lighthouse.natsLogin" -}}
- { name: NATS_USER, value: {{ .user }} }
- name: NATS_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ .root.Values.secrets.name }}, key: {{ printf "NATS_PW_%s" (.user | upper | replace "-" "_") }} } }
{{- end -}}

{{- define "lighthouse.secretEnv" -}}
- name: {{ .key }}
  valueFrom: { secretKeyRef: { name: {{ .root.Values.secrets.name }}, key: {{ .key }}{{ if .optional }}, optional: true{{ end }} } }
{{- end -}}

{{- define "lighthouse.opsProbes" -}}
startupProbe:
  httpGet: { path: /healthz, port: ops }
  periodSeconds: {{ .period | default 2 }}
  failureThreshold: {{ .failures | default 30 }}
readinessProbe:
  httpGet: { path: /readyz, port: ops }
  periodSeconds: 5
  failureThreshold: 2
livenessProbe:
  httpGet: { path: /healthz, port: ops }
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
{{- end -}}

{{- define "lighthouse.hpaPdb" -}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ .name }}
  labels:
    {{- include "lighthouse.labels" . | nindent 4 }}
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: {{ .name }} }
  minReplicas: {{ .values.autoscaling.minReplicas }}
  maxReplicas: {{ .values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource: { name: cpu, target: { type: Utilization, averageUtilization: {{ .values.autoscaling.targetCPUUtilizationPercentage }} } }
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .name }}
  labels:
    {{- include "lighthouse.labels" . | nindent 4 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels: { app.kubernetes.io/name: {{ .name }} }
{{- end -}}
