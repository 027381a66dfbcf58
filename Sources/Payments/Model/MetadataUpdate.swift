/// A change to metadata as a request states it.
public enum MetadataUpdate: Sendable, Equatable {
    /// `metadata=`: remove every key.
    case clear
    /// `metadata[k]=v` pairs: set each, or remove it when `v` is empty.
    case set([String: String])
}
