import Crypto

/// The fingerprint that tells a retry from a different request under the same key: SHA-256 over the method, path,
/// API version and canonical parameters, each length-prefixed so no two different requests frame the same bytes.
public enum RequestFingerprint {
    /// Hashes the parts in order.
    public static func make(method: String, path: String, version: String, canonicalParameters: String) -> [UInt8] {
        var hasher = SHA256()
        for part in [method, path, version, canonicalParameters] {
            let bytes = Array(part.utf8)
            var length = UInt64(bytes.count).bigEndian
            withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
            hasher.update(data: bytes)
        }
        return Array(hasher.finalize())
    }
}
