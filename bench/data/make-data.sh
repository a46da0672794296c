#!/usr/bin/env bash
# Rebuilds the benchmark inputs in this folder from the shared datasets (see README.md here for sources and licences).
# Usage: bash bench/data/make-data.sh [datasets folder=/work/shared/datasets]
set -euo pipefail
src="${1:-/work/shared/datasets}"
here="$(cd "$(dirname "$0")" && pwd)"

# SST-2: the header and the first 5,000 sentences of train.tsv, unchanged.
head -n 5001 "$src/single_task/sst2/train.tsv" > "$here/sst2-train-5000.tsv"

# T0 mix: the first 20 records of each template file, with the template's name as "task" and the trailing
# <|endoftext|> dropped from the completion; three templates are left out for their licences (README.md).
out="$here/t0-mix.jsonl"
: > "$out"
for file in "$src"/multi_task/t0_samples/*.jsonl; do
  task="$(basename "$file" .jsonl)"
  case "$task" in samsum_* | gigaword_* | yelp_review_full_*) continue ;; esac
  head -n 20 "$file" | jq -c --arg task "$task" '{prompt, completion: (.completion | sub("<\\|endoftext\\|>$"; "")), task: $task}' >> "$out"
done
wc -lc "$here/sst2-train-5000.tsv" "$out"
