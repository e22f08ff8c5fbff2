#!/usr/bin/env bash
# Renders every report type as HTML — the sample day, the DST day, a 7-day period of a
# 3,000-calls-a-day sample, a day of 14 queues with long names, and an empty period — and takes
# headless Chromium screenshots of each at 1400 px and at 400 px (a phone), and prints each to
# PDF (pages to PNG with pdftoppm when poppler-utils is there), to look at the reports as a
# manager would.
#
#   bash scripts/screenshots.sh [OUT_DIR]      (default: target/screenshots)
#
# Needs Debian's chromium package (apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/screenshots}
mkdir -p "$out"
out=$(cd "$out" && pwd)
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "chromium not found: apt-get install chromium" >&2; exit 2; }
cargo build --release -q
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# A 7-day period of a larger sample (3,000 calls a day), made once.
week="$out/week-data"
[ -f "$week/.complete" ] || {
  rm -rf "$week"
  target/release/pbx-report sample --out "$week" --days 7 --calls-per-day 3000 \
    --tz America/New_York --start 2025-11-01 >/dev/null
  touch "$week/.complete"
}
# A day with 14 queues and long queue and agent names, made once.
wide="$out/wide-data"
[ -f "$wide/.complete" ] || {
  rm -rf "$wide"
  target/release/pbx-report sample --out "$wide" --days 1 --calls-per-day 3000 \
    --tz America/New_York --start 2025-11-03 --queues 14 --long-names >/dev/null
  touch "$wide/.complete"
}
# Scenario: name, dataset, from, to.
scenarios=(
  "day samples/data 2025-11-03T00:00:00-05:00 2025-11-04T00:00:00-05:00"
  "dst samples/data 2025-11-02T00:00:00-04:00 2025-11-03T00:00:00-05:00"
  "week $week 2025-11-01T00:00:00-04:00 2025-11-08T00:00:00-05:00"
  "wide $wide 2025-11-03T00:00:00-05:00 2025-11-04T00:00:00-05:00"
  "empty samples/data 2025-10-01T00:00:00-04:00 2025-10-02T00:00:00-04:00"
)
shot() {
  "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$profile" "$@" >/dev/null 2>&1
}
for scenario in "${scenarios[@]}"; do
  read -r name data from to <<<"$scenario"
  mkdir -p "$out/$name"
  for t in USERSTATISTICS DAILYSTATISTICS CALLLOGS AGENTDETAILSACTIVITY AGENTSUMMARYACTIVITY \
           AGENTNOTREADYCODE QUEUESUMMARY AGENTQUEUEREPORT SPEEDOFACCEPT ABANDONDELAY \
           CALLBACKSUMMARY RINGGROUPPERFORMANCE AGENT_SESSION_REPORT_RAW; do
    params=()
    [ "$t" = DAILYSTATISTICS ] && params=(--param granularity=HOUR)
    page="$out/$name/$t.html"
    target/release/pbx-report build --type "$t" --data "$data" --tz America/New_York \
      --from "$from" --to "$to" --now 2025-11-08T06:00:00Z \
      --format html "${params[@]}" -o "$page" 2>/dev/null
    shot --window-size=1400,1600 --screenshot="$out/$name/$t.png" "file://$page"
    shot --window-size=400,1600 --screenshot="$out/$name/$t-400.png" "file://$page"
    shot --no-pdf-header-footer --print-to-pdf="$out/$name/$t.pdf" "file://$page"
    if command -v pdftoppm >/dev/null; then
      pdftoppm -png -r 60 "$out/$name/$t.pdf" "$out/$name/$t-page"
    fi
    echo "$out/$name/$t.png"
  done
done
