/// Reads a query in Stripe's search language, one Unicode scalar at a time, into typed clauses:
///
/// ```
/// query   = clause { separator clause }
/// separator = spaces | spaces ("AND" | "OR") spaces          (keywords in any case; a space alone means AND)
/// clause  = ["-"] field operator value
/// field   = name { "." name } | "metadata[" quoted-key "]"   (the key in double or single quotes)
/// operator = ":" | "~" | ">" | ">=" | "<" | "<="
/// value   = '"' { character | '\"' | '\\' } '"' | digits
/// ```
///
/// Nothing in the query is ever turned into SQL: the parser's output is values the store binds.
struct SearchParser {
    private let scalars: [Unicode.Scalar]
    private let resource: SearchResource
    private var index = 0

    init(_ text: String, resource: SearchResource) throws(SearchSyntaxError) {
        self.scalars = Array(text.unicodeScalars)
        self.resource = resource
        guard self.scalars.count <= Limits.searchQueryLengthMax else {
            throw SearchSyntaxError(
                position: Limits.searchQueryLengthMax + 1,
                problem: "the query is \(self.scalars.count) characters long; at most "
                    + "\(Limits.searchQueryLengthMax) are allowed.")
        }
    }

    /// The whole query.
    mutating func parse() throws(SearchSyntaxError) -> SearchQuery {
        try self.skipSpaces()
        guard !self.atEnd else {
            throw self.failure("the query is empty; give at least one clause, as status:\"succeeded\".")
        }
        var clauses: [SearchClause] = []
        var combination: SearchQuery.Combination? = nil
        while true {
            let start = self.index
            let clause = try self.clause()
            guard clauses.count < Limits.searchClausesMax else {
                throw SearchSyntaxError(
                    position: start + 1, problem: "a query may have at most \(Limits.searchClausesMax) clauses.")
            }
            clauses.append(clause)
            let spaced = try self.skipSpaces()
            if self.atEnd { break }
            guard spaced else {
                throw self.failure("expected a space, AND or OR after the clause, found \(self.found).")
            }
            let keywordStart = self.index
            let joined = try self.keyword() ?? .all
            if let combination, combination != joined {
                throw SearchSyntaxError(
                    position: keywordStart + 1,
                    problem: "AND and OR cannot be mixed in one query (a space between clauses means AND).")
            }
            combination = joined
            guard !self.atEnd else { throw self.failure("expected a clause after \(joined == .all ? "AND" : "OR").") }
        }
        return SearchQuery(clauses: clauses, combination: combination ?? .all)
    }

    // MARK: Clauses

    private mutating func clause() throws(SearchSyntaxError) -> SearchClause {
        let negated = self.consume("-")
        let fieldStart = self.index
        let field = try self.field()
        let operatorStart = self.index
        guard let comparison = self.comparison() else {
            throw self.failure("expected an operator (:, ~, >, >=, < or <=) after the field, found \(self.found).")
        }
        guard field.comparisons.contains(comparison) else {
            throw SearchSyntaxError(
                position: operatorStart + 1,
                problem: "\(self.name(of: field, from: fieldStart)) takes "
                    + field.comparisons.map { "'\($0.rawValue)'" }.joined(separator: ", ")
                    + ", not '\(comparison.rawValue)'.")
        }
        let value = try self.value(for: field, comparison: comparison, fieldStart: fieldStart)
        return SearchClause(field: field, comparison: comparison, value: value, negated: negated)
    }

    private mutating func field() throws(SearchSyntaxError) -> SearchField {
        let start = self.index
        while let scalar = self.peek, Self.isNameCharacter(scalar) { self.index += 1 }
        guard self.index > start else { throw self.failure("expected a field name, found \(self.found).") }
        let name = self.text(from: start)
        if name == "metadata" { return try self.metadataKey() }
        guard let field = self.resource.fields[name] else {
            throw SearchSyntaxError(
                position: start + 1,
                problem: "\(self.resource.noun) cannot be searched by '\(name)'. Search by one of: "
                    + "\(self.resource.fieldList).")
        }
        return field
    }

    /// `["key"]` or `['key']` after `metadata`.
    private mutating func metadataKey() throws(SearchSyntaxError) -> SearchField {
        guard self.consume("[") else { throw self.failure("expected [ after metadata, as metadata[\"key\"].") }
        guard let quote = self.peek, quote == "\"" || quote == "'" else {
            throw self.failure("expected a quoted metadata key, as metadata[\"key\"], found \(self.found).")
        }
        let keyStart = self.index
        let key = try self.quoted()
        guard !key.isEmpty, key.unicodeScalars.count <= Limits.metadataKeyLengthMax else {
            throw SearchSyntaxError(
                position: keyStart + 1,
                problem: "a metadata key has 1 to \(Limits.metadataKeyLengthMax) characters.")
        }
        guard self.consume("]") else { throw self.failure("expected ] after the metadata key, found \(self.found).") }
        return .metadata(key: key)
    }

    private mutating func comparison() -> SearchComparison? {
        for comparison in [
            SearchComparison.greaterThanOrEqual, .lessThanOrEqual, .equals, .contains, .greaterThan, .lessThan,
        ]
        where self.consume(comparison.rawValue) {
            return comparison
        }
        return nil
    }

    // MARK: Values

    private mutating func value(
        for field: SearchField, comparison: SearchComparison, fieldStart: Int
    ) throws(SearchSyntaxError) -> SearchValue {
        let start = self.index
        let fieldName = self.name(of: field, from: fieldStart)
        let given: SearchValue
        if self.peek == "\"" {
            given = .text(try self.quoted())
        } else if let scalar = self.peek, ("0"..."9").contains(scalar) {
            given = .integer(try self.number())
        } else {
            throw self.failure("expected a value (a string in double quotes, or a number), found \(self.found).")
        }
        func refuse(_ problem: String) -> SearchSyntaxError { SearchSyntaxError(position: start + 1, problem: problem) }
        switch (field.kind, given) {
        case (.numeric, .integer):
            return given
        case (.numeric, .text(let text)):
            guard let number = Self.integer(text) else {
                throw refuse("\(fieldName) takes a whole number, as \(fieldName)>1000.")
            }
            return .integer(number)
        case (.boolean, .text(let text)):
            guard text == "true" || text == "false" else { throw refuse("\(fieldName) takes \"true\" or \"false\".") }
            return .boolean(text == "true")
        case (.token, .text(let text)), (.text, .text(let text)):
            if comparison == .contains, text.unicodeScalars.count < Limits.searchSubstringLengthMin {
                throw refuse("a substring search (~) needs at least \(Limits.searchSubstringLengthMin) characters.")
            }
            if case .metadata = field, text.unicodeScalars.count > Limits.metadataValueLengthMax {
                throw refuse("a metadata value has at most \(Limits.metadataValueLengthMax) characters.")
            }
            return .text(field == .currency ? text.lowercased() : text)
        default:
            throw refuse("\(fieldName) takes a string in double quotes, as \(fieldName):\"value\".")
        }
    }

    /// A quoted string, opened by the quote at the current position; `\` escapes the next character.
    private mutating func quoted() throws(SearchSyntaxError) -> String {
        let open = self.index
        let quote = self.scalars[open]
        self.index += 1
        var text = String.UnicodeScalarView()
        while let scalar = self.peek {
            try self.refuseControl(scalar)
            self.index += 1
            if scalar == quote { return String(text) }
            if scalar == "\\" {
                guard let escaped = self.peek else { break }
                try self.refuseControl(escaped)
                self.index += 1
                text.append(escaped)
            } else {
                text.append(scalar)
            }
        }
        throw SearchSyntaxError(
            position: open + 1, problem: "the string that starts here is never closed; end it with \(quote).")
    }

    /// Digits, at most `searchNumberDigitsMax` of them.
    private mutating func number() throws(SearchSyntaxError) -> Int64 {
        let start = self.index
        while let scalar = self.peek, ("0"..."9").contains(scalar) { self.index += 1 }
        guard let number = Self.integer(self.text(from: start)) else {
            throw SearchSyntaxError(
                position: start + 1, problem: "a number has at most \(Limits.searchNumberDigitsMax) digits.")
        }
        return number
    }

    private static func integer(_ text: String) -> Int64? {
        guard (1...Limits.searchNumberDigitsMax).contains(text.utf8.count),
            text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return Int64(text)
    }

    // MARK: Scanning

    private var atEnd: Bool { self.index >= self.scalars.count }
    private var peek: Unicode.Scalar? { self.atEnd ? nil : self.scalars[self.index] }

    /// What is at the current position, for messages: the character, or the end of the query.
    private var found: String {
        guard let scalar = self.peek else { return "the end of the query" }
        if scalar.value < 0x20 || scalar.value == 0x7F { return "a control character" }
        return "'\(Character(scalar))'"
    }

    private func failure(_ problem: String) -> SearchSyntaxError {
        SearchSyntaxError(position: self.index + 1, problem: problem)
    }

    private mutating func consume(_ expected: String) -> Bool {
        let wanted = Array(expected.unicodeScalars)
        guard self.index + wanted.count <= self.scalars.count,
            Array(self.scalars[self.index..<self.index + wanted.count]) == wanted
        else { return false }
        self.index += wanted.count
        return true
    }

    /// Skips spaces, tabs and line breaks; true if there were any. Other control characters are refused.
    @discardableResult
    private mutating func skipSpaces() throws(SearchSyntaxError) -> Bool {
        let start = self.index
        while let scalar = self.peek, scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
            self.index += 1
        }
        if let scalar = self.peek { try self.refuseControl(scalar) }
        return self.index > start
    }

    /// `AND` or `OR` (any case) followed by a space, consumed with the spaces after it; nil when neither is here.
    private mutating func keyword() throws(SearchSyntaxError) -> SearchQuery.Combination? {
        for (word, combination) in [("and", SearchQuery.Combination.all), ("or", .any)] {
            let end = self.index + word.count
            guard end <= self.scalars.count,
                String(String.UnicodeScalarView(self.scalars[self.index..<end])).lowercased() == word,
                end == self.scalars.count || [" ", "\t", "\n", "\r"].contains(self.scalars[end])
            else { continue }
            self.index = end
            try self.skipSpaces()
            return combination
        }
        return nil
    }

    private func refuseControl(_ scalar: Unicode.Scalar) throws(SearchSyntaxError) {
        if scalar.value < 0x20 || scalar.value == 0x7F {
            throw self.failure(
                "control characters (here U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded)) are not allowed in a query."
            )
        }
    }

    private func text(from start: Int) -> String {
        String(String.UnicodeScalarView(self.scalars[start..<self.index]))
    }

    /// The field as the query spelled it, for messages.
    private func name(of field: SearchField, from start: Int) -> String {
        if case .metadata(let key) = field { return "metadata[\"\(key)\"]" }
        var end = start
        while end < self.scalars.count, Self.isNameCharacter(self.scalars[end]) { end += 1 }
        return String(String.UnicodeScalarView(self.scalars[start..<end]))
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
            || scalar == "."
    }
}

extension String {
    /// Four hex digits at least, as U+ notation writes them.
    fileprivate var leftPadded: String { String(repeating: "0", count: max(0, 4 - self.count)) + self }
}
