import Testing

@testable import Payments

@Suite("The search query language, parsed without a database")
struct SearchQueryTests {
    /// The refusal's message, or nil when the query parses.
    static func refusal(_ text: String, _ resource: SearchResource = .charges) -> String? {
        do {
            _ = try SearchQuery.parse(text, for: resource)
            return nil
        } catch {
            guard case .invalidRequest(let code, let message, let param) = error else { return "\(error)" }
            #expect(code == .searchQueryInvalid)
            #expect(param == "query")
            return message
        }
    }

    @Test("exact, numeric, metadata and negated clauses become typed clauses")
    func clauses() throws {
        let query = try SearchQuery.parse(
            #"status:"succeeded" amount>=1000 -currency:"USD" metadata['order id']:"A \"1\"" created<1700000000"#,
            for: .charges)
        #expect(query.combination == .all)
        #expect(
            query.clauses == [
                SearchClause(field: .status, comparison: .equals, value: .text("succeeded")),
                SearchClause(field: .amount, comparison: .greaterThanOrEqual, value: .integer(1000)),
                SearchClause(field: .currency, comparison: .equals, value: .text("usd"), negated: true),
                SearchClause(field: .metadata(key: "order id"), comparison: .equals, value: .text(#"A "1""#)),
                SearchClause(field: .created, comparison: .lessThan, value: .integer(1_700_000_000)),
            ])
        let quotedNumber = try SearchQuery.parse(#"amount:"500""#, for: .paymentIntents)
        #expect(quotedNumber.clauses == [SearchClause(field: .amount, comparison: .equals, value: .integer(500))])
        let refunded = try SearchQuery.parse(
            #"refunded:"true" payment_method_details.card.last4:"4242""#, for: .charges)
        #expect(refunded.clauses.map(\.value) == [.boolean(true), .text("4242")])
        let backslash = try SearchQuery.parse(#"metadata["k"]:"a\\b""#, for: .customers)
        #expect(backslash.clauses.first?.value == .text(#"a\b"#))
    }

    @Test("AND and OR in any case; a space means AND; mixing them is refused at the keyword")
    func combinations() throws {
        #expect(try SearchQuery.parse(#"status:"failed" or status:"pending""#, for: .charges).combination == .any)
        #expect(try SearchQuery.parse(#"status:"failed" AND amount<5"#, for: .charges).combination == .all)
        #expect(try SearchQuery.parse("amount>1\tAnD\namount<9", for: .charges).clauses.count == 2)
        #expect(
            Self.refusal(#"amount>1 OR amount<9 AND status:"x""#)
                == "Search query syntax error at position 22: AND and OR cannot be mixed in one query (a space "
                + "between clauses means AND).")
        #expect(Self.refusal(#"amount>1 amount<9 OR status:"x""#)?.contains("position 19") == true)
        #expect(Self.refusal(#"amount>1 OR"#)?.contains("position 12: expected a clause after OR") == true)
    }

    @Test("syntax errors name their position, counted in characters from 1")
    func positions() {
        #expect(
            Self.refusal(#"status="succeeded""#)
                == "Search query syntax error at position 7: expected an operator (:, ~, >, >=, < or <=) after the "
                + "field, found '='.")
        #expect(
            Self.refusal(#"status:succeeded"#)?.hasPrefix("Search query syntax error at position 8: expected a value")
                == true)
        #expect(
            Self.refusal(#"amount>5 status:"open"#)?.contains(
                "position 17: the string that starts here is never closed") == true)
        #expect(Self.refusal(#"amount>5status:"x""#)?.contains("position 9: expected a space, AND or OR") == true)
        #expect(
            Self.refusal(#"metadata.key:"x""#)?.contains("position 1: charges cannot be searched by 'metadata.key'")
                == true)
        #expect(Self.refusal(#"metadata[key]:"x""#)?.contains("position 10: expected a quoted metadata key") == true)
        #expect(Self.refusal(#"metadata["k":"x""#)?.contains("position 13: expected ] after the metadata key") == true)
        #expect(Self.refusal("")?.contains("position 1: the query is empty") == true)
        #expect(Self.refusal("   ")?.contains("position 4: the query is empty") == true)
        // Positions count characters, not bytes: "é" is one.
        #expect(Self.refusal(#"metadata["é"]:"x" amount"#)?.contains("position 25") == true)
    }

    @Test("fields are checked against the resource, operators and values against the field")
    func fieldTable() {
        #expect(
            Self.refusal(#"email:"a@b.in""#, .charges)?.contains(
                "charges cannot be searched by 'email'. Search by one of: amount, created") == true)
        #expect(
            Self.refusal(#"refunded:"true""#, .paymentIntents)?.contains(
                "PaymentIntents cannot be searched by 'refunded'") == true)
        #expect(
            Self.refusal(#"amount:"x""#, .paymentIntents)?.contains("position 8: amount takes a whole number") == true)
        #expect(Self.refusal(#"status>"a""#)?.contains("position 7: status takes ':', not '>'") == true)
        #expect(Self.refusal(#"amount~"100""#)?.contains("amount takes ':', '>', '>=', '<', '<=', not '~'") == true)
        #expect(Self.refusal(#"currency:1"#)?.contains("currency takes a string in double quotes") == true)
        #expect(Self.refusal(#"refunded:"yes""#)?.contains(#"refunded takes "true" or "false""#) == true)
        #expect(Self.refusal(#"email~"as""#, .customers)?.contains("at least 3 characters") == true)
        #expect(Self.refusal(#"email~"ash""#, .customers) == nil)
        #expect(Self.refusal(#"name:"Asha Rao" OR phone:"+91""#, .customers) == nil)
    }

    @Test("hostile text: limits on length, clauses, numbers and keys; control characters refused")
    func hostileInput() {
        let longest = "name:\"" + String(repeating: "x", count: Limits.searchQueryLengthMax - 7) + "\""
        #expect(longest.unicodeScalars.count == Limits.searchQueryLengthMax)
        #expect(Self.refusal(longest, .customers) == nil)
        #expect(
            Self.refusal(longest + " ", .customers)
                == "Search query syntax error at position 1001: the query is 1001 characters long; at most 1000 are "
                + "allowed.")
        let ten = Array(repeating: "amount>1", count: Limits.searchClausesMax).joined(separator: " ")
        #expect(Self.refusal(ten) == nil)
        #expect(Self.refusal(ten + " amount<5")?.contains("position 91: a query may have at most 10 clauses") == true)
        #expect(Self.refusal("amount>1234567890123")?.contains("at most 12 digits") == true)
        #expect(Self.refusal("created>999999999999") == nil)
        #expect(Self.refusal("status:\"a\u{0}b\"")?.contains("position 10: control characters (here U+0000)") == true)
        #expect(Self.refusal("amount>1 \u{1B}")?.contains("control characters (here U+001B)") == true)
        #expect(Self.refusal(#"status:"x\"#)?.contains("never closed") == true)
        #expect(
            Self.refusal("metadata[\"\(String(repeating: "k", count: 41))\"]:\"v\"")?.contains("1 to 40 characters")
                == true)
        let longValue = String(repeating: "v", count: Limits.metadataValueLengthMax + 1)
        #expect(
            Self.refusal("metadata[\"k\"]:\"\(longValue)\"")?.contains("position 15: a metadata value has at most 500")
                == true)
        #expect(Self.refusal(#"metadata[""]:"v""#)?.contains("1 to 40 characters") == true)
        // SQL-looking text is a value like any other.
        #expect(Self.refusal(#"status:"'; DROP TABLE charges; --""#) == nil)
        #expect(Self.refusal("status:\"x\"; DROP TABLE charges")?.contains("position 11: expected a space") == true)
        #expect(Self.refusal(#"-"#)?.contains("position 2: expected a field name, found the end of the query") == true)
    }

    @Test("page tokens: a position round-trips; anything else, or another resource's, is refused on `page`")
    func pageTokens() throws {
        let position = SearchPosition(created: Timestamp(microseconds: 1_767_225_600_123_456), id: "ch_Abc123")
        let token = position.token
        #expect(token.utf8.allSatisfy { $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") })
        #expect(try SearchPosition.parse(token: token, kind: .charge) == position)
        for bad in [
            "", "!!!!", "a", "%" + token, Base64URL.encode(Array("12:cus_x".utf8)),
            Base64URL.encode(Array("ch_x".utf8)),
        ] {
            #expect(throws: PaymentsError.self) { try SearchPosition.parse(token: bad, kind: .charge) }
        }
        #expect(throws: PaymentsError.self) { try SearchPosition.parse(token: token, kind: .customer) }
        let farFuture = Base64URL.encode(Array("9223372036854775807:ch_x".utf8))
        #expect(throws: PaymentsError.self) { try SearchPosition.parse(token: farFuture, kind: .charge) }
        let beforeEpoch = Base64URL.encode(Array("-5:ch_x".utf8))
        #expect(throws: PaymentsError.self) { try SearchPosition.parse(token: beforeEpoch, kind: .charge) }
        for length in 0..<7 {
            let bytes = Array((0..<length).map { UInt8($0 * 40 + 3) })
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }
}
