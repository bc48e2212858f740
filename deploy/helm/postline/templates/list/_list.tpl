{{/* list: lists, subscribers, consent and suppression; recipient streams over gRPC. */}}
{{- define "postline.list.env" -}}
{{- with .root.Values.tracking.baseUrl }}
POSTLINE_TRACKING_BASE_URL: {{ . | quote }}
{{- end }}
{{- end -}}
{{- define "postline.list.checksums" -}}{{- end -}}
{{- define "postline.list.ports" -}}{{- end -}}
{{- define "postline.list.volumes" -}}{{- end -}}
{{- define "postline.list.volumeMounts" -}}{{- end -}}
