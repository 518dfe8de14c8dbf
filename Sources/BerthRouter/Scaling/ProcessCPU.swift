// On Linux, MemberImportVisibility counts the members of Glibc's C structs (`stat`, `timespec`)
// as defined by whichever module that includes their header the compiler loaded first:
// CDispatch in one build configuration, CoreFoundation in another. Both are imported so that
// every configuration builds.
import CDispatch
import CoreFoundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// CPU time this process used so far (all threads, user + system), for the router's "CPU use is
/// low" signal.
enum ProcessCPU {
    static func now() -> Duration {
        var spec = timespec()
        guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec) == 0 else { return .zero }
        return .seconds(Int64(spec.tv_sec)) + .nanoseconds(Int64(spec.tv_nsec))
    }
}
