#!/usr/bin/env bash
# Fuzzing: builds the libFuzzer targets under Fuzz/ (release, AddressSanitizer, in .build/fuzz so
# the ordinary build is untouched) and runs each from its seed corpus (Fuzz/corpus/<target>), for
# --seconds S each (default 25: all seven in under 3 minutes) or --runs N inputs each. Prints
# inputs run, speed and findings per target; exits 2 when a target found a crash (the input is
# kept in .build/fuzz/artifacts; replay it with `.build/fuzz/release/fuzz-<target> <file>`).
#
#   scripts/reliability/fuzz.sh                        # the short run, 25 s per target
#   scripts/reliability/fuzz.sh --runs 1000000         # 10^6 inputs per target
#   scripts/reliability/fuzz.sh --seconds 600 json-value load-report
#
# New inputs that reach new code are kept in .build/fuzz/corpus/<target> and used by later runs;
# copy small interesting ones into Fuzz/corpus/<target> by hand. Not a test: see
# scripts/reliability/README.md; figures go to docs/reliability.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=scripts/bench/lib.sh
source "$repo/scripts/bench/lib.sh"

all_targets=(client-requests replica-responses worker-frames inference-config deployment-config json-value load-report)
seconds=25
runs=""
targets=()
while (($#)); do
    case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) die "unknown option $1 (--seconds S, --runs N, target names)" ;;
    *) targets+=("$1"); shift ;;
    esac
done
((${#targets[@]})) || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
    [[ " ${all_targets[*]} " == *" $target "* ]] || die "no fuzz target '$target'; the targets: ${all_targets[*]}"
done

scratch="$repo/.build/fuzz"
mkdir -p "$scratch/artifacts" "$scratch/logs"
log "building the fuzz targets (BERTH_FUZZ=1, -sanitize=fuzzer,address; the first build takes several minutes)"
started=$(date +%s)
for target in "${targets[@]}"; do
    (cd "$repo" && BERTH_FUZZ=1 swift build -c release --scratch-path "$scratch" \
        -Xswiftc -sanitize=fuzzer,address --product "fuzz-$target" >&2)
done
log "built in $(($(date +%s) - started)) s"
log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

dictionary_of() {
    case "$1" in
    client-requests | replica-responses) echo "$repo/Fuzz/dictionaries/http.dict" ;;
    worker-frames) echo "$repo/Fuzz/dictionaries/worker.dict" ;;
    *) echo "$repo/Fuzz/dictionaries/config.dict" ;;
    esac
}

printf '%-20s %12s %10s %9s  %s\n' target inputs "inputs/s" seconds result
failed=0
for target in "${targets[@]}"; do
    corpus="$scratch/corpus/$target"
    mkdir -p "$corpus"
    limit=(-max_total_time="$seconds")
    [[ -z "$runs" ]] || limit=(-runs="$runs")
    output="$scratch/logs/$target.log"
    begin=$(date +%s)
    # New inputs go to the first folder (the kept corpus), never into the seeds in the repository.
    # Leak checks are off: Swift's runtime keeps metadata caches that LeakSanitizer would report.
    # Swift's own backtracer is off too: run under AddressSanitizer it reports itself, hiding the
    # finding, while libFuzzer prints the stack of a trap anyway.
    rc=0
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$scratch/release/fuzz-$target" "${limit[@]}" -max_len=8192 -timeout=10 \
        -rss_limit_mb=4096 -print_final_stats=1 -dict="$(dictionary_of "$target")" \
        -artifact_prefix="$scratch/artifacts/$target-" "$corpus" "$repo/Fuzz/corpus/$target" >"$output" 2>&1 || rc=$?
    elapsed=$(($(date +%s) - begin))
    inputs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$output" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$output" | tail -1)
    if ((rc == 0)); then
        result=ok
    else
        failed=1
        result="FOUND (exit $rc): $(grep -m1 -E 'ERROR: |Fatal error|Precondition failed|deadly signal' "$output" || echo "see $output")"
    fi
    printf '%-20s %12s %10s %9s  %s\n' "$target" "${inputs:-?}" "${speed:-?}" "$elapsed" "$result"
done
((failed == 0)) || { log "findings: inputs in $scratch/artifacts, logs in $scratch/logs"; exit 2; }
