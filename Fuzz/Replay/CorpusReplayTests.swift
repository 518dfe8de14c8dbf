import Foundation
import Testing

/// The fuzz harnesses in the ordinary test build, as a short fuzzing run in CI: every seed of
/// `Fuzz/corpus/<target>/` and a fixed number of seeded mutations of each go through the same
/// harness the libFuzzer target runs. A crash or a failed `expect` stops the test process, as it
/// stops a fuzzer: a finding.
///
/// It is a smoke run, not fuzzing proper: no sanitizer (the ordinary build), no coverage feedback,
/// a few thousand inputs per target instead of millions (`scripts/reliability/fuzz.sh` does that).
/// What it catches is a harness or a parser that a change broke on the seeds or on inputs a byte
/// away from them; the mutations are the same on every run (a fixed seed), so a failure repeats.
///
/// Serialized: the HTTP harnesses share one router's state (`FuzzRouter.shared`) and check after
/// each input that nothing is left held, which another target's input in flight would break.
@Suite("Fuzz corpus replay", .serialized)
struct CorpusReplayTests {
    /// Mutations made of each seed.
    static let mutationsPerSeed = 400

    enum Target: String, CaseIterable, Sendable {
        case clientRequests = "client-requests"
        case replicaResponses = "replica-responses"
        case workerFrames = "worker-frames"
        case inferenceConfig = "inference-config"
        case deploymentConfig = "deployment-config"
        case jsonValue = "json-value"
        case loadReport = "load-report"

        /// Feeds one input to the target's harness, as its `main` does.
        func run(_ input: FuzzInput) {
            switch self {
            case .clientRequests: ClientRequestFuzzing.test(input)
            case .replicaResponses: ReplicaResponseFuzzing.test(input)
            case .workerFrames: WorkerFrameFuzzing.test(input)
            case .inferenceConfig: ConfigFuzzing.inferenceConfig(input)
            case .deploymentConfig: ConfigFuzzing.deploymentConfig(input)
            case .jsonValue: ConfigFuzzing.jsonValue(input)
            case .loadReport: LoadReportFuzzing.test(input)
            }
        }
    }

    @Test("Every seed and its mutations pass the harness", arguments: Target.allCases)
    func replay(_ target: Target) throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("corpus/\(target.rawValue)")
        let seeds = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map { try [UInt8](Data(contentsOf: $0)) }
        #expect(!seeds.isEmpty, "no seeds in \(folder.path)")
        var random = SeededMutations(seed: 0x6265_7274_6866_757a)
        var inputs = 0
        for seed in seeds {
            feed(seed, to: target)
            inputs += 1
            for _ in 0..<Self.mutationsPerSeed {
                feed(random.mutate(seed, splicing: seeds), to: target)
                inputs += 1
            }
        }
        #expect(inputs == seeds.count * (Self.mutationsPerSeed + 1))
    }

    private func feed(_ bytes: [UInt8], to target: Target) {
        bytes.withUnsafeBufferPointer { buffer in
            target.run(FuzzInput(buffer.baseAddress, buffer.count))
        }
    }
}
