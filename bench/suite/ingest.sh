# Sourced by bench/run: IngestBench prints a Markdown table and no SUITE lines, so its summary figures are read from
# that table. Columns: | mode | file | file MiB | records | seconds | MiB/s | CPU s | MiB per CPU s | RSS before MiB |
# peak RSS MiB | peak - before MiB | answer |

# ingest_suite_lines OUTPUT_FILE: `key<TAB>value<TAB>unit` lines for the largest and smallest files measured.
# The target is in MB/s (10^6 bytes): the table's MiB/s are converted.
ingest_suite_lines() {
  awk -F'|' '
    function trim(s) { gsub(/^ +| +$/, "", s); return s }
    $2 ~ /^ (core|http) $/ {
      mode = trim($2); file = trim($3); mib = trim($4) + 0; rate = trim($7) + 0; growth = trim($12) + 0
      format = (file ~ /\.jsonl$/) ? "jsonl" : "json"
      key = mode "." format
      if (!(key in big) || mib > big[key]) { big[key] = mib; bigRate[key] = rate; bigGrowth[key] = growth }
      if (!(key in small) || mib < small[key]) { small[key] = mib; smallGrowth[key] = growth }
    }
    END {
      for (key in big) {
        printf "ingest.%s.mb_per_s\t%.3f\tMB/s\n", key, bigRate[key] * 1.048576
        if (key !~ /^http/) continue
        # The memory figures of the real upload (HTTP): the peak for the largest file, and how much more it rose
        # than for the smallest one (flat in the file size: little), against 10% of the size difference.
        printf "ingest.%s.file_mib\t%g\tMiB\n", key, big[key]
        printf "ingest.%s.peak_over_baseline\t%.1f\tMiB\n", key, bigGrowth[key]
        if (big[key] > small[key]) {
          printf "ingest.%s.peak_growth\t%.1f\tMiB\n", key, bigGrowth[key] - smallGrowth[key]
          printf "ingest.%s.flat_limit\t%.1f\tMiB\n", key, 0.1 * (big[key] - small[key])
        }
      }
    }' "$1"
}
