#!/usr/bin/env bash
# Run the fuzz targets one after another (the machine has few cores), each for SECONDS
# seconds (default 1200), with hangs (-timeout, seconds per input) and over-limit memory
# (-rss_limit_mb, also the largest single allocation) counted as findings. Logs go to
# fuzz/logs/<target>-<date>.log; findings to fuzz/artifacts/<target>/.
# No sanitizer (`-s none`): the code under test is safe Rust, and ASan costs most of the
# speed; debug assertions stay on, so arithmetic overflow is a finding too.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]   (SKIP_BUILD=1: run the binaries already built)
set -uo pipefail
cd "$(dirname "$0")"
secs=${1:-1200}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(markdown_page topology_yaml book_files terraform_module)
[ -d corpus ] || ./seed.sh
mkdir -p logs
# Build once, then run the binaries: edits to the sources during a long run do not matter.
[ -n "${SKIP_BUILD:-}" ] || cargo +nightly fuzz build -s none || exit 1
bin=target/x86_64-unknown-linux-gnu/release
for t in "${targets[@]}"; do
  case $t in
    markdown_page) dict=dicts/markdown.dict; max_len=65536 ;;
    topology_yaml) dict=dicts/yaml.dict; max_len=16384 ;;
    terraform_module) dict=dicts/hcl.dict; max_len=65536 ;;
    *) dict=dicts/markdown.dict; max_len=8192 ;;
  esac
  log=logs/$t-$(date +%Y%m%d-%H%M%S).log
  echo "fuzzing $t for ${secs}s -> $log"
  mkdir -p "artifacts/$t"
  "$bin/$t" "corpus/$t" -artifact_prefix="artifacts/$t/" \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
    -dict="$dict" -print_final_stats=1 >"$log" 2>&1
  echo "$t: exit $?; $(grep -P '^#\d+\s+DONE' "$log" | tail -n 1)"
done
