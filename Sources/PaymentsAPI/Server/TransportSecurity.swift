import HTTPTypes
import Hummingbird
import Payments

/// Whether a request reached Paisa encrypted: Paisa serves HTTPS itself, or an operator declared that a proxy in
/// front ends TLS and says so in `X-Forwarded-Proto`. Live keys move real money and are refused over plain HTTP,
/// as Stripe refuses plain HTTP outright; test keys are accepted either way, so that `make run` and `curl` work on a
/// laptop.
public struct TransportSecurity: Sendable {
    /// Paisa terminates TLS itself (`--tls-cert` and `--tls-key`).
    public var servesTLS: Bool
    /// A TLS-terminating proxy is in front: `X-Forwarded-Proto: https` counts as encrypted. Off by default, since
    /// any client can send the header to a server that is reachable directly.
    public var trustForwardedProto: Bool

    public init(servesTLS: Bool = false, trustForwardedProto: Bool = false) {
        self.servesTLS = servesTLS
        self.trustForwardedProto = trustForwardedProto
    }

    /// Whether this request came encrypted, as far as Paisa can know.
    func isEncrypted(_ request: Request) -> Bool {
        if self.servesTLS { return true }
        guard self.trustForwardedProto, let proto = request.headers[.forwardedProto] else { return false }
        // Only the last value is the proxy's own: a proxy that appends leaves the client's claim in front of it.
        return proto.split(separator: ",").last?.trimmingCharacters(in: .whitespaces).lowercased() == "https"
    }

    /// Refuses a live key that arrived in clear. The key has crossed the network already; the answer tells the
    /// integration to move to HTTPS before it sends another.
    func check(_ shape: APIKey.Shape, _ request: Request) throws {
        guard shape.livemode, !self.isEncrypted(request) else { return }
        throw WireError(
            status: .forbidden, type: "invalid_request_error", code: .httpsRequired,
            message: "Live keys are accepted over HTTPS only: this request arrived over plain HTTP, so its key "
                + "crossed the network in clear. Send requests to the https:// address, and consider rolling this key.")
    }
}
