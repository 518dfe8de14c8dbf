import BerthMetrics
import Testing

struct ExpositionTests {
    @Test("Reads samples, labels with escapes, metadata and histogram families")
    func readsSamples() throws {
        let text = """
            # HELP berth_requests_total Requests.
            # TYPE berth_requests_total counter
            berth_requests_total{service="echo",reason="a \\"b\\"\\\\c"} 3
            berth_requests_total{service="other"} 1 1700000000
            # TYPE berth_latency_seconds histogram
            berth_latency_seconds_bucket{le="0.1"} 2
            berth_latency_seconds_bucket{le="+Inf"} 4
            berth_latency_seconds_sum 0.75
            berth_latency_seconds_count 4
            plain 2.5

            """
        let exposition = try Exposition(parsing: text)
        #expect(exposition.value("berth_requests_total", ["service": "echo", "reason": #"a "b"\c"#]) == 3)
        #expect(exposition.value("berth_requests_total", ["service": "other"]) == 1)
        #expect(exposition.sum("berth_requests_total") == 4)
        #expect(exposition.value("berth_latency_seconds_bucket", ["le": "+Inf"]) == 4)
        #expect(exposition.family(of: "berth_latency_seconds_count") == "berth_latency_seconds")
        #expect(exposition.families == ["berth_requests_total", "berth_latency_seconds", "plain"])
        #expect(exposition.helps["berth_requests_total"] == "Requests.")
        #expect(exposition.value("plain") == 2.5)
    }

    @Test("Names the line that is not a sample")
    func refusesGarbage() {
        #expect(throws: MetricsError.self) { try Exposition(parsing: "ok 1\nnot a sample line\n") }
        #expect(throws: MetricsError.self) { try Exposition(parsing: #"x{a="1} 2"#) }
    }

    @Test("Merges scrapes: metadata once per family, the source's labels added unless present")
    func merges() throws {
        let first = try Exposition(
            parsing: """
                # HELP berth_replica_requests_total Requests.
                # TYPE berth_replica_requests_total counter
                berth_replica_requests_total{status_class="2xx"} 3
                berth_replica_requests_total{status_class="5xx",replica="kept"} 1

                """)
        let second = try Exposition(
            parsing: """
                # HELP berth_replica_requests_total Requests.
                # TYPE berth_replica_requests_total counter
                berth_replica_requests_total{status_class="2xx"} 5

                """)
        let merged = Exposition.merged([
            (first, [("service", "echo"), ("replica", "echo-0")]),
            (second, [("service", "echo"), ("replica", "echo-1")]),
        ])
        #expect(
            merged == """
                # HELP berth_replica_requests_total Requests.
                # TYPE berth_replica_requests_total counter
                berth_replica_requests_total{status_class="2xx",service="echo",replica="echo-0"} 3
                berth_replica_requests_total{status_class="5xx",replica="kept",service="echo"} 1
                berth_replica_requests_total{status_class="2xx",service="echo",replica="echo-1"} 5

                """)
        let back = try Exposition(parsing: merged)
        #expect(back.sum("berth_replica_requests_total", matching: ["service": "echo"]) == 9)
    }
}
