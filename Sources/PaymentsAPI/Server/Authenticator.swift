import Hummingbird
import Payments

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Finds the caller behind a request's key: `Authorization: Bearer <key>`, or HTTP Basic with the key as the user
/// name. Keys are looked up by hash; the answer never hints whether an account exists.
struct Authenticator: Sendable {
    let store: any PaymentsStore
    let cache: PrincipalCache
    let transport: TransportSecurity

    func authenticate(_ request: Request, deadline: Deadline) async throws -> Principal {
        guard let header = request.headers[.authorization], !header.isEmpty else {
            throw WireError.unauthenticated(
                .apiKeyMissing,
                "You did not provide an API key. Send it as `Authorization: Bearer sk_test_…`, or as the HTTP "
                    + "Basic user name (`curl -u sk_test_…:`).")
        }
        guard let key = Self.key(from: header), let shape = APIKey.shape(of: key) else {
            throw Self.invalidKey(nil)
        }
        try self.transport.check(shape, request)
        let hash = APIKey.hash(of: key)
        let found = try await self.cache.principal(keyHash: hash) {
            try await self.store.principal(keyHash: hash, deadline: deadline)
        }
        guard let principal = found else {
            throw Self.invalidKey(key)
        }
        return principal
    }

    /// The key from a Bearer or Basic credential.
    static func key(from header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let credential = parts[1].trimmingCharacters(in: .whitespaces)
        switch parts[0].lowercased() {
        case "bearer":
            return credential
        case "basic":
            guard let data = Data(base64Encoded: credential), let decoded = String(data: data, encoding: .utf8) else {
                return nil
            }
            // `key:` (no password), or `key` alone.
            return decoded.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
        default:
            return nil
        }
    }

    /// The same answer for a malformed, unknown or revoked key: only its last four characters are echoed.
    static func invalidKey(_ key: String?) -> WireError {
        let shown = key.map { key in String(key.prefix(8)) + "…" + APIKey.last4(of: key) }
        return WireError.unauthenticated(
            .apiKeyInvalid,
            "Invalid API key provided" + (shown.map { ": \($0)" } ?? "")
                + ". Check the key, or create one with `paisa keys create`.")
    }

    /// A restricted key calling outside its permissions; `action` says what needed the permission when it is more
    /// than the endpoint itself (an expansion, an older version's embedded objects).
    static func forbidden(_ principal: Principal, needs permission: Permission, toDo action: String? = nil) -> WireError
    {
        let need =
            action.map { "\($0) needs the permission \(permission), which the provided key does not have." }
            ?? "The provided key does not have the permission \(permission) this request needs."
        return WireError(
            status: .forbidden, type: "invalid_request_error", code: .insufficientPermissions,
            message: need + " Use a key with that permission, or a secret key.")
    }
}
