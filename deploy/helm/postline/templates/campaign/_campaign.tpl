{{/* campaign: campaigns and launches (gRPC to list and render), stats, tracking endpoints. */}}
{{- define "postline.campaign.env" -}}
{{- $cfg := .root.Values.campaign.config -}}
POSTLINE_LIST_GRPC_ADDRESS: {{ include "postline.grpcAddress" (dict "root" .root "component" "list") | quote }}
POSTLINE_RENDER_GRPC_ADDRESS: {{ include "postline.grpcAddress" (dict "root" .root "component" "render") | quote }}
POSTLINE_CAMPAIGN_DEFAULT_SEND_RATE: {{ int64 $cfg.defaultSendRate | quote }}
POSTLINE_CAMPAIGN_BATCH_SIZE: {{ int64 $cfg.batchSize | quote }}
POSTLINE_CAMPAIGN_DEFAULT_POOL: {{ $cfg.defaultPool | quote }}
{{- with .root.Values.tracking.baseUrl }}
POSTLINE_TRACKING_BASE_URL: {{ . | quote }}
{{- end }}
{{- end -}}
{{- define "postline.campaign.checksums" -}}{{- end -}}
{{- define "postline.campaign.ports" -}}{{- end -}}
{{- define "postline.campaign.volumes" -}}{{- end -}}
{{- define "postline.campaign.volumeMounts" -}}{{- end -}}
