{{/* campaign: campaigns and launches (gRPC to list and render), stats, tracking endpoints. */}}
{{- define "postline.campaign.env" -}}
{{- $cfg := .root.Values.campaign.config -}}
POSTLINE_LIST_GRPC_ADDRESS: {{ include "postline.grpcAddress" (dict "root" .root "component" "list") | quote }}
POSTLINE_RENDER_GRPC_ADDRESS: {{ include "postline.grpcAddress" (dict "root" .root "component" "render") | quote }}
POSTLINE_CAMPAIGN_DEFAULT_SEND_RATE: {{ int64 $cfg.defaultSendRate | quote }}
POSTLINE_CAMPAIGN_BATCH_SIZE: {{ int64 $cfg.batchSize | quote }}
POSTLINE_CAMPAIGN_DEFAULT_POOL: {{ $cfg.defaultPool | quote }}
{{- with $cfg.guard }}
POSTLINE_CAMPAIGN_GUARD_ENABLED: {{ .enabled | quote }}
POSTLINE_CAMPAIGN_GUARD_MIN_ATTEMPTS: {{ int64 .minAttempts | quote }}
POSTLINE_CAMPAIGN_GUARD_MAX_HARD_BOUNCE_BASIS_POINTS: {{ int64 .maxHardBounceBasisPoints | quote }}
POSTLINE_CAMPAIGN_GUARD_MAX_COMPLAINT_BASIS_POINTS: {{ int64 .maxComplaintBasisPoints | quote }}
{{- end }}
{{- with .root.Values.tracking.baseUrl }}
POSTLINE_TRACKING_BASE_URL: {{ . | quote }}
{{- end }}
{{- if .root.Values.tracking.signingSecret.existingSecret }}
POSTLINE_CAMPAIGN_SIGNING_SECRET_FILE: {{ printf "%s/campaign-signing/%s" (include "postline.secretsDir" .) .root.Values.tracking.signingSecret.key | quote }}
{{- end }}
{{- end -}}
{{- define "postline.campaign.checksums" -}}{{- end -}}
{{- define "postline.campaign.ports" -}}{{- end -}}
{{/* The key render signs click and open tokens with: campaign verifies them with the same Secret. */}}
{{- define "postline.campaign.volumes" -}}
{{- with .root.Values.tracking.signingSecret }}
{{- if .existingSecret }}
- name: campaign-signing
  secret:
    secretName: {{ .existingSecret }}
    defaultMode: 0440
    items:
      - key: {{ .key }}
        path: {{ .key }}
{{- end }}
{{- end }}
{{- end -}}
{{- define "postline.campaign.volumeMounts" -}}
{{- if .root.Values.tracking.signingSecret.existingSecret }}
- name: campaign-signing
  mountPath: {{ include "postline.secretsDir" . }}/campaign-signing
  readOnly: true
{{- end }}
{{- end -}}
