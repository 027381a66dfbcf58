import NIOCore
import Payments
import PostgresNIO

/// Timestamps travel as PostgreSQL's own binary `timestamptz`: microseconds since 2000-01-01, exactly, with no
/// detour through floating point.
extension Timestamp: PostgresNonThrowingEncodable, PostgresDecodable {
    /// 2000-01-01T00:00:00Z in Unix microseconds: PostgreSQL's epoch.
    static let postgresEpochMicroseconds: Int64 = 946_684_800 * 1_000_000

    public static var psqlType: PostgresDataType { .timestamptz }
    public static var psqlFormat: PostgresFormat { .binary }

    public func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        byteBuffer.writeInteger(self.microseconds - Self.postgresEpochMicroseconds)
    }

    public init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat,
        context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard type == .timestamptz || type == .timestamp, format == .binary else {
            throw PostgresDecodingError.Code.typeMismatch
        }
        guard buffer.readableBytes == 8, let value = buffer.readInteger(as: Int64.self) else {
            throw PostgresDecodingError.Code.failure
        }
        self.init(microseconds: value + Self.postgresEpochMicroseconds)
    }
}
