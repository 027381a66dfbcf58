/// A read the audit needed (list, balance) that the API did not answer as documented.
public struct APIProblem: Error, CustomStringConvertible {
    /// What went wrong, with the status and the API's message when there was one.
    public let description: String

    /// A problem with its explanation.
    public init(_ description: String) {
        self.description = description
    }
}
