import Foundation
import HTTPTypes

/// Checks responses against `docs/openapi.json`: finds the operation for a method and a concrete path, picks the
/// response the document declares for the status, and validates the JSON body against its schema. The document is
/// read once; validation is a pure function of it, so any number of tests may call it at once.
///
/// It understands the part of JSON Schema 2020-12 the document uses: `type` (a name or a list of names), `enum`,
/// `const`, `properties`, `required`, `additionalProperties`, `items`, `minItems`, `maxItems`, `minimum`, `maximum`,
/// `minLength`, `maxLength`, `$ref` (to anywhere in the document), `oneOf` and `anyOf`. `integer` means a number
/// written without a fraction or exponent: Paisa never writes amounts any other way.
enum OpenAPIValidator {
    /// Where the document lives: `docs/openapi.json` of the checkout this file is in.
    static let documentPath: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("docs/openapi.json").path
    }()

    /// The document, parsed once; a failure to read it is reported by every validation.
    static let document: Result<Document, Document.LoadError> = Document.load(Self.documentPath)

    /// The problems of one response, empty when it is what the document says. `path` may carry a query string.
    static func validate(method: HTTPRequest.Method, path: String, status: Int, body: [UInt8]) -> [String] {
        Self.validate(method: method.rawValue, path: path, status: status, body: body)
    }

    /// The problems of one response, empty when it is what the document says. `path` may carry a query string.
    static func validate(method: String, path: String, status: Int, body: [UInt8]) -> [String] {
        let document: Document
        switch Self.document {
        case .success(let loaded): document = loaded
        case .failure(let error): return ["\(error)"]
        }
        let concrete = String(path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
        let label = "\(method.uppercased()) \(concrete) → \(status)"
        let responses: JSON
        if let operation = document.operation(method: method, path: concrete) {
            responses = operation.responses
        } else if let unmatched = document.unmatchedResponses, Self.response(in: unmatched, status, document) != nil {
            // Paths and methods the document does not name are still answered: 404, 405, 413 or 503.
            responses = unmatched
        } else {
            return ["\(label): the document describes no operation \(method.uppercased()) \(concrete)"]
        }
        guard let response = Self.response(in: responses, status, document) else {
            return ["\(label): the document declares no response \(status) (and no default) for this operation"]
        }
        guard let schema = response["content"]?["application/json"]?["schema"] else {
            // Text responses (metrics, the HTML error reference) have no JSON to check.
            return []
        }
        // HTTP answers HEAD without a body.
        if body.isEmpty, method.uppercased() == "HEAD" { return [] }
        let value: JSON
        do {
            value = try JSON.parse(body)
        } catch {
            return ["\(label): the body is not JSON (\(error)): \(String(decoding: body.prefix(200), as: UTF8.self))"]
        }
        return document.problems(of: value, against: schema).map { "\(label): \($0)" }
    }

    /// The response object for a status: exact (`402`), then a range (`4XX`), then `default`; `$ref`s followed.
    private static func response(in responses: JSON, _ status: Int, _ document: Document) -> JSON? {
        let range = "\(status / 100)XX"
        for name in [String(status), range, "default"] {
            if let found = responses[name] { return document.resolved(found) }
        }
        return nil
    }

    /// Schema keywords the document uses in response schemas that this validator does not check (it would
    /// silently accept anything there); the tests assert there are none.
    static func unsupportedKeywords() -> [String] {
        guard case .success(let document) = Self.document else { return [] }
        return document.unsupportedKeywords()
    }
}

extension OpenAPIValidator {
    /// `docs/openapi.json`, parsed, with its operations indexed by method and path template.
    struct Document: Sendable {
        typealias JSON = OpenAPIValidator.JSON

        /// Why the document could not be used.
        struct LoadError: Error, CustomStringConvertible {
            let description: String
        }

        /// One operation: `get` `/v1/charges/{id}`, split into segments for matching.
        struct Operation: Sendable {
            let method: String
            let template: String
            let segments: [Substring]
            let requestBody: JSON?
            let responses: JSON
            /// `security: []`: served without a key, outside the route table.
            let isPublic: Bool
        }

        let root: JSON
        /// Every operation, literal paths before templated ones so `/v1/x/literal` wins over `/v1/x/{id}`.
        let operations: [Operation]
        /// `x-paisa-unmatched-responses`: what any path may answer before routing.
        let unmatchedResponses: JSON?

        static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

        static func load(_ path: String) -> Result<Document, LoadError> {
            guard let data = FileManager.default.contents(atPath: path) else {
                return .failure(LoadError(description: "docs/openapi.json could not be read at \(path)"))
            }
            do {
                return .success(Document(root: try JSON.parse(Array(data))))
            } catch {
                return .failure(LoadError(description: "docs/openapi.json is not valid JSON: \(error)"))
            }
        }

        init(root: JSON) {
            self.root = root
            var operations: [Operation] = []
            for (template, item) in root["paths"]?.objectValue ?? [:] {
                for method in Self.methods {
                    guard let operation = item[method] else { continue }
                    let security = operation["security"] ?? root["security"]
                    operations.append(
                        Operation(
                            method: method, template: template,
                            segments: template.split(separator: "/", omittingEmptySubsequences: true),
                            requestBody: operation["requestBody"], responses: operation["responses"] ?? .object([:]),
                            isPublic: security == .array([])))
                }
            }
            func templated(_ operation: Operation) -> Int { operation.segments.filter { $0.hasPrefix("{") }.count }
            self.operations = operations.sorted { (templated($0), $0.template) < (templated($1), $1.template) }
            self.unmatchedResponses = root["x-paisa-unmatched-responses"]
        }

        /// The operation for a method and a concrete path (`/v1/charges/ch_123`), as OpenAPI and the server's router
        /// match: the path's most literal template owns it under every method (`/v1/charges/search` is never
        /// `/v1/charges/{id}`), so a method it does not take has no operation.
        func operation(method: String, path: String) -> Operation? {
            let segments = path.split(separator: "/", omittingEmptySubsequences: true)
            let method = method.lowercased()
            // Literal paths come first in `operations`.
            let owner = self.operations.first { operation in
                operation.segments.count == segments.count
                    && zip(operation.segments, segments).allSatisfy { template, actual in
                        template.hasPrefix("{") && template.hasSuffix("}") ? !actual.isEmpty : template == actual
                    }
            }
            guard let owner else { return nil }
            return self.operations.first { $0.template == owner.template && $0.method == method }
        }

        /// Follows `$ref`s until a value that is not a bare reference.
        func resolved(_ value: JSON) -> JSON? {
            var current = value
            for _ in 0..<16 {
                guard case .string(let reference)? = current["$ref"] else { return current }
                guard let target = self.pointer(reference) else { return nil }
                current = target
            }
            return nil
        }

        /// The value a local reference (`#/components/schemas/charge`) points at.
        func pointer(_ reference: String) -> JSON? {
            guard reference.hasPrefix("#/") else { return nil }
            var current: JSON? = self.root
            for token in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
                let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                if case .array(let items)? = current, let index = Int(key) {
                    current = items.indices.contains(index) ? items[index] : nil
                } else {
                    current = current?[key]
                }
            }
            return current
        }
    }
}

extension OpenAPIValidator.Document {
    /// Keywords that only describe; they constrain nothing.
    static let annotations: Set<String> = [
        "description", "title", "summary", "examples", "example", "default", "deprecated", "readOnly", "writeOnly",
        "format", "$comment",
    ]
    /// Keywords `problems(of:against:)` checks.
    static let assertions: Set<String> = [
        "$ref", "type", "enum", "const", "properties", "required", "additionalProperties", "items", "minItems",
        "maxItems", "minimum", "maximum", "minLength", "maxLength", "oneOf", "anyOf",
    ]

    /// Every way `value` breaks `schema`, each as `$.data[0].amount: what is wrong`.
    func problems(of value: JSON, against schema: JSON, at location: String = "$", depth: Int = 0) -> [String] {
        guard depth < 64 else { return ["\(location): the schema nests deeper than 64 levels (a $ref cycle?)"] }
        var problems: [String] = []
        if case .string(let reference)? = schema["$ref"] {
            guard let target = self.pointer(reference) else { return ["\(location): the document has no \(reference)"] }
            problems += self.problems(of: value, against: target, at: location, depth: depth + 1)
        }
        if let type = schema["type"] {
            let allowed = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue ?? ""]
            guard allowed.contains(where: value.hasType) else {
                return problems + ["\(location): expected \(allowed.joined(separator: " or ")), found \(value.summary)"]
            }
        }
        if let choices = schema["enum"]?.arrayValue, !choices.contains(value) {
            problems.append(
                "\(location): \(value.summary) is not one of \(choices.map(\.summary).joined(separator: ", "))")
        }
        if let constant = schema["const"], constant != value {
            problems.append("\(location): expected \(constant.summary), found \(value.summary)")
        }
        problems += self.numberAndLengthProblems(of: value, against: schema, at: location)
        if case .object(let fields) = value {
            problems += self.objectProblems(fields, against: schema, at: location, depth: depth)
        }
        if case .array(let items) = value, let itemSchema = schema["items"] {
            for (index, item) in items.enumerated() {
                problems += self.problems(of: item, against: itemSchema, at: "\(location)[\(index)]", depth: depth + 1)
            }
        }
        problems += self.alternativeProblems(of: value, against: schema, at: location, depth: depth)
        return problems
    }

    private func objectProblems(
        _ fields: [String: JSON], against schema: JSON, at location: String, depth: Int
    )
        -> [String]
    {
        var problems: [String] = []
        let properties = schema["properties"]?.objectValue ?? [:]
        for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where fields[name] == nil {
            problems.append("\(location): required property \"\(name)\" is missing")
        }
        for name in fields.keys.sorted() {
            let field = fields[name]!
            if let propertySchema = properties[name] {
                problems += self.problems(
                    of: field, against: propertySchema, at: "\(location).\(name)", depth: depth + 1)
            } else if let additional = schema["additionalProperties"] {
                if additional == .bool(false) {
                    problems.append(
                        "\(location): property \"\(name)\" is not in the schema (additionalProperties is false)")
                } else if additional != .bool(true) {
                    problems += self.problems(
                        of: field, against: additional, at: "\(location).\(name)", depth: depth + 1)
                }
            }
        }
        return problems
    }

    private func numberAndLengthProblems(of value: JSON, against schema: JSON, at location: String) -> [String] {
        var problems: [String] = []
        if let number = value.numberValue {
            if let minimum = schema["minimum"]?.numberValue, number < minimum {
                problems.append("\(location): \(value.summary) is less than the minimum \(minimum)")
            }
            if let maximum = schema["maximum"]?.numberValue, number > maximum {
                problems.append("\(location): \(value.summary) is more than the maximum \(maximum)")
            }
        }
        if case .string(let text) = value {
            if let minimum = schema["minLength"]?.numberValue, Double(text.count) < minimum {
                problems.append("\(location): \(value.summary) is shorter than \(Int(minimum)) characters")
            }
            if let maximum = schema["maxLength"]?.numberValue, Double(text.count) > maximum {
                problems.append("\(location): a string of \(text.count) characters is longer than \(Int(maximum))")
            }
        }
        if case .array(let items) = value {
            if let minimum = schema["minItems"]?.numberValue, Double(items.count) < minimum {
                problems.append("\(location): \(items.count) items, fewer than \(Int(minimum))")
            }
            if let maximum = schema["maxItems"]?.numberValue, Double(items.count) > maximum {
                problems.append("\(location): \(items.count) items, more than \(Int(maximum))")
            }
        }
        return problems
    }

    /// `anyOf`: at least one alternative fits; `oneOf`: exactly one. When none fits, the closest one's problems.
    private func alternativeProblems(of value: JSON, against schema: JSON, at location: String, depth: Int) -> [String]
    {
        var problems: [String] = []
        for keyword in ["anyOf", "oneOf"] {
            guard let alternatives = schema[keyword]?.arrayValue else { continue }
            let results = alternatives.map { self.problems(of: value, against: $0, at: location, depth: depth + 1) }
            let fitting = results.filter(\.isEmpty).count
            if fitting == 0 {
                // The closest alternative is one of the value's type with the fewest problems: "expected string,
                // found object" says less than what is wrong inside the object.
                let ranked = zip(alternatives, results).map { (self.typeFits(value, $0) ? 0 : 1, $1) }
                let closest = ranked.min { ($0.0, $0.1.count) < ($1.0, $1.1.count) }?.1 ?? []
                problems.append(
                    "\(location): \(value.summary) matches none of the \(keyword) alternatives; the closest says:")
                problems += closest.map { "  " + $0 }
            } else if keyword == "oneOf", fitting > 1 {
                problems.append("\(location): \(value.summary) matches \(fitting) oneOf alternatives, not exactly one")
            }
        }
        return problems
    }

    /// Whether a schema (after its `$ref`s) admits the value's type; true when it names no type.
    private func typeFits(_ value: JSON, _ schema: JSON) -> Bool {
        guard let resolved = self.resolved(schema), let type = resolved["type"] else { return true }
        let allowed = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue ?? ""]
        return allowed.contains(where: value.hasType)
    }

    /// Keywords in the response schemas (and the schemas they reference) that `problems(of:against:)` ignores.
    func unsupportedKeywords() -> [String] {
        var found: Set<String> = []
        var seen: Set<String> = []
        func walk(_ schema: JSON, _ location: String) {
            if case .string(let reference)? = schema["$ref"] {
                if seen.insert(reference).inserted, let target = self.pointer(reference) { walk(target, reference) }
            }
            for (keyword, value) in schema.objectValue ?? [:] {
                if !Self.assertions.contains(keyword), !Self.annotations.contains(keyword) {
                    found.insert("\(location): \(keyword)")
                }
                switch keyword {
                case "properties": for (name, child) in value.objectValue ?? [:] { walk(child, "\(location)/\(name)") }
                case "items", "additionalProperties": walk(value, "\(location)/\(keyword)")
                case "anyOf", "oneOf": for child in value.arrayValue ?? [] { walk(child, "\(location)/\(keyword)") }
                default: break
                }
            }
        }
        for operation in self.operations {
            for (status, response) in operation.responses.objectValue ?? [:] {
                guard let schema = self.resolved(response)?["content"]?["application/json"]?["schema"] else { continue }
                walk(schema, "\(operation.method) \(operation.template) \(status)")
            }
        }
        return found.sorted()
    }
}

extension OpenAPIValidator {
    /// A JSON value as the validator reads it. Integers (no fraction, no exponent) are kept apart from other numbers,
    /// so a schema's `integer` can refuse `20.0`.
    indirect enum JSON: Equatable, Sendable {
        case null
        case bool(Bool)
        case integer(Int64)
        case number(Double)
        case string(String)
        case array([JSON])
        case object([String: JSON])

        subscript(key: String) -> JSON? {
            if case .object(let fields) = self { return fields[key] }
            return nil
        }

        var objectValue: [String: JSON]? {
            if case .object(let fields) = self { return fields }
            return nil
        }

        var arrayValue: [JSON]? {
            if case .array(let items) = self { return items }
            return nil
        }

        var stringValue: String? {
            if case .string(let text) = self { return text }
            return nil
        }

        var numberValue: Double? {
            switch self {
            case .integer(let value): Double(value)
            case .number(let value): value
            default: nil
            }
        }

        /// Whether the value is of a JSON Schema type.
        func hasType(_ name: String) -> Bool {
            switch (name, self) {
            case ("null", .null), ("boolean", .bool), ("integer", .integer), ("number", .integer), ("number", .number),
                ("string", .string), ("array", .array), ("object", .object):
                true
            default:
                false
            }
        }

        /// The value, short, for messages: `string "abc"`, `integer 12`, `object`.
        var summary: String {
            switch self {
            case .null: "null"
            case .bool(let value): "boolean \(value)"
            case .integer(let value): "integer \(value)"
            case .number(let value): "number \(value)"
            case .string(let value): "string \"\(value.count > 60 ? value.prefix(60) + "…" : value)\""
            case .array(let items): "array of \(items.count)"
            case .object: "object"
            }
        }

        /// Text that is not JSON.
        struct ParseError: Error, CustomStringConvertible {
            let reason: String
            var description: String { self.reason }
        }

        /// Parses one JSON text with Foundation's reader, keeping its integers apart from its other numbers (the
        /// reader boxes `20` as an integer and `20.0` as a double). Foundation accepts a trailing comma and repeated
        /// names, which the validator therefore does not report; the SDK suite's strict reader sees the same bodies.
        static func parse(_ bytes: [UInt8]) throws(ParseError) -> JSON {
            let value: Any
            do {
                value = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            } catch {
                throw ParseError(reason: "not JSON: \(error.localizedDescription)")
            }
            return try JSON(reading: value)
        }

        private init(reading value: Any) throws(ParseError) {
            switch value {
            case is NSNull:
                self = .null
            case let text as String:
                self = .string(text)
            case let number as NSNumber:
                // The type encoding says what the reader saw: `c` a boolean, `d` a number with a fraction or exponent.
                switch String(cString: number.objCType) {
                case "c": self = .bool(number.boolValue)
                case "d", "f": self = .number(number.doubleValue)
                default: self = .integer(number.int64Value)
                }
            case let items as [Any]:
                var read: [JSON] = []
                for item in items { read.append(try JSON(reading: item)) }
                self = .array(read)
            case let fields as [String: Any]:
                var read: [String: JSON] = [:]
                for (name, field) in fields { read[name] = try JSON(reading: field) }
                self = .object(read)
            default:
                throw ParseError(reason: "an unexpected \(type(of: value)) from the JSON reader")
            }
        }
    }
}
