/// One account in one mode: the unit of isolation. Test objects are invisible to live keys and the reverse.
public struct Scope: Hashable, Sendable {
    public let accountID: String
    public let livemode: Bool

    public init(accountID: String, livemode: Bool) {
        self.accountID = accountID
        self.livemode = livemode
    }
}
