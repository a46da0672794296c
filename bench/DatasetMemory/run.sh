#!/usr/bin/env bash
# Peak resident memory of the API process for one dataset operation on a large file (issue 17).
# Usage: bash bench/DatasetMemory/run.sh [OPERATION=stats] [SIZE_BYTES=500000000]
# Needs the Debug build of src/Api (dotnet build src/Api), or API_DIR=a folder holding another build of it. Starts the API on SQLite (embedded mode) in a temp folder,
# uploads the file through POST /v1/files, resets the kernel's peak-RSS mark (/proc/PID/clear_refs, 5), runs the
# operation once and prints VmHWM (the peak resident set since the reset) and VmRSS before and after.
set -euo pipefail
op=${1:-stats}
size=${2:-500000000}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/dataset-memory-XXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
data=${DATASET:-$work/data.jsonl} # DATASET=an existing file: skips writing one
[ -f "$data" ] || python3 "$root/bench/DatasetMemory/make-dataset.py" "$data" "$size"
port=$((20000 + RANDOM % 20000))
(cd "${API_DIR:-$root/src/Api/bin/Debug/net10.0}" && Tuning__DataDir="$work/data" Tuning__RunWorkerInProcess=false ASPNETCORE_URLS="http://127.0.0.1:$port" \
  DOTNET_ENVIRONMENT=Production exec dotnet TuningService.Api.dll > "$work/api.log" 2>&1) &
pid=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/healthz/live" > /dev/null && break; sleep 0.5; done
id=$(curl -sf -F purpose=fine-tune -F "file=@$data" "http://127.0.0.1:$port/v1/files" | jq -r .id)
echo "uploaded $id"
pid=$(pgrep -P "$pid" -f TuningService.Api.dll || echo "$pid")
rss() { grep -E "^$1:" /proc/$pid/status | awk '{printf "%.0f MiB", $2/1024}'; }
echo "before: VmRSS $(rss VmRSS), VmHWM since start $(rss VmHWM)"
echo 5 > /proc/$pid/clear_refs
start=$(date +%s.%N)
case $op in
  stats) curl -sf "http://127.0.0.1:$port/v1/files/$id/stats" | jq -c '{record_count, truncated: .truncated_count}' || true ;;
  clean) curl -sf -H 'Content-Type: application/json' -d '{}' "http://127.0.0.1:$port/v1/files/$id/clean" | jq -c '.file.record_count' || true ;;
  split) curl -sf -H 'Content-Type: application/json' -d '{"seed":1}' "http://127.0.0.1:$port/v1/files/$id/split" | jq -c '[.splits[].record_count]' || true ;;
  preview) curl -sf -H 'Content-Type: application/json' -d '{}' "http://127.0.0.1:$port/v1/files/$id/preview" | jq -c '.data | length' || true ;;
esac
end=$(date +%s.%N)
echo "$op: $(echo "$end - $start" | bc) s; peak VmHWM during it $(rss VmHWM), VmRSS after $(rss VmRSS)"
