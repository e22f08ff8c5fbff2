#!/usr/bin/env bash
# Renders every report type of the sample dataset as HTML and takes headless Chromium
# screenshots of each — at 1400 px and at 400 px (a phone) — and prints each to PDF (pages to PNG
# with pdftoppm when poppler-utils is there), to look at the reports as a manager would.
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
for t in USERSTATISTICS DAILYSTATISTICS CALLLOGS AGENTDETAILSACTIVITY AGENTSUMMARYACTIVITY \
         AGENTNOTREADYCODE QUEUESUMMARY AGENTQUEUEREPORT SPEEDOFACCEPT ABANDONDELAY \
         CALLBACKSUMMARY RINGGROUPPERFORMANCE AGENT_SESSION_REPORT_RAW; do
  params=()
  [ "$t" = DAILYSTATISTICS ] && params=(--param granularity=HOUR)
  target/release/pbx-report build --type "$t" --data samples/data --tz America/New_York \
    --from 2025-11-02T00:00:00-04:00 --to 2025-11-03T00:00:00-05:00 --now 2025-11-05T06:00:00Z \
    --format html "${params[@]}" -o "$out/$t.html" 2>/dev/null
  shot() {
    "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
      --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
      --user-data-dir="$profile" "$@" "file://$out/$t.html" >/dev/null 2>&1
  }
  shot --window-size=1400,1600 --screenshot="$out/$t.png"
  shot --window-size=400,1600 --screenshot="$out/$t-400.png"
  shot --no-pdf-header-footer --print-to-pdf="$out/$t.pdf"
  if command -v pdftoppm >/dev/null; then
    pdftoppm -png -r 60 "$out/$t.pdf" "$out/$t-page"
  fi
  echo "$out/$t.png"
done
