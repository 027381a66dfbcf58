import Payments
import PostgresNIO

/// How one resource is listed: where its rows come from and what its columns are called.
struct ListSource {
    /// `SELECT … FROM … WHERE <a condition>`: the rest of the conditions are appended with AND.
    let select: String
    /// The column prefix of the listed table inside `select` (`m.` for the ledger's self-join).
    let alias: String
    let idColumn: String
    /// The id prefix cursors must carry, and the name errors use for the resource.
    let kind: ObjectID.Kind
    let noun: String

    static let charges = ListSource(
        select: "SELECT \(Rows.chargeColumns) FROM charges WHERE true", alias: "", idColumn: "id", kind: .charge,
        noun: "charge")
    static let refunds = ListSource(
        select: "SELECT \(Rows.refundColumns) FROM refunds WHERE true", alias: "", idColumn: "id", kind: .refund,
        noun: "refund")
    static let balanceTransactions = ListSource(
        select: Rows.balanceTransactionSelect, alias: "m.", idColumn: "posting_id", kind: .balanceTransaction,
        noun: "balance transaction")

    static let events = ListSource(
        select: "SELECT \(EventRows.columns) FROM events e WHERE true", alias: "e.", idColumn: "id", kind: .event,
        noun: "event")
    static let webhookEndpoints = ListSource(
        select: "SELECT \(EventRows.endpointColumns) FROM webhook_endpoints WHERE true", alias: "", idColumn: "id",
        kind: .webhookEndpoint, noun: "webhook endpoint")

    static let customers = ListSource(
        select: "SELECT \(Rows.customerColumns) FROM customers WHERE deleted_at IS NULL", alias: "", idColumn: "id",
        kind: .customer, noun: "customer")

    static let paymentIntents = ListSource(
        select: "SELECT \(Rows.paymentIntentColumns) FROM payment_intents WHERE true", alias: "", idColumn: "id",
        kind: .paymentIntent, noun: "payment intent")

    /// Where a cursor object's creation time is looked up.
    var cursorLookup: String {
        switch self.kind {
        case .charge: "SELECT created_at FROM charges WHERE true"
        case .refund: "SELECT created_at FROM refunds WHERE true"
        case .event: "SELECT created_at FROM events WHERE true"
        case .webhookEndpoint: "SELECT created_at FROM webhook_endpoints WHERE true"
        case .customer: "SELECT created_at FROM customers WHERE true"
        case .paymentIntent: "SELECT created_at FROM payment_intents WHERE true"
        default:
            "SELECT created_at FROM ledger_entries m WHERE m.ledger_account = 'merchant_balance'"
        }
    }
}

/// A condition a list adds to its scope's: one column equal to a value, or to any of several.
enum ListFilter {
    case equals(column: String, value: String)
    case anyOf(column: String, values: [String])
}

extension PostgresPaymentsStore {
    /// One page of a list, newest first, using the (account, mode, created, id) index in both directions.
    func list<Item: Sendable>(
        _ source: ListSource, scope: Scope, page: PageRequest, filter: ListFilter? = nil,
        deadline: Deadline, decode: @escaping @Sendable (PostgresRow) throws -> Item
    ) async throws -> Page<Item> {
        let cursor = try await self.cursorPosition(source, scope: scope, page: page, deadline: deadline)
        var builder = QueryBuilder()
        builder.append(trusted: source.select)
        builder.append(trusted: " AND \(source.alias)account_id = ")
        builder.append(trusted: builder.bind(scope.accountID))
        builder.append(trusted: " AND \(source.alias)livemode = ")
        builder.append(trusted: builder.bind(scope.livemode))
        switch filter {
        case .equals(let column, let value)?:
            builder.append(trusted: " AND \(source.alias)\(column) = ")
            builder.append(trusted: builder.bind(value))
        case .anyOf(let column, let values)?:
            builder.append(trusted: " AND \(source.alias)\(column) = ANY(")
            builder.append(trusted: builder.bind(values) + "::text[])")
        case nil:
            break
        }
        let bounds = page.created.microsecondBounds
        if let lower = bounds.lower {
            builder.append(trusted: " AND \(source.alias)created_at >= ")
            builder.append(trusted: builder.bind(Timestamp(microseconds: lower)))
        }
        if let upper = bounds.upper {
            builder.append(trusted: " AND \(source.alias)created_at < ")
            builder.append(trusted: builder.bind(Timestamp(microseconds: upper)))
        }
        let newestFirst: Bool
        switch cursor {
        case .none:
            newestFirst = true
        case .some(.after(let created, let id)):
            newestFirst = true
            builder.append(trusted: " AND (\(source.alias)created_at, \(source.alias)\(source.idColumn)) < (")
            builder.append(trusted: builder.bind(created) + ", " + builder.bind(id) + ")")
        case .some(.before(let created, let id)):
            newestFirst = false
            builder.append(trusted: " AND (\(source.alias)created_at, \(source.alias)\(source.idColumn)) > (")
            builder.append(trusted: builder.bind(created) + ", " + builder.bind(id) + ")")
        }
        let direction = newestFirst ? "DESC" : "ASC"
        builder.append(
            trusted: " ORDER BY \(source.alias)created_at \(direction), \(source.alias)\(source.idColumn) \(direction)"
        )
        builder.append(trusted: " LIMIT ")
        builder.append(trusted: builder.bind(Int32(page.limit + 1)))
        let query = builder.query
        let rows = try await self.database.withRetries("list \(source.noun)", .statement, deadline: deadline) {
            connection in
            var items: [Item] = []
            for try await row in try await connection.query(query, logger: self.logger) {
                items.append(try decode(row))
            }
            return items
        }
        let hasMore = rows.count > page.limit
        let pageItems = Array(rows.prefix(page.limit))
        return Page(items: newestFirst ? pageItems : pageItems.reversed(), hasMore: hasMore)
    }

    private enum CursorPosition {
        case after(Timestamp, String)
        case before(Timestamp, String)
    }

    /// The creation time of the cursor object; a cursor that names nothing of this scope is a client error.
    private func cursorPosition(
        _ source: ListSource, scope: Scope, page: PageRequest, deadline: Deadline
    )
        async throws -> CursorPosition?
    {
        let id: String
        let param: String
        switch page.cursor {
        case .none: return nil
        case .startingAfter(let value)?: (id, param) = (value, "starting_after")
        case .endingBefore(let value)?: (id, param) = (value, "ending_before")
        }
        var created: Timestamp? = nil
        if ObjectID.isWellFormed(id, as: source.kind) {
            var builder = QueryBuilder()
            builder.append(trusted: source.cursorLookup)
            builder.append(trusted: " AND account_id = " + builder.bind(scope.accountID))
            builder.append(trusted: " AND livemode = " + builder.bind(scope.livemode))
            builder.append(trusted: " AND \(source.kind == .balanceTransaction ? "posting_id" : "id") = ")
            builder.append(trusted: builder.bind(id))
            let query = builder.query
            created = try await self.database.withRetries("cursor", .statement, deadline: deadline) { connection in
                for try await value in try await connection.query(query, logger: self.logger).decode(Timestamp.self) {
                    return value
                }
                return nil
            }
        }
        guard let created else { throw PaymentsError.noSuch(source.noun, id, param: param) }
        return page.cursor.map {
            switch $0 {
            case .startingAfter: .after(created, id)
            case .endingBefore: .before(created, id)
            }
        }
    }
}
