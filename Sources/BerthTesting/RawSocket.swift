import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP connection driven byte by byte, for tests of what a server does when a client stops
/// half-way (an upload cut off by a crash or a network failure) or pipelines requests, which
/// HTTP clients never do.
package final class RawSocket {
    private var descriptor: Int32

    /// Connects to `127.0.0.1:port`.
    ///
    /// - Throws: `TestProcessError` when the connection fails.
    package init(port: Int) throws {
        #if canImport(Darwin)
            descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #else
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #endif
        guard descriptor >= 0 else { throw TestProcessError("socket() failed: \(String(cString: strerror(errno))).") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let descriptor = self.descriptor
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close()
            throw TestProcessError("connect() to port \(port) failed: \(reason).")
        }
    }

    /// Connects to the server at `url` (`http://127.0.0.1:PORT`, as test servers and routers give it).
    ///
    /// - Throws: `TestProcessError` when `url` names no port or the connection fails.
    package convenience init(url: String) throws {
        guard let port = url.split(separator: ":").last.flatMap({ Int($0) }) else {
            throw TestProcessError("'\(url)' names no port.")
        }
        try self.init(port: port)
    }

    /// Writes all of `bytes`.
    ///
    /// - Throws: `TestProcessError` when the write fails.
    package func send(_ bytes: Data) throws {
        let descriptor = self.descriptor
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                // MSG_NOSIGNAL: a peer that closed gives EPIPE here instead of a SIGPIPE that ends the test process.
                #if canImport(Glibc)
                    let written = Glibc.send(
                        descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                #elseif canImport(Musl)
                    let written = Musl.send(
                        descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                #else
                    let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
                guard written > 0 else {
                    throw TestProcessError("write() failed: \(String(cString: strerror(errno))).")
                }
                offset += written
            }
        }
    }

    /// Reads until `done` holds for everything read so far, the peer closes, or `timeout` passes
    /// without a byte; returns what was read.
    package func receive(timeout: Duration = .seconds(10), until done: (Data) -> Bool) -> Data {
        var received = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let milliseconds = Int32(
            timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        while !done(received) {
            var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, milliseconds) > 0 else { break }
            let count = read(descriptor, &chunk, chunk.count)
            guard count > 0 else { break }
            received.append(contentsOf: chunk[0..<count])
        }
        return received
    }

    /// Drops the connection (idempotent).
    package func close() {
        guard descriptor >= 0 else { return }
        #if canImport(Darwin)
            _ = Darwin.close(descriptor)
        #elseif canImport(Glibc)
            _ = Glibc.close(descriptor)
        #else
            _ = Musl.close(descriptor)
        #endif
        descriptor = -1
    }

    deinit { close() }
}
