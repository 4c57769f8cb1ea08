{{/* Chart name, truncated to 63 characters (a DNS label). */}}
{{- define "rolegate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, plus the chart name unless the release name already contains it. */}}
{{- define "rolegate.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Labels that select the controller pods; never change them (Deployment selectors are immutable). Rendered for a
shard (.Shard, see deployment.yaml), they select that shard's pods only; otherwise every controller pod of the
release (the metrics Service, the NetworkPolicy).
*/}}
{{- define "rolegate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rolegate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- with .Shard }}
rolegate.io/shard: {{ .name }}
{{- end }}
{{- end }}

{{/* The controllers to run: the shards, or one for the whole estate (an empty shard) when none are given. */}}
{{- define "rolegate.instances" -}}
{{- if .Values.shards }}
{{- toYaml .Values.shards }}
{{- else }}
- {}
{{- end }}
{{- end }}

{{/* The Deployment (and PodDisruptionBudget) name of a controller: the full name, plus -<shard>. */}}
{{- define "rolegate.instanceName" -}}
{{- if .Shard }}
{{- printf "%s-%s" (include "rolegate.fullname" .) .Shard.name }}
{{- else }}
{{- include "rolegate.fullname" . }}
{{- end }}
{{- end }}

{{/* Replicas of a controller: its shard's `replicas`, else replicaCount. */}}
{{- define "rolegate.instanceReplicas" -}}
{{- if and .Shard (hasKey .Shard "replicas") }}
{{- .Shard.replicas }}
{{- else }}
{{- .Values.replicaCount }}
{{- end }}
{{- end }}

{{/*
The leader-election Leases: rolegate-controller, or rolegate-controller-<shard> per shard (what
`--leader-election-id` and `--shard-name` make). The Role grants get/update on these names only.
*/}}
{{- define "rolegate.leaseNames" -}}
{{- if .Values.shards }}
{{- range .Values.shards }}
- rolegate-controller-{{ .name }}
{{- end }}
{{- else }}
- rolegate-controller
{{- end }}
{{- end }}

{{/*
Shards are checked where the schema cannot: names unique (each names a Deployment and a Lease), no two selectors the
same (spaces and `==` aside: both shards would reconcile every provider they select), and leader election on
wherever a shard runs more than one replica. Selectors that differ but overlap are found at run time (a shard
finds a provider claimed by another: ShardConflict).
*/}}
{{- define "rolegate.checkShards" -}}
{{- $seen := dict }}
{{- $selectors := dict }}
{{- range .Values.shards }}
{{- if hasKey $seen .name }}
{{- fail (printf "shards: the name %q is given twice; each shard needs its own name (it names the Deployment and the Lease)" .name) }}
{{- end }}
{{- $_ := set $seen .name true }}
{{- $sel := .selector | default "" | nospace | replace "==" "=" }}
{{- if hasKey $selectors $sel }}
{{- fail (printf "shards: %q and %q have the same selector %q; both would reconcile, and write, every IdentityProvider it selects" (get $selectors $sel) .name .selector) }}
{{- end }}
{{- $_ := set $selectors $sel .name }}
{{- if and (gt (int (default $.Values.replicaCount .replicas)) 1) (not $.Values.controller.leaderElection.enabled) }}
{{- fail (printf "controller.leaderElection.enabled must be true when shard %q has more than one replica: two controllers would both write" .name) }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "rolegate.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "rolegate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: controller
app.kubernetes.io/part-of: rolegate
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The ServiceAccount the controller runs as. */}}
{{- define "rolegate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "rolegate.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image reference: repository@digest, or repository:tag (tag defaults to appVersion). */}}
{{- define "rolegate.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The rules of an RBAC manifest in files/ (a copy of config/rbac/, made by scripts/sync-chart.mjs). The rules are
written once, in config/rbac/, and never re-typed here. Usage: include "rolegate.rules" (list . "files/role.yaml")
*/}}
{{- define "rolegate.rules" -}}
{{- $root := index . 0 }}
{{- $path := index . 1 }}
{{- $text := $root.Files.Get $path }}
{{- if not $text }}
{{- fail (printf "%s is missing from the chart: run `node scripts/sync-chart.mjs`" $path) }}
{{- end }}
{{- $doc := fromYaml $text }}
{{- if hasKey $doc "Error" }}
{{- fail (printf "%s is not a single YAML document: %s" $path (get $doc "Error")) }}
{{- end }}
{{- if not $doc.rules }}
{{- fail (printf "%s has no rules" $path) }}
{{- end }}
{{- toYaml $doc.rules }}
{{- end }}

{{/*
A memory quantity (256Mi, 1Gi, 512M, 268435456) in MiB, as a float. Usage: include "rolegate.mebibytes" "256Mi"
*/}}
{{- define "rolegate.mebibytes" -}}
{{- $q := toString . }}
{{- $units := dict "" 1.0 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "Pi" 1125899906842624.0 "k" 1000.0 "K" 1000.0 "M" 1000000.0 "G" 1000000000.0 "T" 1000000000000.0 "P" 1000000000000000.0 }}
{{- $num := regexFind "^[0-9]+(\\.[0-9]+)?" $q }}
{{- $unit := trimPrefix $num $q }}
{{- if or (not $num) (not (hasKey $units $unit)) }}
{{- fail (printf "resources.limits.memory %q is not a memory quantity the chart can size the heap from (such as 256Mi or 1Gi); or set controller.nodeHeap.maxOldSpaceSize" $q) }}
{{- end }}
{{- divf (mulf (float64 $num) (get $units $unit)) 1048576.0 }}
{{- end }}

{{/*
The controller's NODE_OPTIONS: V8's heap limits, tied to the container's memory limit (see controller.nodeHeap in
values.yaml). Without them V8 sizes its heap from the node's memory, not the container's, lets garbage grow until
the kernel kills the container, and keeps a 48 MiB young generation. The old generation gets limitPercent of
resources.limits.memory (or maxOldSpaceSize MiB); the rest is Node.js itself: its binary, code, buffers, young
generation.
*/}}
{{- define "rolegate.nodeOptions" -}}
{{- $h := .Values.controller.nodeHeap }}
{{- $flags := list }}
{{- $old := int $h.maxOldSpaceSize }}
{{- $limit := dig "limits" "memory" "" .Values.resources }}
{{- if and (eq $old 0) $limit }}
{{- $old = int (floor (divf (mulf (include "rolegate.mebibytes" $limit | float64) $h.limitPercent) 100)) }}
{{- end }}
{{- if gt $old 0 }}
{{- $flags = append $flags (printf "--max-old-space-size=%d" $old) }}
{{- end }}
{{- if gt (int $h.maxSemiSpaceSize) 0 }}
{{- $flags = append $flags (printf "--max-semi-space-size=%d" (int $h.maxSemiSpaceSize)) }}
{{- end }}
{{- join " " $flags }}
{{- end }}

{{/* Whether controller.extraEnv sets NODE_OPTIONS itself, which then replaces the chart's heap flags. */}}
{{- define "rolegate.userNodeOptions" -}}
{{- range .Values.controller.extraEnv }}
{{- if eq .name "NODE_OPTIONS" }}true{{ end }}
{{- end }}
{{- end }}

{{/*
The pod's topology spread constraints: topologySpreadConstraints as given, where a constraint without
labelSelector selects this release's pods (and only those of the same ReplicaSet during a rollout).
*/}}
{{- define "rolegate.topologySpreadConstraints" -}}
{{- $out := list }}
{{- range .Values.topologySpreadConstraints }}
{{- $c := deepCopy . }}
{{- if not (hasKey $c "labelSelector") }}
{{- $_ := set $c "labelSelector" (dict "matchLabels" (include "rolegate.selectorLabels" $ | fromYaml)) }}
{{- if not (hasKey $c "matchLabelKeys") }}
{{- $_ := set $c "matchLabelKeys" (list "pod-template-hash") }}
{{- end }}
{{- end }}
{{- $out = append $out $c }}
{{- end }}
{{- toYaml $out }}
{{- end }}
