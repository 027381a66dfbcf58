import Payments

extension PaisaAPI {
    /// `POST /v1/charges/:id`: description, metadata and receipt e-mail; an empty string clears a field.
    func updateCharge() -> Endpoint {
        Endpoint(Permission(.charges, .write), .write { request in
            let reader = try ParameterReader(
                request.parameters, allowed: ["description", "metadata", "receipt_email", "expand"])
            let expansion = try Expansion(reader, allowed: ["balance_transaction"])
            let command = try UpdateCharge(
                chargeID: request.pathParameter("id"), description: try reader.clearableString("description"),
                metadata: try reader.metadata(), receiptEmail: try reader.clearableString("receipt_email"))
            return { key in
                try await self.mutations.update(
                    command, key: key, deadline: request.deadline,
                    withBalanceTransaction: expansion.contains("balance_transaction")
                ) { result in
                    request.stored(result, docsURL: self.configuration.docsURL) { charge, balanceTransaction in
                        Render.charge(charge, balanceTransaction: balanceTransaction)
                    }
                }
            }
        })
    }

    /// `POST /v1/charges/:id/capture`: captures an authorized charge, in full or in part.
    func captureCharge() -> Endpoint {
        Endpoint(Permission(.charges, .write), .write { request in
            let reader = try ParameterReader(request.parameters, allowed: ["amount", "expand"])
            let expansion = try Expansion(reader, allowed: ["balance_transaction"])
            let command = try CaptureCharge(chargeID: request.pathParameter("id"), amount: try reader.integer("amount"))
            return { key in
                try await self.mutations.capture(command, key: key, deadline: request.deadline) { result in
                    request.stored(result, docsURL: self.configuration.docsURL) { charge, posting in
                        Render.charge(
                            charge,
                            balanceTransaction: expansion.contains("balance_transaction")
                                ? BalanceTransaction(posting) : nil)
                    }
                }
            }
        })
    }
}
