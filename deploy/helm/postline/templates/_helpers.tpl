{{/*
Names, labels and shared values for every Postline object. The standard names
(postline.name, postline.fullname, postline.chart, postline.labels,
postline.selectorLabels, postline.serviceAccountName) follow the chart
conventions of helm create and the prometheus-community charts. Selectors carry
only the stable name/instance/component labels, never helm.sh/chart or the
version, so an upgrade never needs a new selector.
*/}}

{{/* Chart name, overridable with nameOverride. */}}
{{- define "postline.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Fully qualified app name (release-chart, or the release name alone when it
already contains the chart name). Kept to 50 characters so that
"<fullname>-submission-smtp" still fits in a 63-character DNS label.
*/}}
{{- define "postline.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Chart name and version, for the helm.sh/chart label. */}}
{{- define "postline.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Namespace of every object (namespaceOverride for umbrella charts). */}}
{{- define "postline.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "postline.labels" -}}
helm.sh/chart: {{ include "postline.chart" . }}
{{ include "postline.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: postline
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of the whole release (no component). */}}
{{- define "postline.selectorLabels" -}}
app.kubernetes.io/name: {{ include "postline.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
Component-scoped names and labels. Called with (dict "root" $ "component" "mta").
*/}}
{{- define "postline.componentFullname" -}}
{{- printf "%s-%s" (include "postline.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "postline.componentLabels" -}}
{{ include "postline.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "postline.componentSelectorLabels" -}}
{{ include "postline.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Service account the pods run as. */}}
{{- define "postline.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "postline.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Container image reference: registry/repository:tag, or @digest when set. */}}
{{- define "postline.image" -}}
{{- $img := .Values.image -}}
{{- $repo := $img.repository -}}
{{- if $img.registry -}}{{- $repo = printf "%s/%s" $img.registry $img.repository -}}{{- end -}}
{{- if $img.digest -}}
{{- printf "%s@%s" $repo $img.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (toString ($img.tag | default .Chart.AppVersion)) -}}
{{- end -}}
{{- end -}}

{{/* The five services, in start order (dependencies first). */}}
{{- define "postline.components" -}}
list render mta submission campaign
{{- end -}}

{{/* The services whose pods consume Kafka topics (for lag metrics and KEDA). */}}
{{- define "postline.kafkaConsumers" -}}
list campaign render mta
{{- end -}}

{{/* In-cluster host:port of a component's gRPC Service. */}}
{{- define "postline.grpcAddress" -}}
{{- printf "%s.%s.svc.%s:%d" (include "postline.componentFullname" .) (include "postline.namespace" .root) .root.Values.clusterDomain (int .root.Values.ports.grpc) -}}
{{- end -}}

{{/* Kafka bootstrap brokers as one comma-separated string. */}}
{{- define "postline.kafkaBrokers" -}}
{{- join "," .Values.kafka.brokers -}}
{{- end -}}

{{/*
Seconds between SIGTERM and SIGKILL. The service drains for shutdownGraceMs and
force-exits 5 s after that; the preStop sleep runs before SIGTERM is sent. So
the floor is preStop + grace + 5 s, and the default adds 10 s on top. An
explicit value at or below the floor would cut an SMTP transaction short, so
it stops the render with a message. The mta's delivery drain
(mta.config.drainTimeoutMs) runs inside its shutdownGraceMs (postline.validate
keeps it 5 s below), so the pod's grace period covers the drain too.
*/}}
{{- define "postline.terminationGracePeriodSeconds" -}}
{{- $c := index .root.Values .component -}}
{{- $graceS := div (add (int $c.shutdownGraceMs) 999) 1000 -}}
{{- $preStop := int .root.Values.lifecycle.preStopSleepSeconds -}}
{{- $floor := add $preStop $graceS 5 -}}
{{- if $c.terminationGracePeriodSeconds -}}
{{- if le (int $c.terminationGracePeriodSeconds) (int $floor) -}}
{{- fail (printf "%s.terminationGracePeriodSeconds (%d) must be greater than lifecycle.preStopSleepSeconds + %s.shutdownGraceMs/1000 + 5 = %d" .component (int $c.terminationGracePeriodSeconds) .component (int $floor)) -}}
{{- end -}}
{{- int $c.terminationGracePeriodSeconds -}}
{{- else -}}
{{- add $floor 10 -}}
{{- end -}}
{{- end -}}

{{/* Fail early on combinations the schema cannot express. */}}
{{- define "postline.validate" -}}
{{- if and .Values.kafka.sasl.mechanism (not .Values.kafka.sasl.existingSecret) -}}
{{- fail "kafka.sasl.mechanism is set: kafka.sasl.existingSecret must name the Secret holding the username and password" -}}
{{- end -}}
{{- if and (not .Values.mongodb.uri) (not .Values.mongodb.existingSecret) -}}
{{- fail "set mongodb.uri, or mongodb.existingSecret naming a Secret that holds the connection string" -}}
{{- end -}}
{{- range $c := splitList " " (include "postline.components" .) -}}
{{- $v := index $.Values $c -}}
{{- if and $v.enabled (hasKey $v "autoscaling") -}}
{{- if and $v.autoscaling.enabled (gt (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) -}}
{{- fail (printf "%s.autoscaling.minReplicas must not exceed maxReplicas" $c) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and .Values.campaign.enabled (not .Values.list.enabled) -}}
{{- fail "campaign.enabled needs list.enabled: the campaign service streams recipients from the list service" -}}
{{- end -}}
{{- with .Values.mta -}}
{{- if and .enabled (lt (int .shutdownGraceMs) (add (int .config.drainTimeoutMs) 5000)) -}}
{{- fail (printf "mta.shutdownGraceMs (%d) must be at least mta.config.drainTimeoutMs + 5000 = %d: the mta exits at shutdownGraceMs + 5 s, and after the drain it still commits offsets and leaves its consumer groups" (int .shutdownGraceMs) (add (int .config.drainTimeoutMs) 5000)) -}}
{{- end -}}
{{- end -}}
{{- with .Values.submission -}}
{{- if and .enabled (lt (int .shutdownGraceMs) (add (int .config.acceptTimeoutMs) 1000)) -}}
{{- fail (printf "submission.shutdownGraceMs (%d) must be at least submission.config.acceptTimeoutMs + 1000 = %d: a message whose DATA ends during the drain may wait acceptTimeoutMs for Kafka, and closing the listeners and Kafka takes the last second" (int .shutdownGraceMs) (add (int .config.acceptTimeoutMs) 1000)) -}}
{{- end -}}
{{- if and .trusted.networks (not .trusted.credential) -}}
{{- fail "submission.trusted.networks is set: submission.trusted.credential must name the credential that mail on the trusted port is sent as" -}}
{{- end -}}
{{- end -}}
{{- if and .Values.campaign.enabled (not .Values.render.enabled) -}}
{{- fail "campaign.enabled needs render.enabled: the campaign service stores templates in the render service" -}}
{{- end -}}
{{- end -}}
