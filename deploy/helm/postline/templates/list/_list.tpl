{{/* list: lists, subscribers, consent and suppression; recipient streams over gRPC; one-click unsubscribe. */}}
{{- define "postline.list.env" -}}
{{- with .root.Values.tracking.baseUrl }}
POSTLINE_TRACKING_BASE_URL: {{ . | quote }}
{{- end }}
{{- if .root.Values.tracking.signingSecret.existingSecret }}
POSTLINE_LIST_SIGNING_SECRET_FILE: {{ printf "%s/list-signing/%s" (include "postline.secretsDir" .) .root.Values.tracking.signingSecret.key | quote }}
{{- end }}
{{- end -}}
{{- define "postline.list.checksums" -}}{{- end -}}
{{- define "postline.list.ports" -}}{{- end -}}
{{/* The key render signs unsubscribe tokens with: list verifies them with the same Secret. */}}
{{- define "postline.list.volumes" -}}
{{- with .root.Values.tracking.signingSecret }}
{{- if .existingSecret }}
- name: list-signing
  secret:
    secretName: {{ .existingSecret }}
    defaultMode: 0440
    items:
      - key: {{ .key }}
        path: {{ .key }}
{{- end }}
{{- end }}
{{- end -}}
{{- define "postline.list.volumeMounts" -}}
{{- if .root.Values.tracking.signingSecret.existingSecret }}
- name: list-signing
  mountPath: {{ include "postline.secretsDir" . }}/list-signing
  readOnly: true
{{- end }}
{{- end -}}
