import Payments

/// Which fields a request asked to expand, checked against what the endpoint can expand.
struct Expansion: Sendable {
    let paths: Set<String>

    /// Reads `expand[]` and refuses paths the endpoint does not offer.
    init(_ reader: ParameterReader, allowed: Set<String>) throws(PaymentsError) {
        let paths = try reader.expand()
        if let refused = paths.first(where: { !allowed.contains($0) }) {
            let offered = allowed.sorted().joined(separator: ", ")
            throw PaymentsError.invalidRequest(
                code: "expand_invalid",
                message: "This property cannot be expanded (\(refused)). "
                    + (offered.isEmpty ? "This endpoint expands nothing." : "This endpoint expands: \(offered)."),
                param: "expand")
        }
        self.paths = Set(paths)
    }

    func contains(_ path: String) -> Bool {
        self.paths.contains(path)
    }
}
