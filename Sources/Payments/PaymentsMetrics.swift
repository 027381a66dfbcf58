import Metrics

/// The domain's metrics, named in one place. Labels follow Prometheus conventions: `paisa_` prefix, units last.
///
/// Each metric is looked up when it is recorded, not held in a stored static: a static made before the metrics
/// system is bootstrapped (by a test that records a replay first, say) would stay on the no-op backend for good.
public enum PaymentsMetrics {
    /// Answers replayed from a finished key.
    public static var idempotentReplays: Counter { Counter(label: "paisa_idempotent_replays_total") }
    /// Requests refused because another request held their key (409).
    public static var idempotencyConflicts: Counter { Counter(label: "paisa_idempotency_conflicts_total") }

    /// Payments voided at the processor because the database refused their charge after the processor answered.
    public static var chargesVoided: Counter { Counter(label: "paisa_charges_voided_total") }

    /// How long the processor took to answer, by outcome (`approved`, `declined`, `pending`, `late`, `error`, and `not_asked` when no time was left to ask).
    public static func processorCall(outcome: String) -> Timer {
        Timer(
            label: "paisa_processor_duration_seconds", dimensions: [("outcome", outcome)],
            preferredDisplayUnit: .seconds)
    }
}
