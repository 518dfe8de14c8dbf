import CLibFuzzer

#if canImport(Glibc)
    import Glibc
#endif

/// Runs libFuzzer over one harness: the fuzz targets' whole `main`.
///
/// libFuzzer normally brings its own `main` and calls `LLVMFuzzerTestOneInput`; SwiftPM gives every
/// executable an entry point of its own, so the targets call libFuzzer's driver instead, with the
/// command line as libFuzzer reads it (`-runs=N`, `-max_total_time=S`, corpus folders).
public enum FuzzDriver {
    /// Hands the process to libFuzzer; `test` is called with each input and returns 0. A crash,
    /// a failed `precondition` or an AddressSanitizer report in it is a finding.
    public static func run(_ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, test))
    }
}
