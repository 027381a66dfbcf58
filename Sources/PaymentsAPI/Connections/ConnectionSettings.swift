/// How long a client may take and how many may connect: the limits that keep slow or idle clients from holding the
/// server, and the certificate when Paisa serves HTTPS itself.
public struct ConnectionSettings: Sendable {
    /// Each request must arrive whole, head and body, within this time of its first byte (a new connection's first
    /// request: of the connection opening). Past it the connection is closed; a request whose head arrived is
    /// answered 408 first, when its body misses the request's own budget.
    public var readTimeout: Duration
    /// How long a keep-alive connection may wait between requests before it is closed. Longer than a load
    /// balancer's own idle timeout (60 s for the common ones), so that the balancer, not Paisa, ends idle
    /// connections and never sends a request on one Paisa is closing.
    public var idleTimeout: Duration
    /// Client connections open at once, past which a new one is closed as soon as it is accepted.
    public var connectionsMax: Int
    /// The certificate and key files when Paisa serves HTTPS; nil for plain HTTP.
    public var tls: TLSFiles?

    /// The kernel's queue of connections not yet accepted. A burst of new connections (a spike, or a flood of idle
    /// ones) waits there for a moment instead of having its SYNs dropped, which clients retransmit only after 1 s,
    /// then 3 s: the bound on open connections, not this queue, is what refuses. The kernel caps it at somaxconn.
    public static let acceptBacklog = 4096

    public static let readTimeoutDefault: Duration = .seconds(10)
    public static let idleTimeoutDefault: Duration = .seconds(65)
    public static let connectionsMaxDefault = 4096

    public init(
        readTimeout: Duration = Self.readTimeoutDefault, idleTimeout: Duration = Self.idleTimeoutDefault,
        connectionsMax: Int = Self.connectionsMaxDefault, tls: TLSFiles? = nil
    ) {
        self.readTimeout = readTimeout
        self.idleTimeout = idleTimeout
        self.connectionsMax = connectionsMax
        self.tls = tls
    }
}

/// A PEM certificate chain and its private key, read at start and again whenever either file changes.
public struct TLSFiles: Sendable, Equatable {
    public var certificatePath: String
    public var keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }
}
