import Synchronization

/// Who a request turned out to be from, known once its key is authenticated, for the line that logs its answer.
/// The request's handling may finish in a task of its own (the deadline race), hence a lock rather than a variable.
final class Caller: Sendable {
    private let account = Mutex<String?>(nil)

    /// The authenticated account (`acct_…`), nil before authentication or when it failed.
    var accountID: String? {
        get { self.account.withLock { $0 } }
        set { self.account.withLock { $0 = newValue } }
    }
}
