{{/* Chart name, or nameOverride. */}}
{{- define "kvswitch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Prefix of every object name: "<release>-<chart>", or just the release name when it already
contains the chart name (so "helm install kvswitch" gives "kvswitch-...", not "kvswitch-kvswitch").
*/}}
{{- define "kvswitch.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of the operator's objects (Deployment, Service, RBAC). */}}
{{- define "kvswitch.operator.fullname" -}}
{{- printf "%s-operator" (include "kvswitch.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "kvswitch.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object the chart creates. */}}
{{- define "kvswitch.labels" -}}
helm.sh/chart: {{ include "kvswitch.chart" . }}
app.kubernetes.io/name: {{ include "kvswitch.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: kvswitch
{{- end }}

{{/* Labels of the operator's objects; the selector labels are a subset that never changes. */}}
{{- define "kvswitch.operator.labels" -}}
{{ include "kvswitch.labels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "kvswitch.operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kvswitch.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "kvswitch.operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "kvswitch.operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name must name an existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The agents' ClusterRole. One name for three places: the ClusterRole itself, the operator's
"bind" permission on it, and KVSWITCH_AGENT_CLUSTER_ROLE, so they cannot disagree.
*/}}
{{- define "kvswitch.agent.clusterRoleName" -}}
{{- .Values.agent.clusterRoleName }}
{{- end }}

{{/* "repository:tag" or "repository@digest"; the tag defaults to the chart's appVersion. */}}
{{- define "kvswitch.image" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (default .chart.AppVersion .image.tag) }}
{{- end }}
{{- end }}

{{- define "kvswitch.operator.image" -}}
{{- include "kvswitch.image" (dict "image" .Values.operator.image "chart" .Chart) }}
{{- end }}

{{- define "kvswitch.dataplane.image" -}}
{{- include "kvswitch.image" (dict "image" .Values.dataplane.image "chart" .Chart) }}
{{- end }}
