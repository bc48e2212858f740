{{/*
The objects every Postline service has, defined once. Each component folder
(templates/<service>/) calls these with (dict "root" $ "component" "<service>")
and adds what is its own through five hooks it defines in its _<service>.tpl:
  postline.<service>.env           settings (env var: value) for its ConfigMap
  postline.<service>.checksums     pod annotations (checksum/<what>: sha256) of files
                                   the service reads at start, so pods roll when they change
  postline.<service>.ports         extra containerPorts
  postline.<service>.volumes       extra pod volumes
  postline.<service>.volumeMounts  extra container volumeMounts
*/}}

{{/* Where secrets are mounted; the services get these paths, never the values. */}}
{{- define "postline.secretsDir" -}}/var/run/secrets/postline{{- end -}}

{{/* Autoscaling (HPA or KEDA) owns the replica count of this component. */}}
{{- define "postline.autoscaled" -}}
{{- $v := index .root.Values .component -}}
{{- if or (and (hasKey $v "autoscaling") $v.autoscaling.enabled) (and (hasKey $v "keda") $v.keda.enabled) -}}true{{- end -}}
{{- end -}}

{{/*
The service's environment as a map, rendered into its ConfigMap: shared
settings, then the service's own, then config.extraEnv and <service>.extraEnv
(last wins, so extraEnv can override anything).
*/}}
{{- define "postline.configData" -}}
{{- $root := .root -}}
{{- $v := index $root.Values .component -}}
{{- $secrets := include "postline.secretsDir" . -}}
{{- $env := dict
  "POSTLINE_LOG_LEVEL" ($v.config.logLevel | default $root.Values.config.logLevel)
  "POSTLINE_BIND_HOST" $root.Values.config.bindHost
  "POSTLINE_HTTP_PORT" (int64 $root.Values.ports.http)
  "POSTLINE_GRPC_PORT" (int64 $root.Values.ports.grpc)
  "POSTLINE_SHUTDOWN_GRACE_MS" (int64 $v.shutdownGraceMs)
  "POSTLINE_KAFKA_BROKERS" (include "postline.kafkaBrokers" $root)
  "POSTLINE_KAFKA_TOPIC_PARTITIONS" (int64 $root.Values.kafka.topicPartitions)
  "POSTLINE_KAFKA_REPLICATION_FACTOR" (int64 $root.Values.kafka.replicationFactor)
-}}
{{- $_ := set $env (printf "POSTLINE_%s_DB" (upper .component)) $v.config.database -}}
{{- if $root.Values.mongodb.existingSecret -}}
{{- $_ := set $env "POSTLINE_MONGO_URI_FILE" (printf "%s/mongodb/%s" $secrets $root.Values.mongodb.uriKey) -}}
{{- else -}}
{{- $_ := set $env "POSTLINE_MONGO_URI" $root.Values.mongodb.uri -}}
{{- end -}}
{{- with $root.Values.kafka.sasl -}}
{{- if .mechanism -}}
{{- $_ := set $env "POSTLINE_KAFKA_SASL_MECHANISM" .mechanism -}}
{{- $_ := set $env "POSTLINE_KAFKA_SASL_USERNAME_FILE" (printf "%s/kafka-sasl/%s" $secrets .usernameKey) -}}
{{- $_ := set $env "POSTLINE_KAFKA_SASL_PASSWORD_FILE" (printf "%s/kafka-sasl/%s" $secrets .passwordKey) -}}
{{- end -}}
{{- end -}}
{{- with $root.Values.kafka.tls -}}
{{- if .enabled -}}
{{- $_ := set $env "POSTLINE_KAFKA_TLS" "true" -}}
{{- if .existingSecret -}}
{{- $_ := set $env "POSTLINE_KAFKA_TLS_CA_FILE" (printf "%s/kafka-tls/%s" $secrets .caKey) -}}
{{- if .certKey -}}
{{- $_ := set $env "POSTLINE_KAFKA_TLS_CERT_FILE" (printf "%s/kafka-tls/%s" $secrets .certKey) -}}
{{- $_ := set $env "POSTLINE_KAFKA_TLS_KEY_FILE" (printf "%s/kafka-tls/%s" $secrets .keyKey) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $own := include (printf "postline.%s.env" .component) . | fromYaml -}}
{{- range $k, $val := $own -}}
{{- $_ := set $env $k $val -}}
{{- end -}}
{{- range $k, $val := $root.Values.config.extraEnv -}}
{{- $_ := set $env $k $val -}}
{{- end -}}
{{- range $k, $val := $v.extraEnv -}}
{{- $_ := set $env $k $val -}}
{{- end -}}
{{- range $k, $val := $env }}
{{ $k }}: {{ toString $val | quote }}
{{- end -}}
{{- end -}}

{{/* ConfigMap with the service's environment (and any files from postline.<service>.files). */}}
{{- define "postline.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "postline.componentFullname" . }}
  namespace: {{ include "postline.namespace" .root }}
  labels:
    {{- include "postline.componentLabels" . | nindent 4 }}
data:
  {{- include "postline.configData" . | trim | nindent 2 }}
{{- end -}}

{{/* Volumes every service has: a writable /tmp and the shared Secrets. */}}
{{- define "postline.commonVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .root.Values.tmpSizeLimit }}
{{- with .root.Values.mongodb }}
{{- if .existingSecret }}
- name: mongodb
  secret:
    secretName: {{ .existingSecret }}
    defaultMode: 0440
    items:
      - key: {{ .uriKey }}
        path: {{ .uriKey }}
{{- end }}
{{- end }}
{{- with .root.Values.kafka.sasl }}
{{- if .mechanism }}
- name: kafka-sasl
  secret:
    secretName: {{ .existingSecret }}
    defaultMode: 0440
    items:
      - key: {{ .usernameKey }}
        path: {{ .usernameKey }}
      - key: {{ .passwordKey }}
        path: {{ .passwordKey }}
{{- end }}
{{- end }}
{{- with .root.Values.kafka.tls }}
{{- if and .enabled .existingSecret }}
- name: kafka-tls
  secret:
    secretName: {{ .existingSecret }}
    defaultMode: 0440
    items:
      - key: {{ .caKey }}
        path: {{ .caKey }}
      {{- if .certKey }}
      - key: {{ .certKey }}
        path: {{ .certKey }}
      - key: {{ .keyKey }}
        path: {{ .keyKey }}
      {{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "postline.commonVolumeMounts" -}}
{{- $secrets := include "postline.secretsDir" . -}}
- name: tmp
  mountPath: /tmp
{{- if .root.Values.mongodb.existingSecret }}
- name: mongodb
  mountPath: {{ $secrets }}/mongodb
  readOnly: true
{{- end }}
{{- if .root.Values.kafka.sasl.mechanism }}
- name: kafka-sasl
  mountPath: {{ $secrets }}/kafka-sasl
  readOnly: true
{{- end }}
{{- if and .root.Values.kafka.tls.enabled .root.Values.kafka.tls.existingSecret }}
- name: kafka-tls
  mountPath: {{ $secrets }}/kafka-tls
  readOnly: true
{{- end }}
{{- end -}}

{{/* The Deployment of one service. */}}
{{- define "postline.deployment" -}}
{{- $root := .root -}}
{{- $c := .component -}}
{{- $v := index $root.Values $c -}}
{{- $probes := mergeOverwrite (deepCopy $root.Values.probes) ($v.probes | default dict) -}}
{{- $ports := include (printf "postline.%s.ports" $c) . | trim -}}
{{- $volumes := include (printf "postline.%s.volumes" $c) . | trim -}}
{{- $mounts := include (printf "postline.%s.volumeMounts" $c) . | trim -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "postline.componentFullname" . }}
  namespace: {{ include "postline.namespace" $root }}
  labels:
    {{- include "postline.componentLabels" . | nindent 4 }}
spec:
  {{- if not (include "postline.autoscaled" .) }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "postline.componentSelectorLabels" . | nindent 6 }}
  {{- with $v.strategy }}
  strategy:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  template:
    metadata:
      labels:
        {{- include "postline.componentLabels" . | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include "postline.configData" . | sha256sum }}
        {{- with include (printf "postline.%s.checksums" $c) . | trim }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "postline.serviceAccountName" $root }}
      automountServiceAccountToken: {{ $root.Values.serviceAccount.automountServiceAccountToken }}
      {{- /* Service links would put <RELEASE>_<SERVICE>_PORT variables into the
      POSTLINE_* namespace (a Service named postline-mta yields POSTLINE_MTA_PORT). */}}
      enableServiceLinks: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ include "postline.terminationGracePeriodSeconds" . }}
      containers:
        - name: {{ $c }}
          image: {{ include "postline.image" $root | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command:
            - node
            - -r
            - tsconfig-paths/register
            - /app/dist/services/{{ $c }}/src/main.js
          env:
            # tsconfig-paths resolves the @postline/* aliases against the compiled tree.
            - name: TS_NODE_BASEURL
              value: /app/dist
            - name: TS_NODE_PROJECT
              value: /app/tsconfig.base.json
            - name: NODE_ENV
              value: production
          envFrom:
            - configMapRef:
                name: {{ include "postline.componentFullname" . }}
          ports:
            - name: http
              containerPort: {{ $root.Values.ports.http }}
              protocol: TCP
            - name: grpc
              containerPort: {{ $root.Values.ports.grpc }}
              protocol: TCP
            {{- with $ports }}
            {{- . | nindent 12 }}
            {{- end }}
          startupProbe:
            httpGet:
              path: /healthz
              port: http
            {{- toYaml $probes.startup | nindent 12 }}
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            {{- toYaml $probes.liveness | nindent 12 }}
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
            {{- toYaml $probes.readiness | nindent 12 }}
          {{- if gt (int $root.Values.lifecycle.preStopSleepSeconds) 0 }}
          lifecycle:
            preStop:
              sleep:
                seconds: {{ $root.Values.lifecycle.preStopSleepSeconds }}
          {{- end }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- toYaml $root.Values.containerSecurityContext | nindent 12 }}
          volumeMounts:
            {{- include "postline.commonVolumeMounts" . | nindent 12 }}
            {{- with $mounts }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with $v.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        {{- include "postline.commonVolumes" . | nindent 8 }}
        {{- with $volumes }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- with $v.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if $v.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- toYaml $v.topologySpreadConstraints | nindent 8 }}
      {{- else if $root.Values.defaultTopologySpread }}
      topologySpreadConstraints:
        {{- range $key := list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
        - maxSkew: 1
          topologyKey: {{ $key }}
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "postline.componentSelectorLabels" $ | nindent 14 }}
        {{- end }}
      {{- end }}
{{- end -}}

{{/* The in-cluster Service: HTTP (REST, probes, metrics) and gRPC. */}}
{{- define "postline.service" -}}
{{- $v := index .root.Values .component -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "postline.componentFullname" . }}
  namespace: {{ include "postline.namespace" .root }}
  labels:
    {{- include "postline.componentLabels" . | nindent 4 }}
  {{- with $v.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: ClusterIP
  selector:
    {{- include "postline.componentSelectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .root.Values.ports.http }}
      targetPort: http
      protocol: TCP
      appProtocol: http
    - name: grpc
      port: {{ .root.Values.ports.grpc }}
      targetPort: grpc
      protocol: TCP
      appProtocol: kubernetes.io/h2c
    {{- if and (eq .component "submission") $v.trusted.networks }}
    - name: smtp-trusted
      port: {{ $v.trusted.servicePort }}
      targetPort: smtp-trusted
      protocol: TCP
      appProtocol: smtp
    {{- end }}
{{- end -}}

{{/* PodDisruptionBudget: keeps voluntary evictions (node drains) to one pod at a time by default. */}}
{{- define "postline.pdb" -}}
{{- $v := index .root.Values .component -}}
{{- if $v.pdb.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "postline.componentFullname" . }}
  namespace: {{ include "postline.namespace" .root }}
  labels:
    {{- include "postline.componentLabels" . | nindent 4 }}
spec:
  {{- if hasKey $v.pdb "minAvailable" }}
  minAvailable: {{ $v.pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ $v.pdb.maxUnavailable | default 1 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "postline.componentSelectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{/* HorizontalPodAutoscaler on CPU, unless KEDA manages the component. */}}
{{- define "postline.hpa" -}}
{{- $v := index .root.Values .component -}}
{{- if and $v.autoscaling.enabled (not $v.keda.enabled) }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "postline.componentFullname" . }}
  namespace: {{ include "postline.namespace" .root }}
  labels:
    {{- include "postline.componentLabels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "postline.componentFullname" . }}
  minReplicas: {{ $v.autoscaling.minReplicas }}
  maxReplicas: {{ $v.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $v.autoscaling.targetCPUUtilizationPercentage }}
  {{- with $v.autoscaling.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* KEDA ScaledObject on the consumer group's lag of .topic (plus CPU). */}}
{{- define "postline.scaledObject" -}}
{{- $root := .root -}}
{{- $v := index $root.Values .component -}}
{{- if $v.keda.enabled }}
{{- $sasl := $root.Values.kafka.sasl -}}
{{- $tls := $root.Values.kafka.tls -}}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ include "postline.componentFullname" . }}
  namespace: {{ include "postline.namespace" $root }}
  labels:
    {{- include "postline.componentLabels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "postline.componentFullname" . }}
  minReplicaCount: {{ $v.keda.minReplicaCount }}
  maxReplicaCount: {{ $v.keda.maxReplicaCount }}
  pollingInterval: {{ $v.keda.pollingInterval }}
  cooldownPeriod: {{ $v.keda.cooldownPeriod }}
  {{- with $v.autoscaling.behavior }}
  advanced:
    horizontalPodAutoscalerConfig:
      behavior:
        {{- toYaml . | nindent 8 }}
  {{- end }}
  triggers:
    - type: kafka
      metadata:
        bootstrapServers: {{ include "postline.kafkaBrokers" $root | quote }}
        consumerGroup: {{ $v.config.consumerGroup | quote }}
        topic: {{ .topic | quote }}
        lagThreshold: {{ $v.keda.lagThreshold | toString | quote }}
        activationLagThreshold: {{ $v.keda.activationLagThreshold | toString | quote }}
        offsetResetPolicy: earliest
        allowIdleConsumers: "false"
        {{- if $sasl.mechanism }}
        sasl: {{ get (dict "plain" "plaintext" "scram-sha-256" "scram_sha256" "scram-sha-512" "scram_sha512") $sasl.mechanism | quote }}
        {{- end }}
        {{- if $tls.enabled }}
        tls: enable
        {{- end }}
      {{- if include "postline.kedaNeedsAuth" $root }}
      authenticationRef:
        name: {{ include "postline.fullname" $root }}-kafka
      {{- end }}
    {{- if $v.keda.cpuUtilization }}
    - type: cpu
      metricType: Utilization
      metadata:
        value: {{ $v.keda.cpuUtilization | toString | quote }}
    {{- end }}
{{- end }}
{{- end -}}

{{/* KEDA needs a TriggerAuthentication when Kafka takes SASL credentials or a private CA. */}}
{{- define "postline.kedaNeedsAuth" -}}
{{- if or .Values.kafka.sasl.mechanism (and .Values.kafka.tls.enabled .Values.kafka.tls.existingSecret) -}}true{{- end -}}
{{- end -}}
