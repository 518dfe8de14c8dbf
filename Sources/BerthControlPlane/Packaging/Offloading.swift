import Dispatch

/// Runs blocking file-system work (walking and hashing a source folder, copying a snapshot) on a
/// Dispatch thread, so it does not hold one of the few threads of Swift's cooperative pool while
/// it waits on the disk.
func offloaded<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async {
            continuation.resume(with: Swift.Result { try work() })
        }
    }
}
