/// The rules for changing a charge after it exists: captures, updates and refunds. Pure functions of the charge
/// as read (and locked) in the transaction, so each rule is checked before anything is written.
public enum ChargeRules {
    /// Captures an authorized charge: in full, or in part with the rest released (counted as refunded, as
    /// Stripe does). Returns the captured charge and the posting of the money that moved.
    public static func capture(
        _ charge: Charge, amount requested: Int64?, at time: Timestamp
    ) throws(PaymentsError)
        -> (Charge, Posting)
    {
        guard charge.status == .succeeded else {
            throw .invalidRequest(
                code: .chargeNotCapturable,
                message: "Charge \(charge.id) is \(charge.status.rawValue) and cannot be captured; only authorized "
                    + "charges can.",
                param: nil)
        }
        guard !charge.captured else {
            throw .invalidRequest(
                code: .chargeAlreadyCaptured, message: "Charge \(charge.id) has already been captured.", param: nil)
        }
        guard !charge.refunded else {
            throw .invalidRequest(
                code: .chargeAlreadyRefunded,
                message: "Charge \(charge.id) was released in full and cannot be captured.", param: nil)
        }
        guard time.seconds - charge.created.seconds <= Limits.captureWindowSeconds else {
            throw .invalidRequest(
                code: .chargeExpiredForCapture,
                message: "Charge \(charge.id) was authorized more than 7 days ago and can no longer be captured.",
                param: nil)
        }
        let amount = requested ?? charge.amount
        guard amount <= charge.amount else {
            throw .invalidRequest(
                code: .amountTooLarge,
                message: "You cannot capture more than the authorized \(charge.currency.format(charge.amount)).",
                param: "amount")
        }
        guard amount >= charge.currency.chargeAmountMin else {
            throw .invalidRequest(
                code: .amountTooSmall,
                message: "Amount must be at least \(charge.currency.format(charge.currency.chargeAmountMin)).",
                param: "amount")
        }
        var captured = charge
        captured.captured = true
        captured.amountCaptured = amount
        captured.amountRefunded = charge.amount - amount
        let posting = Posting.capture(
            of: captured, amount: amount, fee: FeeSchedule.fee(for: amount, method: charge.paymentMethod),
            availableOn: FeeSchedule.availableOn(after: time, method: charge.paymentMethod, immediately: false),
            at: time)
        captured.balanceTransactionID = posting.id
        return (captured, posting)
    }

    /// Releases an authorization in full without capturing any of it (the charge of a canceled PaymentIntent). No
    /// money moved, so nothing is posted; the charge counts its amount as refunded, as Stripe shows a released
    /// authorization and as a partial capture counts the part it releases.
    public static func release(_ charge: Charge) throws(PaymentsError) -> Charge {
        guard charge.status == .succeeded, !charge.captured, !charge.refunded else {
            throw .invalidRequest(
                code: .chargeNotCapturable,
                message: "Charge \(charge.id) is not an authorization waiting for its capture, so there is nothing "
                    + "to release.",
                param: nil)
        }
        var released = charge
        released.amountRefunded = charge.amount
        return released
    }

    /// A pending refund that the processor failed: the refund, its charge with the amount no longer refunded, and
    /// the posting that brings the money back.
    public static func fail(
        _ refund: Refund, of charge: Charge, reason: Refund.FailureReason, at time: Timestamp
    ) -> (Refund, Charge, Posting) {
        precondition(refund.status == .pending && refund.chargeID == charge.id, "only a pending refund fails")
        let posting = Posting.refundFailure(of: refund, at: time)
        var failed = refund
        failed.status = .failed
        failed.failureReason = reason
        failed.failureBalanceTransactionID = posting.id
        var restored = charge
        restored.amountRefunded -= refund.amount
        return (failed, restored, posting)
    }

    /// Applies an update of the descriptive fields.
    public static func update(_ charge: Charge, with command: UpdateCharge) -> Charge {
        var updated = charge
        if let description = command.description { updated.description = description }
        if let email = command.receiptEmail { updated.receiptEmail = email }
        if let metadata = command.metadata { updated.metadata.apply(metadata) }
        return updated
    }

    /// Refunds part or all of what is left of a captured charge; returns the charge, the refund and its posting.
    public static func refund(
        _ charge: Charge, with command: CreateRefund, at time: Timestamp
    ) throws(PaymentsError)
        -> (Charge, Refund, Posting)
    {
        guard charge.status == .succeeded, charge.captured else {
            throw .invalidRequest(
                code: .chargeNotRefundable,
                message: charge.status != .succeeded
                    ? "Charge \(charge.id) is \(charge.status.rawValue); only succeeded charges can be refunded."
                    : charge.refunded
                        ? "Charge \(charge.id) was never captured and its authorization was released (its "
                            + "PaymentIntent was canceled): no money moved, so there is nothing to refund."
                        : "Charge \(charge.id) is not captured, so no money moved: capture it first, or leave the "
                            + "authorization to expire.",
                param: "charge")
        }
        let remaining = charge.refundableAmount
        guard remaining > 0 else {
            throw .invalidRequest(
                code: .chargeAlreadyRefunded, message: "Charge \(charge.id) has already been refunded.",
                param: "charge")
        }
        let amount = command.amount ?? remaining
        guard amount <= remaining else {
            throw .invalidRequest(
                code: .amountTooLarge,
                message: "Refund amount (\(charge.currency.format(amount))) is greater than the unrefunded amount "
                    + "on the charge (\(charge.currency.format(remaining))).",
                param: "amount")
        }
        let refundID = ObjectID.make(.refund)
        let posting = Posting.refund(refundID, of: charge, amount: amount, at: time)
        // A UPI refund is accepted now and completed (or failed) by the payer's bank later.
        let status: Refund.Status = if case .upi = charge.paymentMethod { .pending } else { .succeeded }
        let refund = Refund(
            id: refundID, scope: charge.scope, chargeID: charge.id, amount: amount, currency: charge.currency,
            status: status, reason: command.reason, metadata: command.metadata, balanceTransactionID: posting.id,
            created: time)
        var refunded = charge
        refunded.amountRefunded += amount
        return (refunded, refund, posting)
    }
}
