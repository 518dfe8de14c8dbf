import Foundation
import NIOCore

/// The JSON header of a frame from a worker: `ready`, `init_failed` or `response`.
struct WorkerMessageHeader: Decodable {
    var type: String
    // ready
    var swagger: Bool?
    var rawhttp: Bool?
    var schema: Bool?
    var pid: Int32?
    // init_failed
    var error: String?
    // response
    var id: UInt64?
    var status: Int?
    var headers: [[String]]?
    var runFailed: Bool?
    var execMs: Double?
    var runStartUs: Int64?
}

/// A frame from a worker, decoded.
enum WorkerMessage {
    /// `init()` succeeded; `swagger` is the document when the script declares one.
    case ready(swagger: ByteBuffer?, rawHTTP: Bool)
    /// `init()` raised; the worker exits (code 3) after this.
    case initFailed(error: String)
    /// The answer to request `id`.
    case response(id: UInt64, reply: WorkerReply)

    init(frame: WorkerFrame, decoder: JSONDecoder) throws {
        let header = try frame.header.withUnsafeReadableBytes { bytes in
            let data = Data(
                bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!),
                count: bytes.count, deallocator: .none)
            return try decoder.decode(WorkerMessageHeader.self, from: data)
        }
        switch header.type {
        case "response":
            guard let id = header.id, let status = header.status else {
                throw WorkerProtocolError("a response frame without 'id' or 'status'")
            }
            var pairs: [(String, String)] = []
            pairs.reserveCapacity(header.headers?.count ?? 0)
            for pair in header.headers ?? [] where pair.count == 2 { pairs.append((pair[0], pair[1])) }
            let reply = WorkerReply(
                status: status, headers: pairs, body: frame.body,
                runFailed: header.runFailed ?? false, execMs: header.execMs ?? 0,
                runStartedAtMicroseconds: header.runStartUs)
            self = .response(id: id, reply: reply)
        case "ready":
            self = .ready(swagger: header.swagger == true ? frame.body : nil, rawHTTP: header.rawhttp ?? false)
        case "init_failed":
            self = .initFailed(error: header.error ?? "init() failed without an error text.")
        default:
            throw WorkerProtocolError("a frame of unknown type '\(header.type)'")
        }
    }
}

/// A worker's answer to one scoring request.
struct WorkerReply: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: ByteBuffer
    var runFailed: Bool
    var execMs: Double
    /// When `run()` started, in microseconds since the epoch (the worker's wall clock, which is
    /// this machine's); nil when the request did not call `run()` or the worker predates it.
    var runStartedAtMicroseconds: Int64? = nil
}
