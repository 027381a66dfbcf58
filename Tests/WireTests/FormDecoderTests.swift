import Payments
import Testing

@testable import PaymentsAPI

@Suite("Form and query decoding")
struct FormDecoderTests {
    private func decode(_ text: String) throws -> [String: ParameterValue] {
        try FormDecoder.decode(Substring(text)).values
    }

    private func refusal(_ text: String) -> PaymentsError? {
        do {
            _ = try FormDecoder.decode(Substring(text))
            return nil
        } catch {
            return error
        }
    }

    private func code(of error: PaymentsError?) -> String? {
        if case .invalidRequest(let code, _, _)? = error { return code.rawValue }
        return nil
    }

    @Test("metadata is key-value pairs or empty: a list of values (form or JSON) is refused, naming metadata")
    func metadataList() throws {
        for parameters in [
            try FormDecoder.decode("metadata[]=a"), try JSONBodyDecoder.decode(Array(#"{"metadata": [null]}"#.utf8)),
        ] {
            let reader = try ParameterReader(parameters, allowed: ["metadata"])
            do {
                _ = try reader.metadata()
                Issue.record("a list was taken as metadata")
            } catch {
                #expect(self.code(of: error) == "parameter_invalid_string")
                if case .invalidRequest(_, _, let param) = error { #expect(param == "metadata") }
            }
        }
        let pairs = try ParameterReader(try FormDecoder.decode("metadata[0]=x&metadata[k]="), allowed: ["metadata"])
        #expect(try pairs.metadata() == .set(["0": "x", "k": ""]))
    }

    @Test("nested brackets build maps")
    func nested() throws {
        let values = try self.decode("metadata[order_id]=6735&metadata[customer]=asha")
        #expect(values["metadata"] == .map(["order_id": .string("6735"), "customer": .string("asha")]))
        // A bracket stays a bracket when a combining mark or an emoji modifier follows it.
        let marked = try self.decode("metadata[%F0%9F%8F%BBx]=1&metadata[%CC%81]=2")
        #expect(marked["metadata"] == .map(["\u{1F3FB}x": .string("1"), "\u{301}": .string("2")]))
    }

    @Test("indexed and empty-bracket lists decode to the same canonical parameters")
    func indexedAndAppended() throws {
        let indexed = try FormDecoder.decode("expand[0]=customer&expand[1]=balance_transaction")
        let appended = try FormDecoder.decode("expand[]=customer&expand[]=balance_transaction")
        #expect(appended.values["expand"] == .list([.string("customer"), .string("balance_transaction")]))
        #expect(indexed.canonical == appended.canonical)
        #expect(indexed.values["expand"]?.asList == appended.values["expand"]?.asList)
    }

    @Test("percent-encoded brackets and plus signs decode as in a query string")
    func percentEncoded() throws {
        let values = try self.decode("expand%5B0%5D=data.customer&description=two+words%21")
        #expect(values["expand"]?.asList == [.string("data.customer")])
        #expect(values["description"] == .string("two words!"))
    }

    @Test("empty values stay empty strings, so they can unset")
    func emptyValues() throws {
        let values = try self.decode("description=&metadata[a]=&flag")
        #expect(values["description"] == .string(""))
        #expect(values["metadata"] == .map(["a": .string("")]))
        #expect(values["flag"] == .string(""))
    }

    @Test("a name given twice is refused, not silently overwritten")
    func repeatedKeys() {
        #expect(self.code(of: self.refusal("amount=100&amount=100000")) == "parameter_duplicate")
        #expect(self.code(of: self.refusal("a=1&a[b]=2")) == "parameter_duplicate")
        #expect(self.code(of: self.refusal("a[b]=1&a=2")) == "parameter_duplicate")
        #expect(self.code(of: self.refusal("a[0]=x&a[]=y")) == "parameter_duplicate")
        #expect(self.code(of: self.refusal("metadata[k]=1&metadata[k]=2")) == "parameter_duplicate")
    }

    @Test("broken percent-encoding and non-UTF-8 bytes are refused with an error object")
    func invalidEncoding() {
        #expect(self.code(of: self.refusal("a=%zz")) == "parameter_invalid_encoding")
        #expect(self.code(of: self.refusal("a=%4")) == "parameter_invalid_encoding")
        #expect(self.code(of: self.refusal("a=%ff%fe")) == "parameter_invalid_encoding")
    }

    @Test("malformed bracket names are refused")
    func malformedNames() {
        #expect(self.code(of: self.refusal("a[b=1")) == "parameter_invalid_name")
        #expect(self.code(of: self.refusal("[b]=1")) == "parameter_invalid_name")
        #expect(self.code(of: self.refusal("a[b]c=1")) == "parameter_invalid_name")
        #expect(self.code(of: self.refusal("a[][b]=1")) == "parameter_invalid_name")
        // A pair without a name is refused, not dropped unseen.
        #expect(self.code(of: self.refusal("=1")) == "parameter_invalid_name")
        #expect(self.code(of: self.refusal("a=1&=")) == "parameter_invalid_name")
    }

    @Test("nesting deeper than the limit, and too many parameters, are refused")
    func limits() {
        let deep = "a" + String(repeating: "[x]", count: Limits.parameterDepthMax) + "=1"
        #expect(self.code(of: self.refusal(deep)) == "parameter_limit_exceeded")
        let many = (0...Limits.parameterCountMax).map { "p\($0)=1" }.joined(separator: "&")
        #expect(self.code(of: self.refusal(many)) == "parameter_limit_exceeded")
        let allowed = "a" + String(repeating: "[x]", count: Limits.parameterDepthMax - 1) + "=1"
        #expect(self.refusal(allowed) == nil)
    }

    @Test("canonical form ignores parameter order and encoding")
    func canonicalOrder() throws {
        let first = try FormDecoder.decode("amount=2000&currency=inr&metadata[b]=2&metadata[a]=1")
        let second = try FormDecoder.decode("metadata%5Ba%5D=1&currency=inr&metadata[b]=2&amount=2000")
        #expect(first.canonical == second.canonical)
        let json = try JSONBodyDecoder.decode(
            Array(#"{"metadata":{"a":"1","b":"2"},"amount":2000,"currency":"inr"}"#.utf8))
        #expect(json.canonical == first.canonical)
    }

    @Test("JSON bodies: numbers and booleans read as their text, null as empty, non-objects refused")
    func jsonBodies() throws {
        let values = try JSONBodyDecoder.decode(Array(#"{"amount":2000,"capture":false,"description":null}"#.utf8))
            .values
        #expect(values["amount"] == .string("2000"))
        #expect(values["capture"] == .string("false"))
        #expect(values["description"] == .string(""))
        #expect(throws: PaymentsError.self) { try JSONBodyDecoder.decode(Array("[1,2]".utf8)) }
        #expect(throws: PaymentsError.self) { try JSONBodyDecoder.decode(Array("{\"a\":".utf8)) }
    }
}
