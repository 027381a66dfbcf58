import ArgumentParser
import PaymentsAPI
import PaymentsStore

/// `paisa bootstrap`: makes sure a default account exists; the first time, creates it with a test key and prints
/// the key with a ready `curl` line.
struct Bootstrap: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the default account and a first test key, once.")

    static let defaultAccountName = "default"

    @OptionGroup var database: DatabaseOptions

    @Option(name: Settings.port.name, help: "The port the printed curl line uses. [PORT, default 8080]")
    var port: String?

    func run() async throws {
        let logger = try makeLogger(level: "warning")
        let port = try Settings.port.value(self.port)
        let message = try await withDatabase(try self.database.settings(), logger: logger) { client in
            let admin = AccountsAdmin(client: client, logger: logger)
            if let account = try await admin.account(named: Self.defaultAccountName) {
                return "Default account \(account.id) is ready. `make key` prints a fresh test key."
            }
            let account = try await admin.createAccount(
                name: Self.defaultAccountName, defaultVersion: Versioning.newest.text)
            let key = try await admin.createKey(accountID: account.id, kind: .secret, livemode: false)
            return """
                Created the default account \(account.id) and a test key (shown only now; `make key` makes more):

                    \(key.secret)

                Try it:

                    curl http://127.0.0.1:\(port)/v1/account -u \(key.secret):

                """
        }
        print(message)
    }
}
