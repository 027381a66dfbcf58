/// A processor's answer.
public enum ProcessorDecision: Sendable, Equatable {
    /// The money is authorized. `availableImmediately` is the sandbox's `tok_bypassPending`.
    case approved(availableImmediately: Bool)
    /// The issuer or bank said no.
    case declined(Charge.Failure)
    /// The bank has not decided yet (UPI's deemed or pending state); ask again later.
    case pending
}
