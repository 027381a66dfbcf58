/// What claiming a key found.
public enum ClaimOutcome: Sendable, Equatable {
    /// The key is ours: new, or abandoned by a request whose lease ran out.
    case claimed(ClaimedKey)
    /// The key is finished: answer with its stored response.
    case replay(StoredResponse, originalRequestID: String?)
    /// Another request holds the key right now.
    case inUse
    /// The key belongs to a different request; the text says what differs.
    case mismatch(difference: String)
}
