import ArgumentParser
import Payments
import PaymentsStore

/// `paisa keys …`: create, list and revoke API keys.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list and revoke API keys.", subcommands: [Create.self, List.self, Revoke.self])

    /// The account a key command acts on: an id, or the default account `paisa bootstrap` made.
    struct AccountOption: ParsableArguments {
        @Option(name: Settings.account.name, help: Settings.account.help)
        var account: String?

        func resolve(_ admin: AccountsAdmin) async throws -> String {
            if let account = try Settings.account.optionalValue(self.account) { return account }
            guard let account = try await admin.account(named: Bootstrap.defaultAccountName) else {
                throw CommandProblem("No --account given and no default account yet: run `paisa bootstrap` first.")
            }
            return account.id
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and print it, alone, on standard output. It is shown only this once.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption

        @Flag(help: "A live-mode key (default: test mode).")
        var live = false

        @Flag(help: "A restricted key (rk_…) limited to --permission.")
        var restricted = false

        @Option(
            name: .customLong("permission"), help: "resource:level for restricted keys, repeatable (charges:write).")
        var permissions: [String] = []

        func validate() throws {
            guard self.restricted || self.permissions.isEmpty else {
                throw ValidationError("--permission goes with --restricted: secret keys may do everything.")
            }
            if let bad = self.permissions.first(where: { Permission($0) == nil }) {
                throw ValidationError(
                    "Unknown permission '\(bad)'. Use one of: \(Permission.all.map(\.description).joined(separator: ", "))."
                )
            }
        }

        func run() async throws {
            let logger = try makeLogger(level: "warning")
            let kind: Principal.KeyKind = self.restricted ? .restricted : .secret
            let permissions = self.permissions.compactMap(Permission.init)
            let (accountOption, live) = (self.account, self.live)
            let key = try await withDatabase(try self.database.settings(), logger: logger) { client in
                let admin = AccountsAdmin(client: client, logger: logger)
                do {
                    return try await admin.createKey(
                        accountID: try await accountOption.resolve(admin), kind: kind, livemode: live,
                        permissions: permissions)
                } catch let problem as AccountsAdmin.Problem {
                    throw CommandProblem(problem.description)
                }
            }
            print(key.secret)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an account's keys (never their secrets).")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption

        func run() async throws {
            let logger = try makeLogger(level: "warning")
            let accountOption = self.account
            let keys = try await withDatabase(try self.database.settings(), logger: logger) { client in
                let admin = AccountsAdmin(client: client, logger: logger)
                return try await admin.keys(accountID: try await accountOption.resolve(admin))
            }
            for key in keys {
                let prefix = (key.kind == .secret ? "sk_" : "rk_") + (key.livemode ? "live_" : "test_")
                let state = key.revoked ? "revoked" : "active"
                let permissions = key.permissions.isEmpty ? "" : " " + key.permissions.joined(separator: ",")
                print("\(key.id)  \(prefix)…\(key.last4)  \(state)  created \(key.created)\(permissions)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key: its next request gets 401.")

        @OptionGroup var database: DatabaseOptions

        @Argument(help: "The key's id (key_…), as `keys list` shows it.")
        var id: String

        func run() async throws {
            let logger = try makeLogger(level: "warning")
            let id = self.id
            try await withDatabase(try self.database.settings(), logger: logger) { client in
                do {
                    try await AccountsAdmin(client: client, logger: logger).revokeKey(id: id)
                } catch let problem as AccountsAdmin.Problem {
                    throw CommandProblem(problem.description)
                }
            }
            print("Revoked \(id).")
        }
    }
}
