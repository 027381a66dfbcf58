import Payments

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Decodes `application/json` bodies into the same `Parameters` a form body gives: numbers and booleans become
/// their text (`2000`, `true`), `null` becomes the empty string (which unsets, as in forms).
public enum JSONBodyDecoder {
    /// Decodes a body that must be one JSON object.
    public static func decode(_ bytes: [UInt8]) throws(PaymentsError) -> Parameters {
        let node: Node
        do {
            node = try JSONDecoder().decode(Node.self, from: Data(bytes))
        } catch {
            throw ParameterProblems.encoding("the body is not valid JSON. Send one JSON object, or a form body.")
        }
        guard case .map(let values) = node.value else {
            throw ParameterProblems.encoding("a JSON body must be an object of parameters.")
        }
        var count = 0
        try Self.check(node.value, name: "", depth: 0, count: &count)
        return Parameters(values)
    }

    /// Enforces the same bounds as form bodies: depth, number of values, sizes.
    private static func check(
        _ value: ParameterValue, name: String, depth: Int, count: inout Int
    ) throws(PaymentsError) {
        guard depth <= Limits.parameterDepthMax else { throw ParameterProblems.tooMany() }
        switch value {
        case .string(let text):
            count += 1
            guard count <= Limits.parameterCountMax, text.utf8.count <= Limits.parameterValueLengthMax else {
                throw ParameterProblems.tooMany()
            }
            try ParameterProblems.refuseNUL(name: name, value: text)
        case .list(let items):
            for (index, item) in items.enumerated() {
                try Self.check(item, name: "\(name)[\(index)]", depth: depth + 1, count: &count)
            }
        case .map(let map):
            for (key, item) in map {
                guard key.utf8.count <= Limits.parameterNameLengthMax else { throw ParameterProblems.tooMany() }
                let child = name.isEmpty ? key : "\(name)[\(key)]"
                try ParameterProblems.refuseNUL(name: child, value: "")
                try Self.check(item, name: child, depth: depth + 1, count: &count)
            }
        }
    }

    /// Any JSON value, decoded into a parameter value.
    private struct Node: Decodable {
        let value: ParameterValue

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            if let keyed = try? decoder.container(keyedBy: Key.self) {
                var map: [String: ParameterValue] = [:]
                for key in keyed.allKeys { map[key.stringValue] = try keyed.decode(Node.self, forKey: key).value }
                self.value = .map(map)
                return
            }
            if var unkeyed = try? decoder.unkeyedContainer() {
                var items: [ParameterValue] = []
                while !unkeyed.isAtEnd { items.append(try unkeyed.decode(Node.self).value) }
                self.value = .list(items)
                return
            }
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                self.value = .string("")
            } else if let flag = try? single.decode(Bool.self) {
                self.value = .string(flag ? "true" : "false")
            } else if let integer = try? single.decode(Int64.self) {
                self.value = .string(String(integer))
            } else if let number = try? single.decode(Double.self) {
                self.value = .string(String(number))
            } else {
                self.value = .string(try single.decode(String.self))
            }
        }
    }
}
