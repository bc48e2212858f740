{{/* mta: the sending workers; domain policies from a ConfigMap file, DKIM keys from a Secret directory. */}}
{{- define "postline.mta.policiesDir" -}}/etc/postline/mta{{- end -}}

{{/*
The policy file's text: mta.policies as given when it is a string (--set-file),
else the map written as YAML. Used by the ConfigMap and by the pod's checksum.
Helm reads values as YAML 1.1, where the backoff key `on:` is the boolean true,
so in the map form a backoff's "true" key is turned back into "on".
*/}}
{{- define "postline.mta.policiesYaml" -}}
{{- $p := .root.Values.mta.policies -}}
{{- if kindIs "string" $p -}}
{{- $p | trim -}}
{{- else -}}
{{- $p = deepCopy $p -}}
{{- $entries := list ($p.defaults | default dict) -}}
{{- range $p.policies -}}
{{- $entries = append $entries . -}}
{{- end -}}
{{- range $entries -}}
{{- if and (kindIs "map" .) (kindIs "map" .backoff) (hasKey .backoff "true") -}}
{{- $_ := set .backoff "on" (get .backoff "true") -}}
{{- $_ := unset .backoff "true" -}}
{{- end -}}
{{- end -}}
{{- toYaml $p | trim -}}
{{- end -}}
{{- end -}}

{{- define "postline.mta.env" -}}
{{- $cfg := .root.Values.mta.config -}}
POSTLINE_MTA_CONSUMER_GROUP: {{ $cfg.consumerGroup | quote }}
POSTLINE_MTA_RETRY_CONSUMER_GROUP: {{ $cfg.retryConsumerGroup | quote }}
POSTLINE_MTA_RETRY_TIERS: {{ join "," $cfg.retryTiers | quote }}
POSTLINE_MTA_EHLO_NAME: {{ $cfg.ehloName | quote }}
POSTLINE_MTA_ROUTES: {{ $cfg.routes | quote }}
POSTLINE_MTA_MAX_CONNECTIONS_PER_HOP: {{ int64 $cfg.maxConnectionsPerHop | quote }}
POSTLINE_MTA_MAX_MESSAGES_PER_CONNECTION: {{ int64 $cfg.maxMessagesPerConnection | quote }}
POSTLINE_MTA_MAX_INFLIGHT: {{ int64 $cfg.maxInflight | quote }}
POSTLINE_MTA_CONNECT_TIMEOUT_MS: {{ int64 $cfg.connectTimeoutMs | quote }}
POSTLINE_MTA_GREETING_TIMEOUT_MS: {{ int64 $cfg.greetingTimeoutMs | quote }}
POSTLINE_MTA_SOCKET_TIMEOUT_MS: {{ int64 $cfg.socketTimeoutMs | quote }}
POSTLINE_MTA_IDLE_SESSION_MS: {{ int64 $cfg.idleSessionMs | quote }}
POSTLINE_MTA_DNS_SERVERS: {{ join "," $cfg.dnsServers | quote }}
POSTLINE_MTA_DNS_CACHE_SECONDS: {{ int64 $cfg.dnsCacheSeconds | quote }}
POSTLINE_MTA_MAX_BUFFERED_MB_PER_PARTITION: {{ int64 $cfg.maxBufferedMbPerPartition | quote }}
POSTLINE_MTA_COMMIT_INTERVAL_MS: {{ int64 $cfg.commitIntervalMs | quote }}
POSTLINE_MTA_DRAIN_TIMEOUT_MS: {{ int64 $cfg.drainTimeoutMs | quote }}
POSTLINE_MTA_DKIM_WORKERS: {{ int64 $cfg.dkimWorkers | quote }}
POSTLINE_MTA_CONTROL_SYNC_MS: {{ int64 $cfg.controlSyncMs | quote }}
POSTLINE_MTA_MAX_QUEUED_PER_SLOW_DESTINATION: {{ int64 $cfg.maxQueuedPerSlowDestination | quote }}
{{- with .root.Values.mta.sourcePools }}
{{- $pools := list }}
{{- range $name, $addresses := . }}
{{- $pools = append $pools (printf "%s=%s" $name (join "," $addresses)) }}
{{- end }}
POSTLINE_MTA_SOURCE_POOLS: {{ join ";" $pools | quote }}
{{- end }}
{{- if .root.Values.mta.policies }}
POSTLINE_MTA_POLICY_FILE: {{ printf "%s/policies.yaml" (include "postline.mta.policiesDir" .) | quote }}
{{- end }}
{{- if .root.Values.mta.dkim.existingSecret }}
POSTLINE_MTA_DKIM_KEYS_DIR: {{ printf "%s/dkim" (include "postline.secretsDir" .) | quote }}
{{- end }}
{{- end -}}
{{- define "postline.mta.ports" -}}{{- end -}}
{{- define "postline.mta.checksums" -}}
{{- if .root.Values.mta.policies }}
checksum/policies: {{ include "postline.mta.policiesYaml" . | sha256sum }}
{{- end }}
{{- end -}}
{{- define "postline.mta.volumes" -}}
{{- if .root.Values.mta.policies }}
- name: policies
  configMap:
    name: {{ include "postline.componentFullname" . }}-policies
{{- end }}
{{- with .root.Values.mta.dkim.existingSecret }}
{{- /* Every key of the Secret becomes a file <domain>_<selector>.pem in one directory. */}}
- name: dkim
  secret:
    secretName: {{ . }}
    defaultMode: 0440
{{- end }}
{{- end -}}
{{- define "postline.mta.volumeMounts" -}}
{{- /* Directory mounts (no subPath): the mta reads both at start, and the checksum rolls it on a policy change. */}}
{{- if .root.Values.mta.policies }}
- name: policies
  mountPath: {{ include "postline.mta.policiesDir" . }}
  readOnly: true
{{- end }}
{{- if .root.Values.mta.dkim.existingSecret }}
- name: dkim
  mountPath: {{ include "postline.secretsDir" . }}/dkim
  readOnly: true
{{- end }}
{{- end -}}

{{/*
Resolvers in mta.config.dnsServers as "<ip> <port> <cidr>" lines, for the
egress NetworkPolicy: "ip", "ip:port", an IPv6 address, or "[ipv6]:port".
*/}}
{{- define "postline.mta.dnsServers" -}}
{{- range .Values.mta.config.dnsServers }}
{{- $ip := . -}}
{{- $port := "53" -}}
{{- if hasPrefix "[" . -}}
{{- $ip = regexReplaceAll "^\\[([^\\]]+)\\].*$" . "${1}" -}}
{{- if regexMatch "\\]:[0-9]+$" . -}}{{- $port = regexFind "[0-9]+$" . -}}{{- end -}}
{{- else if eq (len (splitList ":" .)) 2 -}}
{{- $ip = first (splitList ":" .) -}}
{{- $port = last (splitList ":" .) -}}
{{- end }}
{{ $ip }} {{ $port }} {{ printf "%s/%s" $ip (ternary "128" "32" (contains ":" $ip)) }}
{{- end -}}
{{- end -}}
