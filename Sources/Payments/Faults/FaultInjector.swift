import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Named points where tests make a request fail as if the process had died there, or make the database refuse a
/// transaction. Off unless configuration turns it on; a production server never arms a point.
public final class FaultInjector: Sendable {
    /// The places a fault can be injected.
    public enum Point: String, Sendable, CaseIterable {
        /// After phase 1 committed the key claim, before the processor is called.
        case afterClaim = "after_claim"
        /// After the processor answered, before phase 3 starts.
        case afterProcessorCall = "after_processor_call"
        /// Before phase 3 commits: the process dies with phase 3's writes not committed.
        case beforeFinishCommit = "before_finish_commit"
        /// Right after phase 3 committed: the connection is lost before the commit's answer arrives, so the
        /// server cannot know the work committed (action `fail`).
        case afterFinishCommit = "after_finish_commit"
        /// Phase 3 of a charge is refused by PostgreSQL, after the processor has answered, as a value the schema
        /// cannot hold would be: the charge is written with a description longer than its CHECK allows (a real
        /// check violation, 23514, whose details quote the row), action `fail`.
        case recordRefused = "record_refused"
        /// At the start of a store transaction: PostgreSQL raises a serialization failure (40001).
        case serializationFailure = "serialization_failure"
        /// At the start of a store transaction: PostgreSQL raises a deadlock (40P01).
        case deadlock
    }

    /// What happens when an armed point fires.
    public enum Action: String, Sendable {
        /// The request stops there: nothing more is written, the key keeps its lock (in-process tests).
        case crash
        /// The process exits at once, as if killed (tests that restart the server).
        case exit
        /// The database refuses the transaction (only for the database points).
        case fail
    }

    /// When a point fires: the next `remaining` times, or with a probability each time.
    public struct Rule: Sendable, Equatable {
        public var action: Action
        public var remaining: Int?
        public var probability: Double

        public init(action: Action, remaining: Int? = nil, probability: Double = 1) {
            self.action = action
            self.remaining = remaining
            self.probability = probability
        }
    }

    /// The error an in-process crash throws: it must travel up untouched, without releasing the key.
    public struct InjectedCrash: Error, Equatable, Sendable {
        public let point: Point

        public init(point: Point) {
            self.point = point
        }
    }

    /// Starts the value `record_refused` writes, so a test can check that no log line ever quotes it.
    public static let refusedValueMarker = "paisa-refused-value-"

    private let rules: Mutex<[Point: Rule]>
    private let fired: Mutex<[Point: Int]>

    /// An injector with no points armed: every check is a no-op.
    public init() {
        self.rules = Mutex([:])
        self.fired = Mutex([:])
    }

    /// Parses `point=action[:count|@probability],…`, for example `after_claim=crash:1,serialization_failure=fail@0.2`.
    public convenience init(specification: String) throws(FaultSpecificationError) {
        self.init()
        for item in specification.split(separator: ",") where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let point = Point(rawValue: String(parts[0])) else {
                throw FaultSpecificationError(item: String(item))
            }
            var text = Substring(parts[1])
            var remaining: Int? = nil
            var probability = 1.0
            if let colon = text.firstIndex(of: ":") {
                guard let count = Int(text[text.index(after: colon)...]), count > 0 else {
                    throw FaultSpecificationError(item: String(item))
                }
                remaining = count
                text = text[..<colon]
            } else if let at = text.firstIndex(of: "@") {
                guard let chance = Double(text[text.index(after: at)...]), (0...1).contains(chance) else {
                    throw FaultSpecificationError(item: String(item))
                }
                probability = chance
                text = text[..<at]
            }
            guard let action = Action(rawValue: String(text)) else { throw FaultSpecificationError(item: String(item)) }
            self.arm(point, Rule(action: action, remaining: remaining, probability: probability))
        }
    }

    /// Arms a point.
    public func arm(_ point: Point, _ rule: Rule) {
        self.rules.withLock { $0[point] = rule }
    }

    /// Disarms every point.
    public func disarmAll() {
        self.rules.withLock { $0.removeAll() }
    }

    /// How often a point has fired since start.
    public func firedCount(_ point: Point) -> Int {
        self.fired.withLock { $0[point] ?? 0 }
    }

    /// The action to take at `point` now, if it fires.
    public func fire(_ point: Point) -> Action? {
        let action: Action? = self.rules.withLock { rules in
            guard var rule = rules[point] else { return nil }
            if let remaining = rule.remaining {
                rule.remaining = remaining - 1
                rules[point] = rule.remaining == 0 ? nil : rule
            } else if rule.probability < 1, Double.random(in: 0..<1) >= rule.probability {
                return nil
            }
            return rule.action
        }
        if action != nil { self.fired.withLock { $0[point, default: 0] += 1 } }
        return action
    }

    /// Crashes the request (or the process) if `point` fires.
    public func check(_ point: Point) throws {
        switch self.fire(point) {
        case .none, .fail?:
            return
        case .crash?:
            throw InjectedCrash(point: point)
        case .exit?:
            Self.exitProcess()
        }
    }

    /// Ends the process the way SIGKILL would: no cleanup, no flushing, no graceful shutdown.
    private static func exitProcess() -> Never {
        // 137 is what a shell reports for a process killed by SIGKILL.
        _exit(137)
    }
}
