{{/* mta: the sending workers; policies from a ConfigMap file, DKIM keys from a Secret directory. */}}
{{- define "postline.mta.env" -}}
{{- $cfg := .root.Values.mta.config -}}
POSTLINE_MTA_CONSUMER_GROUP: {{ $cfg.consumerGroup | quote }}
POSTLINE_MTA_EHLO_NAME: {{ $cfg.ehloName | quote }}
POSTLINE_MTA_ROUTES: {{ $cfg.routes | quote }}
POSTLINE_MTA_MAX_CONNECTIONS_PER_HOP: {{ int64 $cfg.maxConnectionsPerHop | quote }}
POSTLINE_MTA_MAX_MESSAGES_PER_CONNECTION: {{ int64 $cfg.maxMessagesPerConnection | quote }}
POSTLINE_MTA_MAX_INFLIGHT: {{ int64 $cfg.maxInflight | quote }}
POSTLINE_MTA_CONNECT_TIMEOUT_MS: {{ int64 $cfg.connectTimeoutMs | quote }}
POSTLINE_MTA_GREETING_TIMEOUT_MS: {{ int64 $cfg.greetingTimeoutMs | quote }}
POSTLINE_MTA_SOCKET_TIMEOUT_MS: {{ int64 $cfg.socketTimeoutMs | quote }}
{{- if .root.Values.mta.policies }}
POSTLINE_MTA_POLICIES_FILE: /etc/postline/mta/policies.yaml
{{- end }}
{{- if .root.Values.mta.dkim.existingSecret }}
POSTLINE_MTA_DKIM_KEYS_DIR: {{ printf "%s/dkim" (include "postline.secretsDir" .) | quote }}
{{- end }}
{{- end -}}
{{- define "postline.mta.ports" -}}{{- end -}}
{{- define "postline.mta.volumes" -}}
{{- if .root.Values.mta.policies }}
- name: policies
  configMap:
    name: {{ include "postline.componentFullname" . }}-policies
{{- end }}
{{- with .root.Values.mta.dkim.existingSecret }}
- name: dkim
  secret:
    secretName: {{ . }}
    defaultMode: 0440
{{- end }}
{{- end -}}
{{- define "postline.mta.volumeMounts" -}}
{{- if .root.Values.mta.policies }}
- name: policies
  mountPath: /etc/postline/mta
  readOnly: true
{{- end }}
{{- if .root.Values.mta.dkim.existingSecret }}
- name: dkim
  mountPath: {{ include "postline.secretsDir" . }}/dkim
  readOnly: true
{{- end }}
{{- end -}}
