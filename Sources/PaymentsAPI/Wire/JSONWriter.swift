/// Serializes `JSONValue`s as Stripe does: two-space indentation, `"key": value`, UTF-8.
public enum JSONWriter {
    /// The bytes of a value, with a trailing newline.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(1024)
        self.write(value, indent: 0, into: &output)
        output.append(UInt8(ascii: "\n"))
        return output
    }

    private static func write(_ value: JSONValue, indent: Int, into output: inout [UInt8]) {
        switch value {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let flag):
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number):
            output.append(contentsOf: String(number).utf8)
        case .string(let text):
            self.writeString(text, into: &output)
        case .array(let items):
            guard !items.isEmpty else {
                output.append(contentsOf: "[]".utf8)
                return
            }
            output.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                output.append(contentsOf: index == 0 ? "\n".utf8 : ",\n".utf8)
                self.pad(indent + 2, into: &output)
                self.write(item, indent: indent + 2, into: &output)
            }
            output.append(UInt8(ascii: "\n"))
            self.pad(indent, into: &output)
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            guard !object.fields.isEmpty else {
                output.append(contentsOf: "{}".utf8)
                return
            }
            output.append(UInt8(ascii: "{"))
            for (index, field) in object.fields.enumerated() {
                output.append(contentsOf: index == 0 ? "\n".utf8 : ",\n".utf8)
                self.pad(indent + 2, into: &output)
                self.writeString(field.key, into: &output)
                output.append(contentsOf: ": ".utf8)
                self.write(field.value, indent: indent + 2, into: &output)
            }
            output.append(UInt8(ascii: "\n"))
            self.pad(indent, into: &output)
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func pad(_ count: Int, into output: inout [UInt8]) {
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: "\\\\".utf8)
            case 0x0A: output.append(contentsOf: "\\n".utf8)
            case 0x0D: output.append(contentsOf: "\\r".utf8)
            case 0x09: output.append(contentsOf: "\\t".utf8)
            case 0x00..<0x20:
                output.append(contentsOf: "\\u00".utf8)
                output.append(self.hexDigits[Int(byte >> 4)])
                output.append(self.hexDigits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
