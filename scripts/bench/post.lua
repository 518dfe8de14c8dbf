-- wrk script for scripts/bench/replica-vs-azmlinfsrv.sh: POST a small JSON body to /score and,
-- when the run ends, print one machine-readable line the benchmark script parses.
wrk.method = "POST"
wrk.body = '{"data": [1, 2, 3]}'
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout))
end
