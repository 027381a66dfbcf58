import Payments

extension ParameterReader {
    /// The parameters every list endpoint takes.
    static let listParameters: Set<String> = ["limit", "starting_after", "ending_before", "created", "expand"]

    /// `limit`, `starting_after` or `ending_before`, and `created` bounds.
    func page() throws(PaymentsError) -> PageRequest {
        let limit = try self.limit()
        let after = try self.nonEmptyString("starting_after")
        let before = try self.nonEmptyString("ending_before")
        let cursor: PageRequest.Cursor?
        switch (after, before) {
        case (.some, .some):
            throw PaymentsError.invalidRequest(
                code: .parametersExclusive,
                message: "You may give only one of starting_after and ending_before.", param: "ending_before")
        case (let id?, nil): cursor = .startingAfter(id)
        case (nil, let id?): cursor = .endingBefore(id)
        case (nil, nil): cursor = nil
        }
        return PageRequest(limit: limit, cursor: cursor, created: try self.created())
    }

    /// `limit`: 1 to 100, 10 unless given; lists and searches alike.
    func limit() throws(PaymentsError) -> Int {
        let limit = try self.integer("limit") ?? Int64(Limits.listLimitDefault)
        guard (1...Int64(Limits.listLimitMax)).contains(limit) else {
            throw PaymentsError.invalidRequest(
                code: .parameterInvalidInteger,
                message: "Invalid limit: it must be between 1 and \(Limits.listLimitMax).", param: "limit")
        }
        return Int(limit)
    }

    /// `created=T` (exactly that second) or `created[gt|gte|lt|lte]=T`.
    func created() throws(PaymentsError) -> CreatedRange {
        switch self.values["created"] {
        case .none:
            return CreatedRange()
        case .string?:
            let exact = try self.integer("created")
            return CreatedRange(greaterThanOrEqual: exact, lessThanOrEqual: exact)
        case .some(let value):
            let bounds = value.asMap ?? [:]
            if let unknown = bounds.keys.filter({ !["gt", "gte", "lt", "lte"].contains($0) }).sorted().first {
                throw PaymentsError.invalidRequest(
                    code: .parameterUnknown,
                    message: "Received unknown parameter: created[\(unknown)]. Use gt, gte, lt or lte.",
                    param: "created[\(unknown)]")
            }
            let nested = ParameterReader(values: bounds)
            func bound(_ key: String) throws(PaymentsError) -> Int64? {
                do {
                    return try nested.integer(key)
                } catch {
                    throw PaymentsError.parameterInvalidInteger(
                        "created[\(key)]", value: (try? nested.string(key)) ?? "")
                }
            }
            return CreatedRange(
                greaterThan: try bound("gt"), greaterThanOrEqual: try bound("gte"), lessThan: try bound("lt"),
                lessThanOrEqual: try bound("lte"))
        }
    }
}

extension ParameterReader {
    /// A reader over a nested map, for parameters like `created[…]`.
    init(values: [String: ParameterValue]) {
        self.values = values
    }
}
