import ArgumentParser
import Logging
import PaymentsAPI

/// The log options every subcommand that serves shares.
struct LogOptions: ParsableArguments {
    @Option(name: Settings.logLevel.name, help: Settings.logLevel.help)
    var logLevel: String?

    @Option(name: Settings.logFormat.name, help: Settings.logFormat.help)
    var logFormat: String?

    /// A logger writing to standard error at the level and in the format asked for.
    func logger() throws -> Logger {
        try makeLogger(level: self.logLevel, format: self.logFormat)
    }
}

/// Logs to standard error, at the level and in the format asked for (flag, then variable, then default).
func makeLogger(level: String?, format: String? = nil) throws -> Logger {
    let level = Logger.Level(rawValue: try Settings.logLevel.value(level))!
    let format = LogFormat(rawValue: try Settings.logFormat.value(format))!
    return format.logger(label: "paisa", level: level)
}
