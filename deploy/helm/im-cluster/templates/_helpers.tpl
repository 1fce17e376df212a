{{/* Chart name. */}}
{{- define "im.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name; the release name alone when it already contains the chart name. */}}
{{- define "im.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Labels of every object besides name and instance. */}}
{{- define "im.commonLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: im-cluster
{{- end -}}

{{- define "im.labels" -}}
app.kubernetes.io/name: {{ include "im.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{ include "im.commonLabels" . }}
{{- end -}}

{{/* Selector labels of one component: (dict "ctx" $ "component" "gateway"). */}}
{{- define "im.selectorLabels" -}}
app.kubernetes.io/name: {{ include "im.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "im.secretName" -}}
{{- default (printf "%s-env" (include "im.fullname" .)) .Values.secret.name -}}
{{- end -}}

{{- define "im.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "im.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "im.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Environment shared by every process: endpoints and credentials from the Secret. */}}
{{- define "im.secretEnv" -}}
{{- $secret := include "im.secretName" . -}}
{{- range list "IM_KAFKA_BROKERS" "IM_MONGO_URL" "IM_REDIS_URL" }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ . }}
{{- end }}
{{- range list "IM_KAFKA_SASL_USERNAME" "IM_KAFKA_SASL_PASSWORD" }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ . }}
      optional: true
{{- end }}
{{- end -}}

{{/* Pod spec parts shared by every Deployment: (dict "ctx" $ "component" "gateway"). */}}
{{- define "im.podCommon" -}}
{{- $ := .ctx -}}
{{- $component := .component -}}
serviceAccountName: {{ include "im.serviceAccountName" $ }}
automountServiceAccountToken: false
terminationGracePeriodSeconds: {{ $.Values.terminationGracePeriodSeconds }}
securityContext:
  {{- toYaml $.Values.podSecurityContext | nindent 2 }}
{{- with $.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if $.Values.topologySpread.enabled }}
topologySpreadConstraints:
{{- range $.Values.topologySpread.topologyKeys }}
  - maxSkew: {{ $.Values.topologySpread.maxSkew }}
    topologyKey: {{ . }}
    whenUnsatisfiable: {{ $.Values.topologySpread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "im.selectorLabels" (dict "ctx" $ "component" $component) | nindent 8 }}
{{- end }}
{{- end }}
{{- with $.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $.Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  # readOnlyRootFilesystem: the only writable place is an in-memory /tmp.
  - name: tmp
    emptyDir:
      medium: Memory
      sizeLimit: 64Mi
{{- end -}}

{{/* Pod template metadata: (dict "ctx" $ "component" "gateway"). */}}
{{- define "im.podMetadata" -}}
{{- $ := .ctx -}}
labels:
  {{- include "im.selectorLabels" . | nindent 2 }}
  {{- include "im.commonLabels" $ | nindent 2 }}
  {{- with $.Values.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
annotations:
  checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") $ | sha256sum }}
  {{- with $.Values.podAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/* HTTP probes: (dict "probes" .probes "port" "http"). */}}
{{- define "im.probes" -}}
startupProbe:
  httpGet:
    path: /healthz
    port: {{ .port }}
  periodSeconds: {{ .probes.startup.periodSeconds }}
  failureThreshold: {{ .probes.startup.failureThreshold }}
  timeoutSeconds: 2
readinessProbe:
  httpGet:
    path: /readyz
    port: {{ .port }}
  periodSeconds: {{ .probes.readiness.periodSeconds }}
  failureThreshold: {{ .probes.readiness.failureThreshold }}
  timeoutSeconds: 3
livenessProbe:
  httpGet:
    path: /healthz
    port: {{ .port }}
  periodSeconds: {{ .probes.liveness.periodSeconds }}
  failureThreshold: {{ .probes.liveness.failureThreshold }}
  timeoutSeconds: 3
{{- end -}}
