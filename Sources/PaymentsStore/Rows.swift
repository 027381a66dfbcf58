import NIOCore
import Payments
import PostgresNIO

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How domain objects map to rows: the column lists and the decoding, next to each other.
enum Rows {
    static let chargeColumns = """
        account_id, livemode, id, amount, currency, amount_captured, amount_refunded, captured, capture_method,
        status, failure_code, decline_code, failure_message, method_type, card_id, card_brand, card_last4,
        card_exp_month, card_exp_year, card_funding, card_country, upi_vpa, balance_transaction_id, description,
        metadata::text AS metadata, receipt_email, statement_descriptor, customer_id, shipping::text AS shipping,
        statement_descriptor_suffix, transfer_group, payment_intent_id, processor_key, created_at
        """

    /// A charge from a row selected with `chargeColumns`.
    static func charge(_ row: PostgresRow) throws -> Charge {
        let cells = row.makeRandomAccess()
        let currencyCode = try cells["currency"].decode(String.self)
        guard let currency = Currency.named(currencyCode),
            let status = Charge.Status(rawValue: try cells["status"].decode(String.self)),
            let captureMethod = Charge.CaptureMethod(rawValue: try cells["capture_method"].decode(String.self))
        else { throw RowError(description: "charge row with an unknown currency, status or capture method") }
        let failure = try cells["failure_code"].decode(String?.self).map { text in
            guard let code = ErrorCode(rawValue: text) else {
                throw RowError(description: "charge row with an unknown failure code \(text)")
            }
            return Charge.Failure(
                code: code, declineCode: try cells["decline_code"].decode(String?.self),
                message: try cells["failure_message"].decode(String?.self) ?? "")
        }
        return Charge(
            id: try cells["id"].decode(String.self),
            scope: Scope(
                accountID: try cells["account_id"].decode(String.self),
                livemode: try cells["livemode"].decode(Bool.self)),
            amount: try cells["amount"].decode(Int64.self), currency: currency,
            amountCaptured: try cells["amount_captured"].decode(Int64.self),
            amountRefunded: try cells["amount_refunded"].decode(Int64.self),
            captured: try cells["captured"].decode(Bool.self), captureMethod: captureMethod, status: status,
            failure: failure, paymentMethod: try Self.paymentMethod(cells),
            balanceTransactionID: try cells["balance_transaction_id"].decode(String?.self),
            description: try cells["description"].decode(String?.self),
            metadata: try Self.metadata(cells["metadata"].decode(String.self)),
            receiptEmail: try cells["receipt_email"].decode(String?.self),
            statementDescriptor: try cells["statement_descriptor"].decode(String?.self),
            customerID: try cells["customer_id"].decode(String?.self),
            shipping: try cells["shipping"].decode(String?.self).map {
                try JSONDecoder().decode(Shipping.self, from: Data($0.utf8))
            },
            statementDescriptorSuffix: try cells["statement_descriptor_suffix"].decode(String?.self),
            transferGroup: try cells["transfer_group"].decode(String?.self),
            paymentIntentID: try cells["payment_intent_id"].decode(String?.self),
            processorKey: try cells["processor_key"].decode(String.self),
            created: try cells["created_at"].decode(Timestamp.self))
    }

    private static func paymentMethod(_ cells: PostgresRandomAccessRow) throws -> PaymentMethodDetails {
        switch try cells["method_type"].decode(String.self) {
        case "card":
            return .card(
                PaymentMethodDetails.Card(
                    id: try cells["card_id"].decode(String.self), brand: try cells["card_brand"].decode(String.self),
                    last4: try cells["card_last4"].decode(String.self),
                    expMonth: Int(try cells["card_exp_month"].decode(Int16.self)),
                    expYear: Int(try cells["card_exp_year"].decode(Int16.self)),
                    funding: try cells["card_funding"].decode(String.self),
                    country: try cells["card_country"].decode(String.self)))
        case "upi":
            return .upi(vpa: try cells["upi_vpa"].decode(String.self))
        case let other:
            throw RowError(description: "charge row with payment method type \(other)")
        }
    }

    /// The card columns of a payment method, all nil for UPI.
    static func cardColumns(_ method: PaymentMethodDetails) -> PaymentMethodDetails.Card? {
        if case .card(let card) = method { return card }
        return nil
    }

    static func vpa(_ method: PaymentMethodDetails) -> String? {
        if case .upi(let vpa) = method { return vpa }
        return nil
    }

    static let refundColumns = """
        account_id, livemode, id, charge_id, amount, currency, status, reason, metadata::text AS metadata,
        balance_transaction_id, failure_reason, failure_balance_transaction_id, created_at
        """

    /// A refund from a row selected with `refundColumns`.
    static func refund(_ row: PostgresRow) throws -> Refund {
        let cells = row.makeRandomAccess()
        guard let currency = Currency.named(try cells["currency"].decode(String.self)),
            let status = Refund.Status(rawValue: try cells["status"].decode(String.self))
        else { throw RowError(description: "refund row with an unknown currency or status") }
        let reason = try cells["reason"].decode(String?.self).flatMap(Refund.Reason.init(rawValue:))
        return Refund(
            id: try cells["id"].decode(String.self),
            scope: Scope(
                accountID: try cells["account_id"].decode(String.self),
                livemode: try cells["livemode"].decode(Bool.self)),
            chargeID: try cells["charge_id"].decode(String.self), amount: try cells["amount"].decode(Int64.self),
            currency: currency, status: status, reason: reason,
            metadata: try Self.metadata(cells["metadata"].decode(String.self)),
            balanceTransactionID: try cells["balance_transaction_id"].decode(String.self),
            failureReason: try cells["failure_reason"].decode(String?.self).flatMap(
                Refund.FailureReason.init(rawValue:)),
            failureBalanceTransactionID: try cells["failure_balance_transaction_id"].decode(String?.self),
            created: try cells["created_at"].decode(Timestamp.self))
    }

    static let balanceTransactionSelect = """
        SELECT m.account_id, m.livemode, m.posting_id, m.posting_type, m.source_id, m.currency, m.amount AS net,
               coalesce(f.amount, 0) AS fee, m.description, m.created_at, m.available_on
        FROM ledger_entries m
        LEFT JOIN ledger_entries f
            ON f.account_id = m.account_id AND f.posting_id = m.posting_id AND f.ledger_account = 'platform_fees'
        WHERE m.ledger_account = 'merchant_balance'
        """

    /// A balance transaction from a row selected with `balanceTransactionSelect`.
    static func balanceTransaction(_ row: PostgresRow) throws -> BalanceTransaction {
        let cells = row.makeRandomAccess()
        guard let currency = Currency.named(try cells["currency"].decode(String.self)),
            let kind = Posting.Kind(rawValue: try cells["posting_type"].decode(String.self))
        else { throw RowError(description: "ledger row with an unknown currency or posting type") }
        return BalanceTransaction(
            id: try cells["posting_id"].decode(String.self),
            scope: Scope(
                accountID: try cells["account_id"].decode(String.self),
                livemode: try cells["livemode"].decode(Bool.self)),
            kind: kind, sourceID: try cells["source_id"].decode(String.self), currency: currency,
            fee: try cells["fee"].decode(Int64.self), net: try cells["net"].decode(Int64.self),
            description: try cells["description"].decode(String?.self),
            created: try cells["created_at"].decode(Timestamp.self),
            availableOn: try cells["available_on"].decode(Timestamp.self))
    }

    static let customerColumns = """
        account_id, livemode, id, email, name, phone, description, metadata::text AS metadata, created_at,
        deleted_at IS NOT NULL AS deleted
        """

    /// A customer from a row selected with `customerColumns`.
    static func customer(_ row: PostgresRow) throws -> Customer {
        let cells = row.makeRandomAccess()
        return Customer(
            id: try cells["id"].decode(String.self),
            scope: Scope(
                accountID: try cells["account_id"].decode(String.self),
                livemode: try cells["livemode"].decode(Bool.self)),
            email: try cells["email"].decode(String?.self), name: try cells["name"].decode(String?.self),
            phone: try cells["phone"].decode(String?.self), description: try cells["description"].decode(String?.self),
            metadata: try Self.metadata(cells["metadata"].decode(String.self)),
            created: try cells["created_at"].decode(Timestamp.self), deleted: try cells["deleted"].decode(Bool.self))
    }

    static let paymentIntentColumns = """
        account_id, livemode, id, amount, currency, status, capture_method, payment_method, upi_vpa, customer_id,
        description, metadata::text AS metadata, receipt_email, statement_descriptor, latest_charge_id,
        amount_capturable, amount_received, client_secret, canceled_at, cancellation_reason,
        last_payment_error::text AS last_payment_error, confirming_processor_key, created_at
        """

    /// A PaymentIntent from a row selected with `paymentIntentColumns`.
    static func paymentIntent(_ row: PostgresRow) throws -> PaymentIntent {
        let cells = row.makeRandomAccess()
        guard let currency = Currency.named(try cells["currency"].decode(String.self)),
            let status = PaymentIntent.Status(rawValue: try cells["status"].decode(String.self)),
            let captureMethod = Charge.CaptureMethod(rawValue: try cells["capture_method"].decode(String.self))
        else { throw RowError(description: "payment intent row with an unknown currency, status or capture method") }
        let method: IntentPaymentMethod? = try cells["payment_method"].decode(String?.self).map { id in
            if let vpa = try cells["upi_vpa"].decode(String?.self) { return .upi(id: id, vpa: vpa) }
            return .card(id: id)
        }
        return PaymentIntent(
            id: try cells["id"].decode(String.self),
            scope: Scope(
                accountID: try cells["account_id"].decode(String.self),
                livemode: try cells["livemode"].decode(Bool.self)),
            amount: try cells["amount"].decode(Int64.self), currency: currency, status: status,
            captureMethod: captureMethod, paymentMethod: method,
            customerID: try cells["customer_id"].decode(String?.self),
            description: try cells["description"].decode(String?.self),
            metadata: try Self.metadata(cells["metadata"].decode(String.self)),
            receiptEmail: try cells["receipt_email"].decode(String?.self),
            statementDescriptor: try cells["statement_descriptor"].decode(String?.self),
            latestChargeID: try cells["latest_charge_id"].decode(String?.self),
            amountCapturable: try cells["amount_capturable"].decode(Int64.self),
            amountReceived: try cells["amount_received"].decode(Int64.self),
            clientSecret: try cells["client_secret"].decode(String.self),
            canceledAt: try cells["canceled_at"].decode(Timestamp?.self),
            cancellationReason: try cells["cancellation_reason"].decode(String?.self).flatMap(
                PaymentIntent.CancellationReason.init(rawValue:)),
            lastPaymentError: try cells["last_payment_error"].decode(String?.self).map {
                try JSONDecoder().decode(PaymentIntent.PaymentError.self, from: Data($0.utf8))
            },
            confirmingProcessorKey: try cells["confirming_processor_key"].decode(String?.self),
            created: try cells["created_at"].decode(Timestamp.self))
    }

    /// Metadata from its JSON text.
    static func metadata(_ json: String) throws -> Metadata {
        Metadata(try JSONDecoder().decode([String: String].self, from: Data(json.utf8)))
    }

    /// A charge's shipping as JSON text, keys sorted; nil without one.
    static func json(_ shipping: Shipping?) -> String? {
        shipping.map(Self.sortedJSON)
    }

    /// Metadata as JSON text, keys sorted.
    static func json(_ metadata: Metadata) -> String {
        Self.sortedJSON(metadata.pairs)
    }

    /// JSON text with sorted keys, of values made of strings and optionals only, which always encode.
    private static func sortedJSON(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// A row that does not decode into its domain object: the schema and the code disagree.
struct RowError: Error, CustomStringConvertible {
    let description: String
}
