{{/* render: mail.render.v1 -> MIME -> mail.outbound.v1; previews and transactional renders over gRPC. */}}
{{- define "postline.render.env" -}}
{{- $cfg := .root.Values.render.config -}}
POSTLINE_RENDER_CONSUMER_GROUP: {{ $cfg.consumerGroup | quote }}
POSTLINE_RENDER_TEMPLATE_CACHE_SIZE: {{ int64 $cfg.templateCacheSize | quote }}
POSTLINE_RENDER_MAX_PART_BYTES: {{ int64 $cfg.maxPartBytes | quote }}
POSTLINE_RENDER_MJML_MAX_BYTES: {{ int64 $cfg.mjmlMaxBytes | quote }}
POSTLINE_RENDER_MJML_TIMEOUT_MS: {{ int64 $cfg.mjmlTimeoutMs | quote }}
{{- with .root.Values.tracking.baseUrl }}
POSTLINE_TRACKING_BASE_URL: {{ . | quote }}
{{- end }}
{{- if .root.Values.tracking.signingSecret.existingSecret }}
POSTLINE_RENDER_SIGNING_SECRET_FILE: {{ printf "%s/render-signing/%s" (include "postline.secretsDir" .) .root.Values.tracking.signingSecret.key | quote }}
{{- end }}
{{- end -}}
{{- define "postline.render.checksums" -}}{{- end -}}
{{- define "postline.render.ports" -}}{{- end -}}
{{- define "postline.render.volumes" -}}
{{- with .root.Values.tracking.signingSecret }}
{{- if .existingSecret }}
- name: render-signing
  secret:
    secretName: {{ .existingSecret }}
    defaultMode: 0440
    items:
      - key: {{ .key }}
        path: {{ .key }}
{{- end }}
{{- end }}
{{- end -}}
{{- define "postline.render.volumeMounts" -}}
{{- if .root.Values.tracking.signingSecret.existingSecret }}
- name: render-signing
  mountPath: {{ include "postline.secretsDir" . }}/render-signing
  readOnly: true
{{- end }}
{{- end -}}
