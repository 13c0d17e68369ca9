#!/bin/sh
# A stand-in for nvidia-smi on the test sshd's PATH. Every byte it prints comes from real output
# captured on an H100 (test/fixtures/nvidia-smi/h100-80gb-hbm3, copied next to this script by
# sshd.ts): --query-gpu answers each requested field (or its documented alias) from
# fields-<state>.tsv, an unknown field prints the driver's own message from err-bogus-field.txt
# with its exit status, --query-compute-apps prints <state>-compute-apps.csv.
# <state> is "idle" or "busy", read from ../nvidia-smi/state so a test can switch it.
set -u
data="$(cd "$(dirname "$0")/../nvidia-smi" && pwd)"
state=$(cat "$data/state" 2>/dev/null || echo idle)

query_gpu=""
query_apps=""
format=""
gpu_index=""
q=0
xml=0
while [ $# -gt 0 ]; do
  case "$1" in
    --query-gpu=*) query_gpu="${1#--query-gpu=}" ;;
    --query-compute-apps=*) query_apps="${1#--query-compute-apps=}" ;;
    --format=*) format="${1#--format=}" ;;
    --id=*) gpu_index="${1#--id=}" ;;
    -i) shift; gpu_index="${1:-}" ;;
    -q | --query) q=1 ;;
    -x | --xml-format) xml=1 ;;
    *)
      echo "fake nvidia-smi: no captured output for argument '$1'" >&2
      exit 2
      ;;
  esac
  shift
done

# The capture host has one GPU, index 0: any other index gets the driver's answer for that.
if [ -n "$gpu_index" ] && [ "$gpu_index" != "0" ]; then
  sed '/^rc=[0-9]*$/d' "$data/err-bad-index.txt"
  exit "$(sed -n 's/^rc=\([0-9]*\)$/\1/p' "$data/err-bad-index.txt")"
fi

if [ -n "$query_gpu" ]; then
  exec awk -F '\t' -v fields="$query_gpu" -v format="$format" \
    -v errfile="$data/err-bogus-field.txt" '
    # help-query-gpu.txt: lines like "clocks.current.sm" or "clocks.sm" name a field and its aliases.
    FILENAME ~ /help-query-gpu\.txt$/ {
      if ($0 ~ /^"[^"]+"( or "[^"]+")*$/) {
        n = split($0, names, /" or "/)
        for (i = 1; i <= n; i++) { gsub(/"/, "", names[i]); canonical[names[i]] = names[1] }
      }
      next
    }
    FNR == 1 { next }  # the tsv header row
    { header[$1] = $2; with_units[$1] = $3; no_units[$1] = $4 }
    END {
      noheader = 0; nounits = 0
      nf = split(format, opts, ",")
      for (i = 1; i <= nf; i++) { if (opts[i] == "noheader") noheader = 1; if (opts[i] == "nounits") nounits = 1 }
      n = split(fields, want, ",")
      # The driver checks every field before printing anything.
      for (i = 1; i <= n; i++) {
        name = want[i]
        if (!(name in header) && (name in canonical)) name = canonical[name]
        if (!(name in header)) { bad = want[i]; break }
        resolved[i] = name
      }
      if (bad != "") {
        status = 1
        while ((getline line < errfile) > 0) {
          if (line ~ /^rc=[0-9]+$/) { status = substr(line, 4) + 0; continue }
          gsub(/bogus\.field/, bad, line)
          print line
        }
        exit status
      }
      if (!noheader) {
        row = ""
        for (i = 1; i <= n; i++) row = row (i > 1 ? ", " : "") header[resolved[i]]
        print row
      }
      row = ""
      for (i = 1; i <= n; i++) row = row (i > 1 ? ", " : "") (nounits ? no_units[resolved[i]] : with_units[resolved[i]])
      print row
    }
  ' "$data/help-query-gpu.txt" "$data/fields-$state.tsv"
fi

if [ -n "$query_apps" ]; then
  exec cat "$data/$state-compute-apps.csv"
fi

if [ "$q" = 1 ] && [ "$xml" = 1 ]; then exec cat "$data/$state-q.xml"; fi
if [ "$q" = 1 ]; then exec cat "$data/$state-q.txt"; fi
exec cat "$data/$state-nvidia-smi.txt"
