import BerthCore
import Foundation
import NIOCore
import NIOHTTP1

/// The request path's side of request telemetry: turns one answered scoring request into a
/// `RequestTelemetry` line and hands it to the recorder, which writes it later.
struct ReplicaTelemetry: Sendable {
    let recorder: RequestTelemetryRecorder
    let context: RequestTelemetryContext
    /// The dimensions every line of this replica carries: the context's and the replica's id.
    let dimensions: [String: String]
    /// The wall clock, for `timestamp`.
    let now: @Sendable () -> Date

    init(
        recorder: RequestTelemetryRecorder, context: RequestTelemetryContext, replica: String,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.recorder = recorder
        self.context = context
        var dimensions = context.dimensions
        dimensions[RequestTelemetry.Dimension.replica] = replica
        self.dimensions = dimensions
        self.now = now
    }

    /// Records the answer to one scoring request, unless `line` says it is not one to record.
    func record(
        method: HTTPMethod, requestID: String, clientRequestID: String?, arrived: Date, duration: Duration,
        response: ReplicaResponse
    ) {
        guard
            let line = Self.line(
                name: context.requestName(method: method.rawValue), requestID: requestID,
                clientRequestID: clientRequestID, arrived: arrived, duration: duration, response: response,
                dimensions: dimensions)
        else { return }
        recorder.record(line)
    }

    /// The line for one scoring answer, or nil for the replica's own "at capacity" 429, which the
    /// router takes as a cue to try another replica or queue, not as an answer to the client.
    ///
    /// `resultCode` is the status the client receives: a failed `run()` answers 500 here and the
    /// router turns it into 502 (the compatibility contract, as azureml-fe does), so it is recorded
    /// as 502. A failure of the scoring call (`x-ms-run-function-failed: True`) carries the body's
    /// text — the exception `run()` raised, or why the call did not finish — as `exception`.
    static func line(
        name: String, requestID: String, clientRequestID: String?, arrived: Date, duration: Duration,
        response: ReplicaResponse, dimensions: [String: String]
    ) -> RequestTelemetry? {
        let runMs = response.headers.first(name: "x-ms-run-fn-exec-ms")
        if response.status == .tooManyRequests && runMs == nil { return nil }
        let runFailed = response.headers.first(name: "x-ms-run-function-failed")?.lowercased() == "true"
        var status = Int(response.status.code)
        if runFailed && status == 500 { status = 502 }
        var dimensions = dimensions
        if let clientRequestID { dimensions[RequestTelemetry.Dimension.clientRequestID] = clientRequestID }
        if let runMs { dimensions[RequestTelemetry.Dimension.runMilliseconds] = runMs }
        if runFailed {
            dimensions[RequestTelemetry.Dimension.exception] = RequestTelemetry.exceptionText(
                exceptionText(of: response))
        }
        let milliseconds = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return RequestTelemetry(
            timestamp: arrived, id: requestID, name: name, duration: (milliseconds * 1000).rounded() / 1000,
            resultCode: status, customDimensions: dimensions)
    }

    /// The body as text; the replica's own `{"message": …}` answers give their message.
    private static func exceptionText(of response: ReplicaResponse) -> String {
        let text = String(buffer: response.body)
        if response.headers.first(name: "Content-Type") == "application/json",
            let error = try? JSONDecoder().decode(ScoringError.self, from: Data(text.utf8))
        {
            return error.message
        }
        return text
    }
}
