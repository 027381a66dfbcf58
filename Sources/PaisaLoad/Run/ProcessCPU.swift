#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The generator's own CPU use, from the process CPU clock, so a run can tell "the server was slow" from
/// "the generator could not keep up".
public enum ProcessCPU {
    /// CPU time all threads of this process have used so far.
    public static func used() -> Duration {
        var spec = timespec()
        guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec) == 0 else { return .zero }
        return .seconds(Int64(spec.tv_sec)) + .nanoseconds(Int64(spec.tv_nsec))
    }

    /// Cores online on this machine.
    public static func coresOnline() -> Int {
        max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1)
    }

    /// Whether standard error is a terminal (the live progress line is drawn only there).
    public static func standardErrorIsTerminal() -> Bool {
        isatty(2) == 1
    }

    /// Writes `text` to standard error without buffering.
    public static func writeToStandardError(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    }
}
