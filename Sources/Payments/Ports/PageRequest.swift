/// Which page of a list to read: newest first, at most `limit` items, after or before a cursor object,
/// optionally within a range of creation times.
public struct PageRequest: Sendable, Equatable {
    /// A cursor: the id of an object on the previous page.
    public enum Cursor: Sendable, Equatable {
        /// Items older than this one (the next page).
        case startingAfter(String)
        /// Items newer than this one (the previous page).
        case endingBefore(String)
    }

    public let limit: Int
    public let cursor: Cursor?
    public let created: CreatedRange

    public init(limit: Int, cursor: Cursor?, created: CreatedRange = CreatedRange()) {
        precondition((1...Limits.listLimitMax).contains(limit), "page sizes are validated before the store")
        self.limit = limit
        self.cursor = cursor
        self.created = created
    }
}
