import Foundation
import Logging
import Synchronization
import Testing

@testable import PaymentsAPI

/// `--log-format json`: every event is one line holding one JSON object, with the time, level, message and every
/// metadata field, however hostile the text in them.
@Suite("JSON log lines")
struct JSONLogHandlerTests {
    @Test("each event is one line of JSON with time, level, message and metadata, whatever the text holds")
    func linesParse() throws {
        let written = Mutex<[String]>([])
        var logger = Logger(label: "paisa") { label in
            JSONLogHandler(label: label) { line in written.withLock { $0.append(line) } }
        }
        logger.logLevel = .debug
        logger[metadataKey: "request_id"] = "req_1"
        logger.info("answered", metadata: ["route": "/v1/charges", "status": "200", "duration_ms": "12"])
        logger.error(
            "a \"quoted\"\nmulti-line message\twith\u{1} control characters and é, 😀",
            metadata: ["account": "acct_1", "nested": ["a": ["1", "2"], "b": "x"]])
        logger.debug("below the level", metadata: nil)
        let lines = written.withLock { $0 }
        #expect(lines.count == 3)
        for line in lines {
            #expect(line.hasSuffix("}\n"))
            #expect(line.dropLast().contains("\n") == false, "one event, one line: \(line)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not an object: \(line)")
            #expect(object["time"] is String)
            #expect(object["level"] is String)
            #expect(object["message"] is String)
            #expect(object["request_id"] as? String == "req_1")
        }
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(first?["level"] as? String == "info")
        #expect(first?["route"] as? String == "/v1/charges")
        #expect(first?["status"] as? String == "200")
        #expect((first?["time"] as? String)?.hasSuffix("Z") == true)
        let second = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any]
        #expect((second?["message"] as? String)?.contains("multi-line") == true)
        #expect(second?["account"] as? String == "acct_1")
        #expect(((second?["nested"] as? [String: Any])?["a"] as? [String]) == ["1", "2"])
    }
}
