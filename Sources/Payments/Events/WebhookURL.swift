#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where Paisa may post events. An API that posts to addresses its customers choose must not become a way into
/// the operator's own network, so live endpoints may not name loopback, link-local, private or unspecified
/// addresses; test endpoints may name loopback (a developer's laptop), never the rest. Hosts are judged as written:
/// a name is not resolved here (what it resolves to can change after the check), so an operator who must also
/// stop names that resolve inside sends deliveries through an egress proxy that refuses them.
public enum WebhookURL {
    /// The URL, if Paisa may post to it; a 400 naming what is wrong otherwise.
    public static func validate(_ text: String, livemode: Bool) throws(PaymentsError) -> String {
        guard text.utf8.count <= Limits.webhookURLBytesMax else {
            throw Self.invalid("is longer than \(Limits.webhookURLBytesMax) bytes")
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else { throw Self.invalid("must be an http:// or https:// URL") }
        guard var host = url.host?.lowercased(), !host.isEmpty else { throw Self.invalid("has no host") }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard url.user == nil, url.password == nil else {
            throw Self.invalid("carries a user name or password; put a secret in the path instead")
        }
        switch Self.classify(host: host) {
        case .public:
            return text
        case .loopback where !livemode:
            return text
        case .loopback:
            throw Self.invalid(
                "names a loopback address (\(host)), which live mode refuses; use a test key for local "
                    + "development")
        case .internal(let what):
            throw Self.invalid("names \(what) (\(host)), which Paisa never posts to")
        case .ambiguous:
            throw Self.invalid("names the host \(host), which is a number but not a dotted IPv4 address")
        }
    }

    enum HostClass: Equatable {
        case `public`
        case loopback
        case `internal`(String)
        /// Digits in a form resolvers read as an address (`2130706433`, `0x7f.1`): refused rather than guessed at.
        case ambiguous
    }

    /// Names that only a private network resolves.
    static let localSuffixes = [".local", ".internal", ".localdomain", ".home.arpa", ".lan", ".intranet", ".corp"]

    static func classify(host written: String) -> HostClass {
        if written.contains(":") { return Self.classify(ipv6: written) }
        // `example.com.` is `example.com`, and `localhost.` is `localhost`.
        let host = written.hasSuffix(".") ? String(written.dropLast()) : written
        if host == "localhost" || host.hasSuffix(".localhost") { return .loopback }
        if let octets = Self.ipv4(host) { return Self.classify(ipv4: octets) }
        // Labels that are all numbers (decimal, octal or hex: `127.0x0.0.1`, `127.1`): resolvers read them as an
        // address, whatever this code would make of them.
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        let numeric = labels.allSatisfy { label in
            (!label.isEmpty && label.allSatisfy(\.isNumber))
                || (label.hasPrefix("0x") && label.dropFirst(2).allSatisfy(\.isHexDigit))
        }
        if numeric { return .ambiguous }
        if labels.count < 2 { return .internal("a name without a domain") }
        if Self.localSuffixes.contains(where: { host.hasSuffix($0) }) { return .internal("a local network name") }
        return .public
    }

    /// Four decimal octets without leading zeros, or nil.
    static func ipv4(_ host: String) -> [Int]? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                part == "0" || !part.hasPrefix("0"), let value = Int(part), value <= 255
            else { return nil }
            octets.append(value)
        }
        return octets
    }

    static func classify(ipv4 o: [Int]) -> HostClass {
        switch (o[0], o[1]) {
        case (127, _): .loopback
        case (0, _): .internal("an unspecified address")
        case (10, _), (192, 168): .internal("a private address")
        case (172, 16...31): .internal("a private address")
        case (100, 64...127): .internal("a shared (carrier-grade NAT) address")
        case (169, 254): .internal("a link-local address")
        case (224...255, _): .internal("a multicast or reserved address")
        default: .public
        }
    }

    static func classify(ipv6 host: String) -> HostClass {
        let address = host.split(separator: "%", maxSplits: 1).first.map(String.init) ?? host
        if address == "::1" { return .loopback }
        if address == "::" { return .internal("an unspecified address") }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms: judged as the IPv4 address they carry.
        if let last = address.split(separator: ":").last, let octets = Self.ipv4(String(last)) {
            return Self.classify(ipv4: octets)
        }
        let groups = address.split(separator: ":", omittingEmptySubsequences: false)
        let first = address.hasPrefix("::") ? 0 : UInt16(groups.first ?? "", radix: 16)
        guard let first else { return .ambiguous }
        // Addresses that carry an IPv4 address a gateway reaches on the operator's side.
        if first == 0x64 && groups.count > 1 && groups[1] == "ff9b" { return .internal("a NAT64 address") }
        if first == 0x2002 { return .internal("a 6to4 address") }
        switch first {
        case 0xfe80...0xfebf: return .internal("a link-local address")
        case 0xfec0...0xfeff: return .internal("a site-local address")
        case 0xfc00...0xfdff: return .internal("a private (unique local) address")
        case 0xff00...0xffff: return .internal("a multicast address")
        case 0: return .internal("a reserved address")
        default: return .public
        }
    }

    private static func invalid(_ problem: String) -> PaymentsError {
        .invalidRequest(code: .urlInvalid, message: "Invalid URL: the webhook endpoint's url \(problem).", param: "url")
    }
}
