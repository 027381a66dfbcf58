/// Shared checks for free-text fields, so every command words its refusals the same way. Lengths are counted as
/// the database counts them (`StoredText.length`), so a value that passes here is a value the schema stores.
public enum Validation {
    /// A string no longer than `max` characters.
    public static func text(_ value: String?, param: String, max: Int) throws(PaymentsError) {
        guard let value else { return }
        guard StoredText.length(value) <= max else { throw PaymentsError.parameterTooLong(param, max: max) }
        try Self.storable(value, param: param)
    }

    /// Text the database can hold: no U+0000. The decoders already refuse it in every parameter; this is the check
    /// that stands next to each stored field, so a value that reaches a command by another road is refused too.
    public static func storable(_ value: String, param: String) throws(PaymentsError) {
        guard !StoredText.containsNUL(value) else {
            throw .invalidRequest(
                code: .parameterInvalidString,
                message: "The `\(param)` parameter contains a NUL character (U+0000), which Paisa cannot store. "
                    + "Remove it and send the request again.",
                param: param)
        }
    }

    /// Card networks accept 5 to 22 Latin characters, at least one letter, none of `<>\'"*`. A suffix (the end
    /// that follows the account's prefix) may be as short as one character.
    public static func statementDescriptor(
        _ value: String?, param: String = "statement_descriptor", lengthMin: Int = 5
    ) throws(PaymentsError) {
        guard let value else { return }
        let forbidden: Set<Character> = ["<", ">", "\\", "'", "\"", "*"]
        let valid =
            (lengthMin...Limits.statementDescriptorLengthMax).contains(StoredText.length(value))
            && value.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }
            && !value.contains { forbidden.contains($0) }
            && value.contains { $0.isLetter }
        guard valid else {
            throw .invalidRequest(
                code: .parameterInvalidString,
                message: "The `\(param)` must be \(lengthMin) to \(Limits.statementDescriptorLengthMax) printable "
                    + "ASCII characters with at least one letter, and none of < > \\ ' \" *.",
                param: param)
        }
    }

    /// A plausible e-mail address: one `@` with text on both sides and a dot in the domain. Read by Unicode scalar,
    /// as the OpenAPI document's pattern reads it: an `@` or a `.` followed by a combining mark is still one.
    public static func email(_ value: String?, param: String) throws(PaymentsError) {
        guard let value else { return }
        let parts = value.unicodeScalars.split(separator: "@", omittingEmptySubsequences: false)
        let valid =
            StoredText.length(value) <= Limits.emailLengthMax && parts.count == 2 && !parts[0].isEmpty
            && parts[1].contains(".") && parts[1].first != "." && parts[1].last != "."
            && !value.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }
        guard valid else {
            throw .invalidRequest(
                code: .emailInvalid, message: "Invalid email address: \(value)", param: param)
        }
    }

    /// Stripe's metadata limits: keys and values as strings, at most 50 keys, 40 and 500 characters.
    public static func metadata(_ pairs: [String: String], param: String = "metadata") throws(PaymentsError) {
        guard pairs.count <= Limits.metadataKeysMax else {
            throw .invalidRequest(
                code: .parameterInvalidString,
                message: "Metadata may have at most \(Limits.metadataKeysMax) keys.", param: param)
        }
        for (key, value) in pairs.sorted(by: { $0.key < $1.key }) {
            guard !key.isEmpty, StoredText.length(key) <= Limits.metadataKeyLengthMax,
                !key.unicodeScalars.contains(where: { $0 == "[" || $0 == "]" })
            else {
                throw .invalidRequest(
                    code: .parameterInvalidString,
                    message: "Metadata keys must be 1 to \(Limits.metadataKeyLengthMax) characters without "
                        + "square brackets.",
                    param: "\(param)[\(key)]")
            }
            guard StoredText.length(value) <= Limits.metadataValueLengthMax else {
                throw .invalidRequest(
                    code: .parameterInvalidString,
                    message: "Metadata values must be at most \(Limits.metadataValueLengthMax) characters.",
                    param: "\(param)[\(key)]")
            }
            try Self.storable(key, param: param)
            try Self.storable(value, param: "\(param)[\(key)]")
        }
    }
}
