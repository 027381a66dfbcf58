/// Shared checks for free-text fields, so every command words its refusals the same way.
public enum Validation {
    /// A string no longer than `max` characters.
    public static func text(_ value: String?, param: String, max: Int) throws(PaymentsError) {
        guard let value else { return }
        guard value.count <= max else { throw PaymentsError.parameterTooLong(param, max: max) }
    }

    /// Card networks accept 5 to 22 Latin characters, at least one letter, none of `<>\'"*`.
    public static func statementDescriptor(_ value: String?) throws(PaymentsError) {
        guard let value else { return }
        let forbidden: Set<Character> = ["<", ">", "\\", "'", "\"", "*"]
        let valid =
            (5...Limits.statementDescriptorLengthMax).contains(value.count)
            && value.allSatisfy { $0.isASCII && !forbidden.contains($0) && !$0.isNewline }
            && value.contains { $0.isLetter }
        guard valid else {
            throw .invalidRequest(
                code: "parameter_invalid_string",
                message: "The statement descriptor must be 5 to \(Limits.statementDescriptorLengthMax) ASCII "
                    + "characters with at least one letter, and none of < > \\ ' \" *.",
                param: "statement_descriptor")
        }
    }

    /// A plausible e-mail address: one `@` with text on both sides and a dot in the domain.
    public static func email(_ value: String?, param: String) throws(PaymentsError) {
        guard let value else { return }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        let valid =
            value.count <= Limits.emailLengthMax && parts.count == 2 && !parts[0].isEmpty
            && parts[1].contains(".") && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && !value.contains(where: \.isWhitespace)
        guard valid else {
            throw .invalidRequest(
                code: "email_invalid", message: "Invalid email address: \(value)", param: param)
        }
    }

    /// Stripe's metadata limits: keys and values as strings, at most 50 keys, 40 and 500 characters.
    public static func metadata(_ pairs: [String: String], param: String = "metadata") throws(PaymentsError) {
        guard pairs.count <= Limits.metadataKeysMax else {
            throw .invalidRequest(
                code: "parameter_invalid_string",
                message: "Metadata may have at most \(Limits.metadataKeysMax) keys.", param: param)
        }
        for (key, value) in pairs {
            guard !key.isEmpty, key.count <= Limits.metadataKeyLengthMax, !key.contains("[") else {
                throw .invalidRequest(
                    code: "parameter_invalid_string",
                    message: "Metadata keys must be 1 to \(Limits.metadataKeyLengthMax) characters without "
                        + "square brackets.",
                    param: "\(param)[\(key)]")
            }
            guard value.count <= Limits.metadataValueLengthMax else {
                throw .invalidRequest(
                    code: "parameter_invalid_string",
                    message: "Metadata values must be at most \(Limits.metadataValueLengthMax) characters.",
                    param: "\(param)[\(key)]")
            }
        }
    }
}
