{{/* TCP ports of the Kafka brokers (from kafka.brokers) plus networkPolicy.kafka.extraPorts, deduplicated. */}}
{{- define "postline.kafkaPorts" -}}
{{- $ports := list -}}
{{- range .Values.kafka.brokers -}}
{{- $ports = append $ports (regexFind "[0-9]+$" .) -}}
{{- end -}}
{{- range .Values.networkPolicy.kafka.extraPorts -}}
{{- $ports = append $ports (toString (int64 .)) -}}
{{- end -}}
{{- $ports | uniq | join " " -}}
{{- end -}}
