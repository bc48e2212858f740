{{/* submission: SMTP 587 (STARTTLS) and 465 (implicit TLS) on unprivileged container ports. */}}
{{- define "postline.submission.env" -}}
{{- $v := .root.Values.submission -}}
POSTLINE_SUBMISSION_LISTEN_HOST: {{ .root.Values.config.bindHost | quote }}
POSTLINE_SUBMISSION_SMTP_PORT: {{ int64 $v.smtp.containerPorts.submission | quote }}
POSTLINE_SUBMISSION_SMTPS_PORT: {{ int64 $v.smtp.containerPorts.submissions | quote }}
{{- with $v.config.hostname }}
POSTLINE_SUBMISSION_HOSTNAME: {{ . | quote }}
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
