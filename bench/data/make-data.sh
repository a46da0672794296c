#!/usr/bin/env bash
# Rebuilds the benchmark inputs in this folder from the shared datasets (see README.md here for sources and licences).
# Usage: bash bench/data/make-data.sh [datasets folder=/work/shared/datasets]
set -euo pipefail
src="${1:-/work/shared/datasets}"
here="$(cd "$(dirname "$0")" && pwd)"

# SST-2: the header and the first 20,000 sentences of train.tsv, unchanged.
head -n 20001 "$src/single_task/sst2/train.tsv" | gzip -9 -n > "$here/sst2-train-20000.tsv.gz"

# T0 mix: every record of each template file, with the template's name as "task" and the trailing <|endoftext|>
# dropped from the completion; three templates are left out for their licences (README.md).
for file in "$src"/multi_task/t0_samples/*.jsonl; do
  task="$(basename "$file" .jsonl)"
  case "$task" in samsum_* | gigaword_* | yelp_review_full_*) continue ;; esac
  jq -c --arg task "$task" '{prompt, completion: (.completion | sub("<\\|endoftext\\|>$"; "")), task: $task}' "$file"
done | gzip -9 -n > "$here/t0-mix.jsonl.gz"
ls -l "$here"/*.gz
