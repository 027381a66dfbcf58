import Payments

/// Which fields a request asked to expand, checked against what the endpoint can expand and what the key may read.
struct Expansion: Sendable {
    let paths: Set<String>

    /// The resource an expandable field holds, by the field's name: expanding it reads that resource, so a
    /// restricted key needs its read permission.
    static let resources: [String: Permission.Resource] = [
        "balance_transaction": .balance, "customer": .customers, "latest_charge": .charges,
    ]

    /// Reads `expand[]` and refuses paths the endpoint does not offer, and paths to resources the key may not read.
    init(_ reader: ParameterReader, allowed: Set<String>, for principal: Principal) throws {
        let paths = try reader.expand()
        if let refused = paths.first(where: { !allowed.contains($0) }) {
            let offered = allowed.sorted().joined(separator: ", ")
            throw PaymentsError.invalidRequest(
                code: .expandInvalid,
                message: "This property cannot be expanded (\(refused)). "
                    + (offered.isEmpty ? "This endpoint expands nothing." : "This endpoint expands: \(offered)."),
                param: "expand")
        }
        for path in paths {
            let field = path.split(separator: ".").last.map(String.init) ?? path
            if let resource = Self.resources[field], !principal.allows(resource, .read) {
                throw Authenticator.forbidden(
                    principal, needs: Permission(resource, .read), toDo: "Expanding \(path)")
            }
        }
        self.paths = Set(paths)
    }

    func contains(_ path: String) -> Bool {
        self.paths.contains(path)
    }
}
