import Logging
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#endif

/// Writes each log event as one JSON object on one line: `time` (ISO 8601, UTC, milliseconds), `level`, `message`,
/// `label`, then every metadata field at the top level (`request_id`, `route`, `status`, `duration_ms`, `account`,
/// …). Nested metadata become objects and arrays; everything else is a string.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let write: @Sendable (String) -> Void

    public init(label: String, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = self.metadata
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        var line = "{\"time\":" + Self.quoted(Self.timestamp()) + ",\"level\":" + Self.quoted(event.level.rawValue)
        line += ",\"message\":" + Self.quoted(event.message.description) + ",\"label\":" + Self.quoted(self.label)
        for (key, value) in fields.sorted(by: { $0.key < $1.key })
        where !["time", "level", "message", "label"].contains(key) {
            line += "," + Self.quoted(key) + ":" + Self.json(value)
        }
        self.write(line + "}\n")
    }

    /// Writes to standard error, one whole line per call.
    public static let standardError: @Sendable (String) -> Void = { line in
        Self.lock.withLock { _ in
            let bytes = Array(line.utf8)
            var written = 0
            while written < bytes.count {
                let result = bytes[written...].withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
                guard result > 0 else { break }
                written += result
            }
        }
    }
    private static let lock = Mutex(())

    private static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): Self.quoted(text)
        case .stringConvertible(let convertible): Self.quoted(convertible.description)
        case .array(let items): "[" + items.map(Self.json).joined(separator: ",") + "]"
        case .dictionary(let map):
            "{"
                + map.sorted { $0.key < $1.key }.map { Self.quoted($0.key) + ":" + Self.json($0.value) }
                .joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                output +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    private static func timestamp() -> String {
        Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
