import Foundation
import PaisaTestSupport
import Payments
import Testing

@Suite("The rest of a charge: shipping, statement descriptor suffix, transfer group")
struct ChargeDetailsTests {
    static let shipping: [(String, String)] = [
        ("shipping[name]", "Asha%20Rao"), ("shipping[phone]", "%2B919800000001"),
        ("shipping[carrier]", "India%20Post"), ("shipping[tracking_number]", "EE123456789IN"),
        ("shipping[address][line1]", "1%20MG%20Road"), ("shipping[address][city]", "Pune"),
        ("shipping[address][postal_code]", "411001"), ("shipping[address][country]", "IN"),
    ]

    @Test("stored, returned in Stripe's shape, read back, and carried by the charge's event")
    func storedAndReturned() async throws {
        let (_, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let charge = try await paisa.charge(
                key: key,
                extra: Self.shipping + [("statement_descriptor_suffix", "ORDER%2042"), ("transfer_group", "order_42")])
            #expect(charge.status == 200, "\(charge.text)")
            for reply in [charge, try await paisa.send(.get, "/v1/charges/\(charge.id)", key: key)] {
                let shipping = try #require(reply.json["shipping"] as? [String: Any])
                #expect(shipping["name"] as? String == "Asha Rao")
                #expect(shipping["phone"] as? String == "+919800000001")
                #expect(shipping["tracking_number"] as? String == "EE123456789IN")
                let address = try #require(shipping["address"] as? [String: Any])
                #expect(address["line1"] as? String == "1 MG Road")
                #expect(address["postal_code"] as? String == "411001")
                #expect(address["line2"] is NSNull)
                #expect(reply.string("statement_descriptor_suffix") == "ORDER 42")
                #expect(reply.string("transfer_group") == "order_42")
            }
            let plain = try await paisa.charge(key: key)
            #expect(plain.json["shipping"] is NSNull)
            #expect(plain.json["transfer_group"] is NSNull)

            let events = try await EventTests.events(paisa, key: key, query: "&type=charge.succeeded")
            let object = EventTests.object(try #require(events.first))
            #expect((object["shipping"] as? [String: Any])?["name"] as? String == "Asha Rao")
            #expect(object["transfer_group"] as? String == "order_42")

            // The same in a JSON body.
            let json = try await paisa.send(
                .post, "/v1/charges", key: key,
                json: #"""
                    {"amount": 2000, "currency": "inr", "source": "tok_visa", "transfer_group": "g",
                     "shipping": {"name": "Ravi", "address": {"line1": "2 FC Road", "state": "MH"}}}
                    """#)
            #expect(json.status == 200)
            #expect(
                ((json.json["shipping"] as? [String: Any])?["address"] as? [String: Any])?["state"] as? String == "MH")
        }
    }

    @Test("refused before the processor is asked, naming the parameter as it was written")
    func refusals() async throws {
        let (account, key) = try await TestDatabase.account()
        try await Paisa.with { paisa in
            let cases: [([(String, String)], String, String)] = [
                ([("shipping[address][line1]", "x")], "shipping[name]", "parameter_missing"),
                ([("shipping[name]", "Asha")], "shipping[address]", "parameter_missing"),
                (
                    [("shipping[name]", "Asha"), ("shipping[address][city]", "Pune")], "shipping[address][line1]",
                    "parameter_missing"
                ),
                (Self.shipping + [("shipping[gift]", "yes")], "shipping[gift]", "parameter_unknown"),
                (
                    Self.shipping + [("shipping[address][landmark]", "temple")], "shipping[address][landmark]",
                    "parameter_unknown"
                ),
                ([("shipping", "Asha")], "shipping", "parameter_invalid_string"),
                (
                    [("shipping[name]", String(repeating: "n", count: Limits.shippingFieldLengthMax + 1))]
                        + [("shipping[address][line1]", "x")],
                    "shipping[name]", "parameter_invalid_string_length"
                ),
                ([("statement_descriptor_suffix", "BAD*")], "statement_descriptor_suffix", "parameter_invalid_string"),
                ([("statement_descriptor_suffix", "1234")], "statement_descriptor_suffix", "parameter_invalid_string"),
                (
                    [("transfer_group", String(repeating: "g", count: Limits.transferGroupLengthMax + 1))],
                    "transfer_group", "parameter_invalid_string_length"
                ),
            ]
            for (extra, param, code) in cases {
                let reply = try await paisa.charge(key: key, idempotencyKey: freshKey(), extra: extra)
                #expect(reply.status == 400, "\(extra)")
                #expect(reply.error["param"] as? String == param, "\(extra)")
                #expect(reply.error["code"] as? String == code, "\(extra)")
            }
            #expect(try await Ledger.processorRecords(account: account.id) == 0)
            let shortest = try await paisa.charge(key: key, extra: [("statement_descriptor_suffix", "A")])
            #expect(shortest.status == 200)
        }
    }
}
