/// Creating and changing customers: the last phase of their idempotent POSTs, in one transaction that also stores
/// the answer on the key. The database writes each change's event in the same transaction (sql/007).
public struct CustomerMutations: Sendable {
    let store: any PaymentsStore

    public init(store: any PaymentsStore) {
        self.store = store
    }

    public func create(
        _ command: CreateCustomer, key: ClaimedKey, deadline: Deadline,
        render: @escaping ChargeMutations.Render<Customer>
    ) async throws -> IdempotencyLayer.Completion {
        let customer = Customer(
            id: ObjectID.make(.customer), scope: key.scope, email: command.email, name: command.name,
            phone: command.phone, description: command.description, metadata: command.metadata, created: .now(),
            deleted: false)
        return try await self.store.complete(key: key, deadline: deadline) { transaction in
            try await transaction.insertCustomer(customer)
            return render(.success(customer))
        }
    }

    /// Changes a customer's contact details or metadata; a deleted customer cannot change.
    public func update(
        _ command: UpdateCustomer, key: ClaimedKey, deadline: Deadline,
        render: @escaping ChargeMutations.Render<Customer>
    ) async throws -> IdempotencyLayer.Completion {
        try await self.store.complete(key: key, deadline: deadline) { transaction in
            guard let customer = try await transaction.lockCustomer(id: command.customerID, scope: key.scope),
                !customer.deleted
            else { return render(.failure(.noSuch("customer", command.customerID))) }
            let updated = command.applied(to: customer)
            do throws(PaymentsError) {
                try Validation.metadata(updated.metadata.pairs)
            } catch {
                return render(.failure(error))
            }
            try await transaction.updateCustomer(updated)
            return render(.success(updated))
        }
    }
}
