/// A mistake in what the user asked for: a stage, profile, threshold, mix or option that cannot be used.
///
/// The message says what was wrong and shows a form that works; the command prints it and exits with a usage error.
public struct LoadInputError: Error, CustomStringConvertible, Equatable {
    /// The whole explanation, ready to print.
    public let description: String

    /// An error with its explanation.
    public init(_ description: String) {
        self.description = description
    }
}
