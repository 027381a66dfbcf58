import Metrics
import Prometheus

/// Metrics: one Prometheus registry per process, bootstrapped into swift-metrics the first time it is asked for,
/// and the HTTP layer's own series.
public enum Observability {
    /// The registry `/metrics` renders; touching it bootstraps the metrics system once.
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // From a millisecond to past the 2 s budget: where Paisa's latencies live.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .milliseconds(1000),
            .milliseconds(2000), .milliseconds(5000),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// One answered request.
    static func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        Counter(
            label: "paisa_http_requests_total",
            dimensions: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        Timer(
            label: "paisa_http_request_duration_seconds", dimensions: [("route", route)], preferredDisplayUnit: .seconds
        )
        .recordNanoseconds(duration.nanoseconds)
    }

    /// One request refused to protect the others: `overloaded` at admission, `deadline` when its budget ran out;
    /// `elapsed` is the time from its arrival to the refusal (a shed request must be answered early).
    static func recordShed(reason: String, elapsed: Duration) {
        Counter(label: "paisa_http_requests_shed_total", dimensions: [("reason", reason)]).increment()
        Timer(
            label: "paisa_http_shed_duration_seconds", dimensions: [("reason", reason)], preferredDisplayUnit: .seconds
        )
        .recordNanoseconds(elapsed.nanoseconds)
    }

    /// A request refused by its account's rate limit.
    static func recordRateLimited(livemode: Bool) {
        Counter(label: "paisa_http_requests_rate_limited_total", dimensions: [("mode", livemode ? "live" : "test")])
            .increment()
    }

    /// Requests in flight right now.
    static let inFlight = Gauge(label: "paisa_http_requests_in_flight")

    /// Client connections open right now.
    static func recordConnectionsOpen(_ count: Int) {
        Gauge(label: "paisa_connections_open").record(count)
    }

    /// A connection Paisa ended: `refused` past the bound, `read_timeout` for a request not sent whole in time,
    /// `write_timeout` for a client that stopped reading, `idle` after the idle timeout.
    static func recordConnectionClosed(reason: String) {
        Counter(label: "paisa_connections_closed_total", dimensions: [("reason", reason)]).increment()
    }

    /// The text `/metrics` answers with.
    static func exposition() -> [UInt8] {
        Self.registry.emitToBuffer()
    }
}
