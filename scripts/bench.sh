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
# Then (e) the nightly archive (issue 14): a YESTERDAY QUEUESUMMARY job over 30 days of daily
# files (`sample --days 30 --calls-per-day 8000`) and over the same dataset cut to its last 2 days.
# As in production, last night's run (untimed) has left its OUT — the report log and the CDR span
# cache; tonight's run in a copy of that OUT is timed. Ratio archive / cut, wall time and peak RSS.
#
# And (f) five CDR reports (QUEUESUMMARY, SPEEDOFACCEPT, DAILYSTATISTICS, USERSTATISTICS,
# AGENTQUEUEREPORT) over a flat month of 1.2M legs (`sample --seed 3 --days 30 --calls-per-day
# 12000 --tz Europe/London --start 2025-03-01 --layout flat`) against DuckDB running
# scripts/duckdb_reports.sql on the same cdr.csv with 2 threads (`pip install duckdb`; skipped
# when it cannot be installed), the two taking turns run by run. Ratio pbx-report / DuckDB, CPU
# time.
#
# And (g) all 13 report types over the same month; with BASELINE_BIN=path, another build's
# binary over the same jobs too (the two taking turns), and the ratios (e.g. the build of when
# issue 14 was filed:
#   git worktree add /tmp/old c66d60c && cargo build --release --manifest-path /tmp/old/Cargo.toml
#   BASELINE_BIN=/tmp/old/target/release/pbx-report bash scripts/bench.sh --thirteen).
#
#   bash scripts/bench.sh [--quick | --catch-up | --nightly | --duckdb | --thirteen]
#     --quick: the 1M-leg datasets only (no e, f, g); --catch-up, --nightly, --duckdb,
#     --thirteen: that case only
#
# Environment: BENCH_DIR (default target/bench), RUNS (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-target/bench}
runs=${RUNS:-5}
mode=${1:-}
case "$mode" in
  ""|--quick|--catch-up|--nightly|--duckdb|--thirteen) ;;
  *) echo "usage: bash scripts/bench.sh [--quick | --catch-up | --nightly | --duckdb | --thirteen]" >&2; exit 2 ;;
esac
sizes="30 120"
[ "$mode" = "--quick" ] && sizes="30"
case "$mode" in --catch-up|--nightly|--duckdb|--thirteen) sizes="" ;; esac
mkdir -p "$dir"
cargo build --release -q --bin pbx-report --example raw_pass
bin=target/release/pbx-report
raw=target/release/examples/raw_pass

# One run of a command: its wall, user and system time and max RSS (KiB). Before it, $dir/out is
# removed, or (with PREPARE=DIR) replaced by a copy of DIR.
once() {
  rm -rf "$dir/out"
  [ -z "${PREPARE:-}" ] || cp -a "$PREPARE" "$dir/out"
  /usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" "$@" >/dev/null 2>"$dir/stderr.txt" \
    || { echo "failed: $*" >&2; cat "$dir/stderr.txt" >&2; exit 1; }
  cat "$dir/time.txt"
}

# Of runs given as `once` lines after LABEL, the one with the median wall time: LABEL, its wall,
# user+sys, max RSS (KiB), user and system time.
median() {
  local label=$1; shift
  printf '%s\n' "$@" | sort -n | awk -v label="$label" -v n="$#" '
    { wall[NR]=$1; cpu[NR]=$2+$3; rss[NR]=$4; usr[NR]=$2; sys[NR]=$3 }
    END { m=int((n+1)/2); printf "%s %s %s %s %s %s\n", label, wall[m], cpu[m], rss[m], usr[m], sys[m] }'
}

# RUNS runs of a command: the median (see `median`).
measure() {
  local label=$1; shift
  local rows=()
  for _ in $(seq "$runs"); do rows+=("$(once "$@")"); done
  median "$label" "${rows[@]}"
}

# RUNS runs each of the commands in the arrays CMD_A and CMD_B, taking turns (A, B, A, B, ...),
# so that the machine's drift from minute to minute falls on both alike: the two medians.
measure_pair() {
  local rows_a=() rows_b=()
  for _ in $(seq "$runs"); do
    rows_a+=("$(once "${CMD_A[@]}")")
    rows_b+=("$(once "${CMD_B[@]}")")
  done
  median "$1" "${rows_a[@]}"
  median "$2" "${rows_b[@]}"
}

# A job file FILE scheduling each type TYPES... over [FROM, TO) in zone TZ.
write_jobs() {
  local file=$1 from=$2 to=$3 tz=$4; shift 4
  : > "$file"
  for t in "$@"; do
    printf '[[job]]\nid = "%s"\ntype = "%s"\ncron_expr = "0 0 * * *"\ntime_zone = "%s"\n[job.params]\ntime_range = "CUSTOM"\nfrom = "%s"\nto = "%s"\n\n' \
      "$t" "$t" "$tz" "$from" "$to" >> "$file"
  done
}

THIRTEEN=(USERSTATISTICS DAILYSTATISTICS CALLLOGS AGENTDETAILSACTIVITY AGENTSUMMARYACTIVITY
  AGENTNOTREADYCODE QUEUESUMMARY AGENTQUEUEREPORT SPEEDOFACCEPT ABANDONDELAY CALLBACKSUMMARY
  RINGGROUPPERFORMANCE AGENT_SESSION_REPORT_RAW)

# The flat month of (f) and (g): 1.2M legs in March 2025, Europe/London.
month="$dir/month-flat"
month_data() {
  if [ ! -f "$month/.complete" ]; then
    rm -rf "$month"
    "$bin" sample --out "$month" --seed 3 --days 30 --calls-per-day 12000 --tz Europe/London \
      --start 2025-03-01 --layout flat >/dev/null
    touch "$month/.complete"
  fi
}

[ -z "$sizes" ] || printf '%-10s %-6s %-8s %9s %9s %8s %8s %10s %12s %8s\n' dataset layout case wall_s cpu_s user_s sys_s rss_mib legs_per_s ratio
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
    write_jobs "$jobs" "$from" "$to" UTC "${THIRTEEN[@]}"
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
if [ -z "$mode" ] || [ "$mode" = "--catch-up" ]; then
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
fi

# (e) The nightly archive: tonight's run costs what its period needs, not the archive's size.
if [ -z "$mode" ] || [ "$mode" = "--nightly" ]; then
  archive="$dir/nightly-30d"
  if [ ! -f "$archive/.complete" ]; then
    rm -rf "$archive"
    "$bin" sample --out "$archive" --days 30 --calls-per-day 8000 >/dev/null
    touch "$archive/.complete"
  fi
  # The cut: the last 2 daily CDR files, the other tables as they are.
  cut="$dir/nightly-2d"
  rm -rf "$cut"
  mkdir -p "$cut/cdr"
  find "$archive" -maxdepth 1 -type f ! -name .complete -exec cp {} "$cut/" \;
  for f in $(find "$archive/cdr" -type f | sort | tail -n 2); do cp "$f" "$cut/cdr/"; done
  nightly="$dir/nightly.toml"
  printf '[[job]]\nid = "nightly"\ntype = "QUEUESUMMARY"\ncron_expr = "0 6 * * *"\n[job.params]\ntime_range = "YESTERDAY"\n' > "$nightly"
  last=$(find "$archive/cdr" -type f | sort | tail -n 1 | xargs basename | cut -c1-10)
  tonight=$(date -u -d "$last + 1 day" +%Y-%m-%dT06:00:00Z)
  lastnight=$(date -u -d "$last" +%Y-%m-%dT06:00:00Z)
  printf '\n%-10s %9s %9s %8s %8s %8s\n' nightly wall_s cpu_s user_s sys_s rss_mib
  declare -A nwall nrss
  for data in "$archive" "$cut"; do
    name=$([ "$data" = "$archive" ] && echo archive-30d || echo cut-2d)
    rm -rf "$dir/lastnight"
    "$bin" run --jobs "$nightly" --data "$data" --out "$dir/lastnight" --now "$lastnight" -q >/dev/null
    line=$(PREPARE="$dir/lastnight" measure "$name" "$bin" run --jobs "$nightly" --data "$data" --out "$dir/out" --now "$tonight")
    nwall[$name]=$(echo "$line" | awk '{print $2}')
    nrss[$name]=$(echo "$line" | awk '{print $4}')
    echo "$line" | awk '{ printf "%-10s %9.2f %9.2f %8.2f %8.2f %8.1f\n", $1, $2, $3, $5, $6, $4/1024 }'
  done
  awk -v a="${nwall[archive-30d]}" -v b="${nwall[cut-2d]}" -v ra="${nrss[archive-30d]}" -v rb="${nrss[cut-2d]}" \
    'BEGIN { printf "ratio archive/cut: wall %.2f, peak RSS %.2f (target <= 1.3 each)\n", a/b, ra/rb }'
fi

# (f) Five CDR reports against DuckDB's five queries on the same flat month.
if [ -z "$mode" ] || [ "$mode" = "--duckdb" ]; then
  month_data
  five="$dir/five.toml"
  write_jobs "$five" 2025-03-01T00:00:00Z 2025-03-31T00:00:00+01:00 Europe/London \
    QUEUESUMMARY SPEEDOFACCEPT DAILYSTATISTICS USERSTATISTICS AGENTQUEUEREPORT
  printf '\n%-10s %9s %9s %8s %8s %8s\n' five wall_s cpu_s user_s sys_s rss_mib
  CMD_A=("$bin" run --jobs "$five" --data "$month" --out "$dir/out" --now 2025-04-01T00:00:00Z)
  if python3 -c 'import duckdb' 2>/dev/null || pip install -q duckdb >/dev/null 2>&1; then
    # Taking turns with DuckDB: the ratio compares runs made in the same minutes.
    CMD_B=(python3 scripts/duckdb_reports.py "$month")
    both=$(measure_pair pbx-report duckdb)
    p=$(echo "$both" | sed -n 1p)
    d=$(echo "$both" | sed -n 2p)
    echo "$both" | awk '{ printf "%-10s %9.2f %9.2f %8.2f %8.2f %8.1f\n", $1, $2, $3, $5, $6, $4/1024 }'
    awk -v p="$(echo "$p" | awk '{print $3}')" -v d="$(echo "$d" | awk '{print $3}')" \
      'BEGIN { printf "ratio pbx-report/DuckDB CPU: %.2f (target <= 0.5)\n", p/d }'
  else
    p=$(measure pbx-report "${CMD_A[@]}")
    echo "$p" | awk '{ printf "%-10s %9.2f %9.2f %8.2f %8.2f %8.1f\n", $1, $2, $3, $5, $6, $4/1024 }'
    echo "duckdb: not installed and pip could not install it; skipped"
  fi
fi

# (g) All 13 reports over the same month; with BASELINE_BIN (another build's binary), that
# build too, and the ratios (issue 14: both at least 25 % lower than when it was filed).
if [ -z "$mode" ] || [ "$mode" = "--thirteen" ]; then
  month_data
  thirteen="$dir/thirteen.toml"
  write_jobs "$thirteen" 2025-03-01T00:00:00Z 2025-03-31T00:00:00+01:00 Europe/London "${THIRTEEN[@]}"
  printf '\n%-10s %9s %9s %8s %8s %8s\n' thirteen wall_s cpu_s user_s sys_s rss_mib
  CMD_A=("$bin" run --jobs "$thirteen" --data "$month" --out "$dir/out" --now 2025-04-01T00:00:00Z)
  if [ -n "${BASELINE_BIN:-}" ]; then
    # The two builds take turns, as above.
    CMD_B=("$BASELINE_BIN" "${CMD_A[@]:1}")
    both=$(measure_pair pbx-report baseline)
    t=$(echo "$both" | sed -n 1p)
    o=$(echo "$both" | sed -n 2p)
    echo "$both" | awk '{ printf "%-10s %9.2f %9.2f %8.2f %8.2f %8.1f\n", $1, $2, $3, $5, $6, $4/1024 }'
    awk -v t="$t" -v o="$o" 'BEGIN { split(t, a); split(o, b);
      printf "ratio pbx-report/baseline: CPU %.2f, peak RSS %.2f (target <= 0.75 each)\n", a[3]/b[3], a[4]/b[4] }'
  else
    t=$(measure pbx-report "${CMD_A[@]}")
    echo "$t" | awk '{ printf "%-10s %9.2f %9.2f %8.2f %8.2f %8.1f\n", $1, $2, $3, $5, $6, $4/1024 }'
  fi
fi
