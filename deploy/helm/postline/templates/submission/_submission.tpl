{{/* submission: SMTP 587 (STARTTLS) and 465 (implicit TLS) on unprivileged container ports. */}}
{{- define "postline.submission.env" -}}
{{- $v := .root.Values.submission -}}
{{- $cfg := $v.config -}}
POSTLINE_SUBMISSION_LISTEN_HOST: {{ .root.Values.config.bindHost | quote }}
POSTLINE_SUBMISSION_SMTP_PORT: {{ int64 $v.smtp.containerPorts.submission | quote }}
POSTLINE_SUBMISSION_SMTPS_PORT: {{ int64 $v.smtp.containerPorts.submissions | quote }}
{{- with $cfg.hostname }}
POSTLINE_SUBMISSION_HOSTNAME: {{ . | quote }}
{{- end }}
POSTLINE_SUBMISSION_MAX_MESSAGE_BYTES: {{ int64 $cfg.maxMessageBytes | quote }}
POSTLINE_SUBMISSION_MAX_RECORD_BYTES: {{ int64 $cfg.maxRecordBytes | quote }}
POSTLINE_SUBMISSION_MAX_RECIPIENTS: {{ int64 $cfg.maxRecipients | quote }}
POSTLINE_SUBMISSION_ACCEPT_TIMEOUT_MS: {{ int64 $cfg.acceptTimeoutMs | quote }}
POSTLINE_SUBMISSION_GREETING_DELAY_MS: {{ int64 $cfg.greetingDelayMs | quote }}
POSTLINE_SUBMISSION_REVERSE_LOOKUP: {{ $cfg.reverseLookup | toString | quote }}
POSTLINE_SUBMISSION_MAX_CONNECTIONS: {{ int64 $cfg.maxConnections | quote }}
POSTLINE_SUBMISSION_MAX_CONNECTIONS_PER_IP: {{ int64 $cfg.maxConnectionsPerIp | quote }}
POSTLINE_SUBMISSION_IDLE_TIMEOUT_MS: {{ int64 $cfg.idleTimeoutMs | quote }}
POSTLINE_SUBMISSION_MAX_SESSION_MS: {{ int64 $cfg.maxSessionMs | quote }}
POSTLINE_SUBMISSION_MIN_DATA_RATE_BPS: {{ int64 $cfg.minDataRateBps | quote }}
POSTLINE_SUBMISSION_DATA_RATE_WINDOW_MS: {{ int64 $cfg.dataRateWindowMs | quote }}
POSTLINE_SUBMISSION_MAX_COMMAND_LINE_BYTES: {{ int64 $cfg.maxCommandLineBytes | quote }}
POSTLINE_SUBMISSION_MAX_LINE_BYTES: {{ int64 $cfg.maxLineBytes | quote }}
POSTLINE_SUBMISSION_MESSAGES_PER_MINUTE: {{ int64 $cfg.messagesPerMinute | quote }}
POSTLINE_SUBMISSION_RECIPIENTS_PER_MINUTE: {{ int64 $cfg.recipientsPerMinute | quote }}
POSTLINE_SUBMISSION_AUTH_MAX_FAILURES_PER_IP: {{ int64 $cfg.auth.maxFailuresPerIp | quote }}
POSTLINE_SUBMISSION_AUTH_MAX_FAILURES_PER_USERNAME: {{ int64 $cfg.auth.maxFailuresPerUsername | quote }}
POSTLINE_SUBMISSION_AUTH_FAILURE_WINDOW_MS: {{ int64 $cfg.auth.failureWindowMs | quote }}
POSTLINE_SUBMISSION_AUTH_LOCKOUT_MS: {{ int64 $cfg.auth.lockoutMs | quote }}
POSTLINE_SUBMISSION_AUTH_FAILURE_DELAY_MS: {{ int64 $cfg.auth.failureDelayMs | quote }}
POSTLINE_SUBMISSION_AUTH_FAILURE_MAX_DELAY_MS: {{ int64 $cfg.auth.failureMaxDelayMs | quote }}
POSTLINE_SUBMISSION_TLS_RELOAD_DEBOUNCE_MS: {{ int64 $v.tls.reloadDebounceMs | quote }}
POSTLINE_SUBMISSION_PROXY_ALLOWED_CIDRS: {{ join "," $v.smtp.proxyProtocol.allowedCidrs | quote }}
{{- with $v.trusted }}
{{- if .networks }}
POSTLINE_SUBMISSION_TRUSTED_NETWORKS: {{ join "," .networks | quote }}
POSTLINE_SUBMISSION_TRUSTED_CREDENTIAL: {{ .credential | quote }}
POSTLINE_SUBMISSION_TRUSTED_PORT: {{ int64 .containerPort | quote }}
{{- end }}
{{- end }}
{{- if $v.tls.existingSecret }}
POSTLINE_SUBMISSION_TLS_CERT_FILE: {{ printf "%s/submission-tls/tls.crt" (include "postline.secretsDir" .) | quote }}
POSTLINE_SUBMISSION_TLS_KEY_FILE: {{ printf "%s/submission-tls/tls.key" (include "postline.secretsDir" .) | quote }}
{{- end }}
{{- end -}}
{{- define "postline.submission.checksums" -}}{{- end -}}
{{- define "postline.submission.ports" -}}
- name: smtp-submission
  containerPort: {{ .root.Values.submission.smtp.containerPorts.submission }}
  protocol: TCP
- name: smtps
  containerPort: {{ .root.Values.submission.smtp.containerPorts.submissions }}
  protocol: TCP
{{- if .root.Values.submission.trusted.networks }}
- name: smtp-trusted
  containerPort: {{ .root.Values.submission.trusted.containerPort }}
  protocol: TCP
{{- end }}
{{- end -}}
{{- define "postline.submission.volumes" -}}
{{- with .root.Values.submission.tls.existingSecret }}
- name: submission-tls
  secret:
    secretName: {{ . }}
    defaultMode: 0440
    items:
      - key: tls.crt
        path: tls.crt
      - key: tls.key
        path: tls.key
{{- end }}
{{- end -}}
{{- define "postline.submission.volumeMounts" -}}
{{- if .root.Values.submission.tls.existingSecret }}
{{- /* A directory mount (not subPath) so a renewed certificate appears without a restart. */}}
- name: submission-tls
  mountPath: {{ include "postline.secretsDir" . }}/submission-tls
  readOnly: true
{{- end }}
{{- end -}}
