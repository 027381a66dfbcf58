/// Where a request goes: scheme, host and port. Connections are kept per origin.
struct Origin: Hashable, Sendable {
    let isTLS: Bool
    let host: String
    let port: Int

    /// The origin of `url` and the request target (path and query, `/` when it has neither) it names there. Nil
    /// unless `url` is `http(s)://host[:port][/path][?query]`, the host a name, an IPv4 address or a bracketed
    /// IPv6 address, and the port within 1...65535. A fragment is dropped; user info is refused.
    static func split(_ url: String) -> (origin: Origin, target: String)? {
        let isTLS: Bool
        var rest: Substring
        let scheme = url.prefix { $0 != ":" }.lowercased()
        guard url.dropFirst(scheme.count).hasPrefix("://") else { return nil }
        switch scheme {
        case "https": (isTLS, rest) = (true, url.dropFirst("https://".count))
        case "http": (isTLS, rest) = (false, url.dropFirst("http://".count))
        default: return nil
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = Self.encoded(rest[authorityEnd...])
        if target.hasPrefix("?") { target = "/" + target }
        if target.isEmpty { target = "/" }
        guard !authority.isEmpty, !authority.contains("@") else { return nil }

        let host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        let port: Int
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else { return nil }
            port = number
        } else {
            port = isTLS ? 443 : 80
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else { return nil }
        return (Origin(isTLS: isTLS, host: String(host), port: port), target)
    }

    /// `target` with every byte a request line cannot carry (a space, a control character, a non-ASCII byte, and
    /// `"<>\^`{|}`) percent-encoded, as a URL parser would have; `%` and what it already encodes pass as they are.
    static func encoded(_ target: Substring) -> String {
        guard target.utf8.contains(where: { !Self.carried[Int($0)] }) else { return String(target) }
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(target.utf8.count * 3)
        for byte in target.utf8 {
            if Self.carried[Int(byte)] {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Per byte: whether a request target carries it as it is (letters, digits, and URL punctuation).
    private static let carried: [Bool] = (0...255).map { byte in
        let character = Character(Unicode.Scalar(UInt8(byte)))
        return byte < 0x80 && (character.isLetter || character.isNumber || "-._~!$&'()*+,;=:@/?%[]".contains(character))
    }

    /// Whether the host is an address, which TLS must not send as the server name.
    var isIPAddress: Bool {
        self.host.contains(":")
            || self.host.split(separator: ".").count == 4 && self.host.allSatisfy { $0 == "." || $0.isNumber }
    }

    /// The `Host` header: the host, with the port when it is not the scheme's default.
    var hostHeader: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return self.port == (self.isTLS ? 443 : 80) ? host : "\(host):\(self.port)"
    }
}
