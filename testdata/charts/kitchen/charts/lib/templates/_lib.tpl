{{- define "lib.extra" -}}
lib.example.com/from: {{ .Chart.Name }}
{{- end -}}
