#!/usr/bin/env bash
# Runs one fuzz target the way the project's fuzz runs were made: one worker at low
# priority, a working corpus under target/ (seeded from fuzz/seeds and fuzz/corpus),
# crashes under target/fuzz-artifacts, logs under target/fuzz-logs/TARGET/ (libFuzzer's
# worker writes fuzz-0.log into its working directory, so it runs there).
#   bash fuzz/run.sh TARGET [SECONDS] [extra cargo-fuzz flags, e.g. --no-default-features]
# With FUZZ_PREBUILT=1 the binary built by an earlier
# `cargo +nightly fuzz build --fuzz-dir fuzz --target-dir target/fuzz --codegen-units 16`
# is run as it is (no rebuild when other crates change between runs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
t=$1
secs=${2:-600}
shift $(( $# >= 2 ? 2 : 1 ))
work=$root/target/fuzz-corpus/$t
art=$root/target/fuzz-artifacts/$t/
logs=$root/target/fuzz-logs/$t
mkdir -p "$work" "$art" "$logs" "$root/fuzz/corpus/$t"
cd "$logs"
flags=(-jobs=1 -workers=1 -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048
  -max_len=65536 -artifact_prefix="$art" -print_final_stats=1)
corpora=("$work" "$root/fuzz/seeds/$t" "$root/fuzz/corpus/$t")
if [ "${FUZZ_PREBUILT:-}" = 1 ]; then
  nice -n 19 "$root/target/fuzz/x86_64-unknown-linux-gnu/release/$t" "${flags[@]}" \
    "${corpora[@]}" >run.log 2>&1
else
  nice -n 19 cargo +nightly fuzz run --fuzz-dir "$root/fuzz" --target-dir "$root/target/fuzz" \
    --codegen-units 16 "$@" "$t" "${corpora[@]}" -- "${flags[@]}" >run.log 2>&1
fi
