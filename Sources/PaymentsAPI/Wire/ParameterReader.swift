import Payments

/// Reads one endpoint's parameters with Stripe's refusals: unknown names, missing ones, wrong types. Every error
/// names the parameter it is about.
struct ParameterReader {
    let values: [String: ParameterValue]

    /// Stripe Connect's parameters, which integrations send out of habit and Paisa cannot honour: refused like any
    /// unknown parameter (never silently ignored: the money would not go where the integration means it to), with
    /// a message that says why.
    static let connectParameters: Set<String> = [
        "application_fee", "application_fee_amount", "destination", "on_behalf_of", "transfer_data",
    ]

    /// Refuses any parameter the endpoint does not take, naming the first one (in name order).
    init(_ parameters: Parameters, allowed: Set<String>) throws(PaymentsError) {
        if let unknown = parameters.values.keys.filter({ !allowed.contains($0) }).sorted().first {
            let advice =
                Self.connectParameters.contains(unknown)
                ? "Paisa has no connected accounts (Stripe Connect), so it cannot take \(unknown); send the "
                    + "payment without it."
                : "Check the spelling, or see the API reference for the parameters this endpoint takes."
            throw PaymentsError.invalidRequest(
                code: .parameterUnknown, message: "Received unknown parameter: \(unknown). \(advice)", param: unknown)
        }
        self.values = parameters.values
    }

    /// A string parameter, or nil when absent. Maps and lists are refused.
    func string(_ name: String) throws(PaymentsError) -> String? {
        switch self.values[name] {
        case .none: return nil
        case .string(let text)?: return text
        case .some:
            throw PaymentsError.invalidRequest(
                code: .parameterInvalidString, message: "Invalid string: `\(name)` must be a single value.",
                param: name)
        }
    }

    /// A string that must be present and non-empty.
    func requiredString(_ name: String) throws(PaymentsError) -> String {
        guard let text = try self.string(name), !text.isEmpty else { throw PaymentsError.parameterMissing(name) }
        return text
    }

    /// An optional string that, when given, may not be empty (fields that cannot be unset on creation).
    func nonEmptyString(_ name: String) throws(PaymentsError) -> String? {
        guard let text = try self.string(name) else { return nil }
        guard !text.isEmpty else { throw PaymentsError.parameterEmpty(name) }
        return text
    }

    /// A whole number written in decimal digits (an optional leading minus), within 64 bits.
    func integer(_ name: String) throws(PaymentsError) -> Int64? {
        guard let text = try self.string(name) else { return nil }
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int64(text) else {
            throw PaymentsError.parameterInvalidInteger(name, value: text)
        }
        return value
    }

    /// `true` or `false`, in any case: the official Python SDK before version 8 sends a Python boolean as `True`
    /// or `False`, which Stripe accepts. `1`, `yes` and the like are refused.
    func bool(_ name: String) throws(PaymentsError) -> Bool? {
        guard let text = try self.string(name) else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default:
            throw PaymentsError.invalidRequest(
                code: .parameterInvalidBoolean, message: "Invalid boolean: \(text). Use true or false.",
                param: name)
        }
    }

    /// A value from a fixed set.
    func choice(_ name: String, among choices: [String]) throws(PaymentsError) -> String? {
        guard let text = try self.string(name) else { return nil }
        guard choices.contains(text) else {
            throw PaymentsError.invalidRequest(
                code: .parameterInvalidString,
                message: "Invalid \(name): must be one of \(choices.joined(separator: ", ")).", param: name)
        }
        return text
    }

    /// `metadata[k]=v` pairs, or `metadata=` to clear; nil when absent.
    func metadata(_ name: String = "metadata") throws(PaymentsError) -> MetadataUpdate? {
        switch self.values[name] {
        case .none:
            return nil
        case .string("")?:
            return .clear
        case .string?, .list?:
            // A list (`metadata[]=v`, or a JSON array) names no keys: refused, as a non-empty string is.
            throw PaymentsError.invalidRequest(
                code: .parameterInvalidString,
                message: "Invalid metadata: give key-value pairs as `metadata[key]=value`, or an empty "
                    + "`metadata=` to remove every key.",
                param: name)
        case .map(let map)?:
            var pairs: [String: String] = [:]
            for (key, item) in map {
                guard case .string(let text) = item else {
                    throw PaymentsError.invalidRequest(
                        code: .parameterInvalidString, message: "Metadata values must be strings.",
                        param: "\(name)[\(key)]")
                }
                pairs[key] = text
            }
            try Validation.metadata(pairs, param: name)
            return .set(pairs)
        }
    }

    /// Metadata for a new object: the pairs with empty values dropped.
    func newMetadata() throws(PaymentsError) -> Metadata {
        var metadata = Metadata()
        if let update = try self.metadata() { metadata.apply(update) }
        return metadata
    }

    /// `expand[]` paths, checked for count and depth.
    func expand() throws(PaymentsError) -> [String] {
        let paths =
            try self.strings(
                "expand", max: Limits.expandEntriesMax, example: "expand[]=balance_transaction") ?? []
        for path in paths where path.isEmpty || path.split(separator: ".").count > Limits.expandDepthMax {
            throw PaymentsError.invalidRequest(
                code: .parameterInvalidString,
                message: "Invalid expand path. Paths name expandable fields, at most \(Limits.expandDepthMax) "
                    + "levels deep.",
                param: "expand")
        }
        return paths
    }

    /// `expand[]` on an endpoint that expands nothing: checked as a list of at most `expandEntriesMax` strings,
    /// as everywhere else, then dropped.
    func ignoredExpand() throws(PaymentsError) {
        _ = try self.strings("expand", max: Limits.expandEntriesMax, example: "expand[]=balance_transaction")
    }

    /// A list of strings (`name[]=a&name[]=b`, or `name[0]=a`), at most `max`; nil when absent.
    func strings(_ name: String, max: Int, example: String) throws(PaymentsError) -> [String]? {
        guard let value = self.values[name] else { return nil }
        guard let items = value.asList else {
            throw PaymentsError.invalidRequest(
                code: .parameterInvalidString, message: "Invalid \(name): give a list, as `\(example)`.", param: name)
        }
        guard items.count <= max else {
            throw PaymentsError.invalidRequest(
                code: .parameterInvalidString, message: "\(name) may have at most \(max) entries.", param: name)
        }
        return try items.enumerated().map { (index, item) throws(PaymentsError) -> String in
            guard case .string(let text) = item else {
                throw PaymentsError.invalidRequest(
                    code: .parameterInvalidString, message: "Invalid \(name)[\(index)]: give a string.",
                    param: "\(name)[\(index)]")
            }
            return text
        }
    }
}

extension ParameterReader {
    /// The map parameter `name` (`shipping[address][line1]=…`) as a reader of its own whose names are written in
    /// full (`shipping[address]`, `shipping[address][line1]`), so that every refusal names the parameter as the
    /// client wrote it; nil when absent.
    func nested(_ name: String, allowed: Set<String>) throws(PaymentsError) -> ParameterReader? {
        guard let value = self.values[name] else { return nil }
        guard let map = value.asMap, !map.isEmpty else {
            throw PaymentsError.invalidRequest(
                code: .parameterInvalidString,
                message: "Invalid \(name): give its fields, as `\(name)[\(allowed.sorted().first ?? "field")]=…`.",
                param: name)
        }
        let named = Dictionary(uniqueKeysWithValues: map.map { ("\(name)[\($0.key)]", $0.value) })
        return try ParameterReader(Parameters(named), allowed: Set(allowed.map { "\(name)[\($0)]" }))
    }

    /// A field an update may set or clear: nil when absent, `.some(nil)` for an empty string (clear), else the text.
    func clearableString(_ name: String) throws(PaymentsError) -> String?? {
        guard let text = try self.string(name) else { return nil }
        return .some(text.isEmpty ? nil : text)
    }
}
