# Sourced by bench/run: the summary table, from the `SUITE key value unit` lines the benchmarks print.

# The rows, in order: key | label | target as "op threshold" (op >= or <=; empty: no target in the issue).
# {short}/{long} in a label become the generation lengths measured, {ingest_mib} the largest file IngestBench
# uploaded, {ingest_flat} (in a target) 10% of the difference between its largest and smallest files. Keys a benchmark prints that are not listed here
# (e.g. a new benchmark's) follow at the end without a target.
summary_rows() {
  cat <<'ROWS'
ceiling.fp32|Ceiling: fp32 matrix multiply|
ceiling.bf16|Ceiling: bf16 matrix multiply|
train.llama.full.tokens_per_s|Llama (d_model 512) full fine-tuning, fp32: speed|
train.llama.full.mfu|Llama full fine-tuning: model-FLOPs utilisation (fp32 ceiling)|>= 70
train.llama.lora.tokens_per_s|Llama LoRA: speed|
train.llama.lora.mfu|Llama LoRA: model-FLOPs utilisation (LoRA FLOPs, see BENCHMARKS.md)|
train.llama.lora_speedup|Llama LoRA tokens/s over full|>= 1.3
train.llama.full.peak_rss|Llama full fine-tuning: peak resident memory|
train.llama.lora.peak_rss|Llama LoRA: peak resident memory|
train.llama.lora_memory_share|Llama LoRA peak memory as a share of full|
train.llama.bf16.full.tokens_per_s|Llama full fine-tuning, bf16 (fp32 masters): speed|
train.llama.bf16.full.mfu|Llama full fine-tuning, bf16: model-FLOPs utilisation (fp32 ceiling)|>= 70
train.llama.bf16.lora.tokens_per_s|Llama LoRA, bf16: speed|
train.llama.bf16.lora.mfu|Llama LoRA, bf16: model-FLOPs utilisation (LoRA FLOPs)|
train.llama.bf16.lora_speedup|Llama LoRA, bf16: tokens/s over full bf16|>= 1.3
train.llama.bf16.full.peak_rss|Llama full fine-tuning, bf16: peak resident memory|
train.llama.bf16.lora.peak_rss|Llama LoRA, bf16: peak resident memory|
train.llama.bf16.lora_memory_share|Llama LoRA, bf16: peak memory as a share of full bf16|
train.t5.full.tokens_per_s|T5 (flan-t5-small shape) full fine-tuning, fp32: speed|
train.t5.full.mfu|T5 full fine-tuning: model-FLOPs utilisation (fp32 ceiling)|>= 70
train.t5.lora.tokens_per_s|T5 LoRA: speed|
train.t5.lora.mfu|T5 LoRA: model-FLOPs utilisation (LoRA FLOPs, see BENCHMARKS.md)|
train.t5.lora_speedup|T5 LoRA tokens/s over full|>= 1.3
train.t5.full.peak_rss|T5 full fine-tuning: peak resident memory|
train.t5.lora.peak_rss|T5 LoRA: peak resident memory|
train.t5.lora_memory_share|T5 LoRA peak memory as a share of full|<= 50
train.t5.bf16.full.tokens_per_s|T5 full fine-tuning, bf16 (fp32 masters): speed|
train.t5.bf16.full.mfu|T5 full fine-tuning, bf16: model-FLOPs utilisation (fp32 ceiling)|>= 70
train.t5.bf16.lora.tokens_per_s|T5 LoRA, bf16: speed|
train.t5.bf16.lora.mfu|T5 LoRA, bf16: model-FLOPs utilisation (LoRA FLOPs)|
train.t5.bf16.lora_speedup|T5 LoRA, bf16: tokens/s over full bf16|>= 1.3
train.t5.bf16.full.peak_rss|T5 full fine-tuning, bf16: peak resident memory|
train.t5.bf16.lora.peak_rss|T5 LoRA, bf16: peak resident memory|
train.t5.bf16.lora_memory_share|T5 LoRA, bf16: peak memory as a share of full bf16|<= 50
train.builtin.tokens_per_s|Built-in model (babyllama, 0.9 M) full fine-tuning on the SST-2 sample, job-like: speed|
padding.sst2.grouped|Padding, SST-2, length-grouped batches (worst epoch and batch size)|<= 5
padding.sst2.random|Padding, SST-2, random batches (worst)|
padding.t0.grouped|Padding, T0 mix, length-grouped batches (worst epoch and batch size)|<= 5
padding.t0.random|Padding, T0 mix, random batches (worst)|
tokenize.sst2.tokens_per_s|Tokenisation, SST-2, built-in model's tokenizer (character-level)|
tokenize.t0.tokens_per_s|Tokenisation, T0 mix, Llama-2 SentencePiece tokenizer|
tokenize.encode.llama3.tokens_per_s|Tokenisation, T0 mix, Llama 3 tokenizer.json, Encode (median of the passes)|>= 1000000
generation.short.cache|Generation, {short} new tokens, with KV cache|
generation.short.recompute|Generation, {short} new tokens, recomputing|
generation.short.speedup|Generation, {short} new tokens: KV cache speed-up|
generation.long.cache|Generation, {long} new tokens, with KV cache|
generation.long.recompute|Generation, {long} new tokens, recomputing|
generation.long.speedup|Generation, {long} new tokens: KV cache speed-up|>= 5
ingest.http.jsonl.mb_per_s|Ingest: upload + validation over HTTP, {ingest_mib} MiB JSONL|>= 100
ingest.http.json.mb_per_s|Ingest: upload + validation over HTTP, {ingest_mib} MiB JSON array|>= 100
ingest.http.jsonl.peak_over_baseline|Ingest: peak memory above baseline during the {ingest_mib} MiB JSONL upload|
ingest.http.jsonl.peak_growth|Ingest: how much more that peak rose than for the smallest file (flat: <= 10% of the size difference)|<= {ingest_flat}
ingest.http.json.peak_over_baseline|Ingest: peak memory above baseline during the JSON-array upload|
ingest.http.json.peak_growth|Ingest: how much more that peak rose than for the smallest file|<= {ingest_flat}
ingest.core.jsonl.mb_per_s|Ingest: validation + SHA-256 + copy without HTTP, JSONL|
ingest.core.json.mb_per_s|Ingest: validation + SHA-256 + copy without HTTP, JSON array|
api.training.job.p50|GET /v1/fine_tuning/jobs/{id} while a job trains: p50|
api.training.job.p90|GET /v1/fine_tuning/jobs/{id} while a job trains: p90|
api.training.job.p99|GET /v1/fine_tuning/jobs/{id} while a job trains: p99|<= 10
api.training.job.max|GET /v1/fine_tuning/jobs/{id} while a job trains: max|
api.training.job.failed|GET /v1/fine_tuning/jobs/{id} while a job trains: failed requests|
api.training.list.p50|GET /v1/fine_tuning/jobs while a job trains: p50|
api.training.list.p90|GET /v1/fine_tuning/jobs while a job trains: p90|
api.training.list.p99|GET /v1/fine_tuning/jobs while a job trains: p99|
api.training.list.max|GET /v1/fine_tuning/jobs while a job trains: max|
api.training.list.failed|GET /v1/fine_tuning/jobs while a job trains: failed requests|
api.idle.job.p50|GET /v1/fine_tuning/jobs/{id}, no job training: p50|
api.idle.job.p90|GET /v1/fine_tuning/jobs/{id}, no job training: p90|
api.idle.job.p99|GET /v1/fine_tuning/jobs/{id}, no job training: p99|
api.idle.job.max|GET /v1/fine_tuning/jobs/{id}, no job training: max|
api.idle.job.failed|GET /v1/fine_tuning/jobs/{id}, no job training: failed requests|
api.idle.list.p50|GET /v1/fine_tuning/jobs, no job training: p50|
api.idle.list.p90|GET /v1/fine_tuning/jobs, no job training: p90|
api.idle.list.p99|GET /v1/fine_tuning/jobs, no job training: p99|
api.idle.list.max|GET /v1/fine_tuning/jobs, no job training: max|
api.idle.list.failed|GET /v1/fine_tuning/jobs, no job training: failed requests|
queue.embedded.median|Job created -> training, embedded: median|
queue.embedded.max|Job created -> training, embedded: max (every run)|<= 3
queue.embedded.first_report_median|Job created -> first reported step (10 steps), embedded: median|
queue.postgres.median|Job created -> training, PostgreSQL: median|
queue.postgres.max|Job created -> training, PostgreSQL: max (every run)|<= 5
queue.postgres.first_report_median|Job created -> first reported step (10 steps), PostgreSQL: median|
ROWS
}

# print_summary SUITE_LINES_FILE: a Markdown table; a row whose benchmark did not run says "not measured".
print_summary() {
  local lines="$1"
  summary_rows | awk -F'|' -v lines="$lines" '
    function fmt(v, unit) {
      if (unit == "tokens/s" || unit == "MiB" || unit == "requests") return sprintf("%.0f", v)
      if (unit == "s" || unit == "x") return sprintf("%.2f", v)
      return sprintf("%.1f", v)
    }
    BEGIN {
      FS = "\t"
      while ((getline line < lines) > 0) {
        split(line, f, "\t"); value[f[1]] = f[2]; unit[f[1]] = f[3]; order[++n] = f[1]
      }
      FS = "|"
      print "| metric | value | target | met |"
      print "|---|---:|---|---|"
    }
    {
      key = $1; label = $2; target = $3; listed[key] = 1
      gsub(/\{short\}/, ("generation.short.new_tokens" in value) ? value["generation.short.new_tokens"] : "?", label)
      gsub(/\{long\}/, ("generation.long.new_tokens" in value) ? value["generation.long.new_tokens"] : "?", label)
      gsub(/\{ingest_mib\}/, ("ingest.http.jsonl.file_mib" in value) ? value["ingest.http.jsonl.file_mib"] : "?", label)
      gsub(/\{ingest_flat\}/, ("ingest.http.jsonl.flat_limit" in value) ? value["ingest.http.jsonl.flat_limit"] : "?", target)
      if (!(key in value)) { printf "| %s | not measured | %s | - |\n", label, (target == "" ? "-" : target); next }
      v = value[key] + 0; u = unit[key]
      verdict = "-"
      if (target != "") {
        split(target, t, " "); limit = t[2] + 0
        verdict = ((t[1] == ">=" && v >= limit) || (t[1] == "<=" && v <= limit)) ? "met" : "MISSED"
        target = target " " u
      }
      printf "| %s | %s %s | %s | %s |\n", label, fmt(v, u), u, (target == "" ? "-" : target), verdict
    }
    END {
      for (i = 1; i <= n; i++) {
        k = order[i]
        if (!(k in listed) && k !~ /\.(new_tokens|file_mib|flat_limit)$/ && !(k in shown)) { shown[k] = 1; printf "| %s | %s %s | - | - |\n", k, fmt(value[k] + 0, unit[k]), unit[k] }
      }
    }'
}
