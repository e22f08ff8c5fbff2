#!/usr/bin/env bash
# The performance benchmark of issue 7. Generates datasets with `pbx-report sample` at about 1M and
# 4M CDR legs (30 and 120 days; flat: one CSV per table; split: daily CDR files, gzip, JSON), then
# measures in the same run, each the median of RUNS runs:
#   (a) raw  — every CDR file read with one reused csv::ByteRecord, nothing else;
#   copy     — the same, writing every record back out with a csv::Writer: the floor of any run
#              that writes CALLLOGS (a report about as large as the CDR);
#   (b) run  — `pbx-report run` of a job file scheduling all 13 report types over the whole period;
#   (c) run1 — the same with RAYON_NUM_THREADS=1;
#   and, to check they are not slower than the run: validate (reading and checking the dataset)
#   and sample (generating that dataset again);
# and prints wall time, CPU time (and its user and system parts), peak RSS and legs per second, and
# the ratio (b)/(a).
#
# Then (d) the catch-up: a per-minute job (QUEUESUMMARY, SINCE_LAST_RUN, catch_up = all)
# backfilled over the sample dataset for 1 day (1,500 fires across the fall-back day) and for 10
# days (14,460 fires), each report committed and logged as it is done: wall time, peak RSS and
# the ratio of the two (linear: ≈ the ratio of the fires, 9.6).
#
#   bash scripts/bench.sh [--quick | --catch-up]
#     --quick: the 1M-leg datasets only; --catch-up: the catch-up case only
#
# Environment: BENCH_DIR (default target/bench), RUNS (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-target/bench}
runs=${RUNS:-5}
sizes="30"
[ "${1:-}" = "--quick" ] || sizes="30 120"
[ "${1:-}" = "--catch-up" ] && sizes=""
mkdir -p "$dir"
cargo build --release -q --bin pbx-report --example raw_pass
bin=target/release/pbx-report
raw=target/release/examples/raw_pass

# The run with the median wall time: its wall, user+sys, max RSS (KiB), user and system time.
measure() {
  local label=$1; shift
  local rows=()
  for _ in $(seq "$runs"); do
    rm -rf "$dir/out"
    /usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" "$@" >/dev/null 2>"$dir/stderr.txt" \
      || { echo "failed: $*" >&2; cat "$dir/stderr.txt" >&2; exit 1; }
    rows+=("$(cat "$dir/time.txt")")
  done
  printf '%s\n' "${rows[@]}" | sort -n | awk -v label="$label" -v n="$runs" '
    { wall[NR]=$1; cpu[NR]=$2+$3; rss[NR]=$4; usr[NR]=$2; sys[NR]=$3 }
    END { m=int((n+1)/2); printf "%s %s %s %s %s %s\n", label, wall[m], cpu[m], rss[m], usr[m], sys[m] }'
}

printf '%-10s %-6s %-8s %9s %9s %8s %8s %10s %12s %8s\n' dataset layout case wall_s cpu_s user_s sys_s rss_mib legs_per_s ratio
for days in $sizes; do
  for layout in flat split; do
    data="$dir/d${days}-$layout"
    sample_layout=$([ "$layout" = flat ] && echo flat || echo mixed)
    if [ ! -f "$data/.complete" ]; then
      rm -rf "$data"
      "$bin" sample --out "$data" --days "$days" --calls-per-day 10000 --start 2025-09-01 --layout "$sample_layout" >/dev/null
      touch "$data/.complete"
    fi
    legs=$("$raw" "$data")
    from=2025-09-01T00:00:00Z
    to=$(date -u -d "2025-09-01 + $days days" +%Y-%m-%dT%H:%M:%SZ)
    jobs="$dir/jobs-$days.toml"
    : > "$jobs"
    for t in USERSTATISTICS DAILYSTATISTICS CALLLOGS AGENTDETAILSACTIVITY AGENTSUMMARYACTIVITY \
             AGENTNOTREADYCODE QUEUESUMMARY AGENTQUEUEREPORT SPEEDOFACCEPT ABANDONDELAY \
             CALLBACKSUMMARY RINGGROUPPERFORMANCE AGENT_SESSION_REPORT_RAW; do
      printf '[[job]]\nid = "%s"\ntype = "%s"\ncron_expr = "0 0 * * *"\n[job.params]\ntime_range = "CUSTOM"\nfrom = "%s"\nto = "%s"\n\n' \
        "$t" "$t" "$from" "$to" >> "$jobs"
    done
    a=$(measure raw "$raw" "$data")
    k=$(measure copy "$raw" "$data" --copy "$dir/out")
    b=$(measure run "$bin" run --jobs "$jobs" --data "$data" --out "$dir/out" --now "$to")
    c=$(measure run1 env RAYON_NUM_THREADS=1 "$bin" run --jobs "$jobs" --data "$data" --out "$dir/out" --now "$to")
    v=$(measure validate "$bin" validate --data "$data")
    s=$(measure sample "$bin" sample --out "$dir/out" --days "$days" --calls-per-day 10000 --start 2025-09-01 --layout "$sample_layout")
    raw_wall=$(echo "$a" | awk '{print $2}')
    for line in "$a" "$k" "$b" "$c" "$v" "$s"; do
      echo "$line" | awk -v d="${legs}legs/${days}d" -v l="$layout" -v legs="$legs" -v raw="$raw_wall" '
        { printf "%-10s %-6s %-8s %9.2f %9.2f %8.2f %8.2f %10.0f %12.0f %8.2f\n", d, l, $1, $2, $3, $5, $6, $4/1024, legs/$2, $2/raw }'
    done
  done
done

# (d) The catch-up: linear in the fires, memory bounded by a batch.
minute="$dir/minute.toml"
printf '[[job]]\nid = "minute"\ntype = "QUEUESUMMARY"\ncron_expr = "* * * * *"\ntime_zone = "America/New_York"\ncatch_up = "all"\n[job.params]\ntime_range = "SINCE_LAST_RUN"\n' > "$minute"
printf '\n%-10s %-8s %9s %9s %8s %8s %8s %10s %10s\n' catch-up fires wall_s cpu_s user_s sys_s rss_mib wall_ratio user_ratio
one=""
one_user=""
for to in 2025-11-02T00:00:00-05:00 2025-11-11T00:00:00-05:00; do
  line=$(measure catchup "$bin" backfill --jobs "$minute" --data samples/data --out "$dir/out" \
    --from 2025-11-01T00:00:00-04:00 --to "$to" --complete-until 2025-11-12T00:00:00Z)
  fires=$(( ( $(date -d "$to" +%s) - $(date -d 2025-11-01T00:00:00-04:00 +%s) ) / 60 ))
  wall=$(echo "$line" | awk '{print $2}')
  user=$(echo "$line" | awk '{print $5}')
  [ -n "$one" ] || { one=$wall; one_user=$user; }
  echo "$line" | awk -v f="$fires" -v one="$one" -v ou="$one_user" '
    { printf "%-10s %-8s %9.2f %9.2f %8.2f %8.2f %8.1f %10.2f %10.2f\n", "sample", f, $2, $3, $5, $6, $4/1024, $2/one, $5/ou }'
done
