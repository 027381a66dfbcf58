import Payments
import PostgresNIO

// Customers: reads, lists and the delete here; creations and updates run inside `finish` (the transaction methods
// below). Each write's event is written by the table's trigger (sql/007).

extension PostgresPaymentsStore {
    public func customer(id: String, scope: Scope, deadline: Deadline) async throws -> Customer? {
        guard ObjectID.isWellFormed(id, as: .customer) else { return nil }
        return try await self.database.withRetries("customer", .statement, deadline: deadline) { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Rows.customerColumns) FROM customers
                WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND id = \(id)
                """, logger: self.logger)
            for try await row in rows { return try Rows.customer(row) }
            return nil
        }
    }

    /// `FOR SHARE` waits for a delete in flight to commit (and then judges the deleted row), so a delete either
    /// comes before this check, and counts by its time, or stamps a time after it: after the key's first use, and
    /// never a refusal. The delete stamps `clock_timestamp()`, the moment of its UPDATE, not its transaction's
    /// start, for the same reason.
    public func chargeableCustomer(id: String, key: ClaimedKey, deadline: Deadline) async throws -> Customer? {
        guard ObjectID.isWellFormed(id, as: .customer) else { return nil }
        let scope = key.scope
        return try await self.database.withRetries("chargeable customer", .statement, deadline: deadline) {
            connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Rows.customerColumns) FROM customers
                WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND id = \(id)
                  AND (deleted_at IS NULL OR deleted_at > (
                      SELECT k.created_at FROM idempotency_keys k
                      WHERE k.account_id = \(scope.accountID) AND k.livemode = \(scope.livemode) AND k.key = \(key.key)))
                FOR SHARE
                """, logger: self.logger)
            for try await row in rows { return try Rows.customer(row) }
            return nil
        }
    }

    public func customers(
        scope: Scope, email: String?, page: PageRequest, deadline: Deadline
    ) async throws -> Page<Customer> {
        try await self.list(
            .customers, scope: scope, page: page, filter: email.map { .equals(column: "email", value: $0) },
            deadline: deadline, decode: Rows.customer)
    }

    public func deleteCustomer(
        id: String, scope: Scope, requestID: String, deadline: Deadline
    ) async throws -> Customer? {
        guard ObjectID.isWellFormed(id, as: .customer) else { return nil }
        return try await self.database.withRetries("delete customer", .transaction, deadline: deadline) {
            connection in
            // Names the request for the customer's event, which the trigger writes (sql/006, sql/007).
            try await connection.query(
                "SELECT set_config('paisa.request_id', \(requestID), true)", logger: self.logger)
            let rows = try await connection.query(
                """
                UPDATE customers SET deleted_at = clock_timestamp(), updated_at = now()
                WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND id = \(id)
                  AND deleted_at IS NULL
                RETURNING \(unescaped: Rows.customerColumns)
                """, logger: self.logger)
            for try await row in rows { return try Rows.customer(row) }
            return nil
        }
    }
}

extension PostgresTransaction {
    func insertCustomer(_ customer: Customer) async throws {
        try await self.connection.query(
            """
            INSERT INTO customers (
                account_id, livemode, id, email, name, phone, description, metadata, created_at, updated_at)
            VALUES (\(customer.scope.accountID), \(customer.scope.livemode), \(customer.id), \(customer.email),
                    \(customer.name), \(customer.phone), \(customer.description),
                    \(Rows.json(customer.metadata))::jsonb, \(customer.created), \(customer.created))
            """, logger: self.logger)
    }

    func customer(id: String, scope: Scope) async throws -> Customer? {
        try await self.customer(id: id, scope: scope, lock: "")
    }

    func lockCustomer(id: String, scope: Scope) async throws -> Customer? {
        try await self.customer(id: id, scope: scope, lock: "FOR NO KEY UPDATE")
    }

    private func customer(id: String, scope: Scope, lock: String) async throws -> Customer? {
        guard ObjectID.isWellFormed(id, as: .customer) else { return nil }
        let rows = try await self.connection.query(
            """
            SELECT \(unescaped: Rows.customerColumns) FROM customers
            WHERE account_id = \(scope.accountID) AND livemode = \(scope.livemode) AND id = \(id) \(unescaped: lock)
            """, logger: self.logger)
        for try await row in rows { return try Rows.customer(row) }
        return nil
    }

    func updateCustomer(_ customer: Customer) async throws {
        try await self.connection.query(
            """
            UPDATE customers
            SET email = \(customer.email), name = \(customer.name), phone = \(customer.phone),
                description = \(customer.description), metadata = \(Rows.json(customer.metadata))::jsonb,
                updated_at = now()
            WHERE account_id = \(customer.scope.accountID) AND id = \(customer.id)
            """, logger: self.logger)
    }
}
