import ArgumentParser
import Payments
import PaymentsAPI
import PaymentsStore

/// `paisa accounts …`: create accounts and pin their API version.
struct Accounts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create accounts and pin their API version.", subcommands: [Create.self, SetVersion.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account; prints its id.")

        @OptionGroup var database: DatabaseOptions

        @Option(help: "The account's name.")
        var name: String

        @Option(name: Settings.apiVersion.name, help: Settings.apiVersion.help)
        var version: String?

        func run() async throws {
            let version = try validatedVersion(
                try Settings.apiVersion.optionalValue(self.version) ?? Versioning.newest.text)
            let logger = try makeLogger(level: "warning")
            let name = self.name
            let account = try await withDatabase(try self.database.settings(), logger: logger) { client in
                try await AccountsAdmin(client: client, logger: logger).createAccount(
                    name: name, defaultVersion: version)
            }
            print(account.id)
        }
    }

    struct SetVersion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-version", abstract: "Pin the API version of requests that send no Stripe-Version.")

        @OptionGroup var database: DatabaseOptions

        @Argument(help: "The account id (acct_…).")
        var account: String

        @Argument(help: "A version such as 2022-11-15 or 2026-10-28.endive.")
        var version: String

        func run() async throws {
            let version = try validatedVersion(self.version)
            let logger = try makeLogger(level: "warning")
            let account = self.account
            try await withDatabase(try self.database.settings(), logger: logger) { client in
                do {
                    try await AccountsAdmin(client: client, logger: logger).setDefaultVersion(
                        accountID: account, version: version)
                } catch let problem as AccountsAdmin.Problem {
                    throw CommandProblem(problem.description)
                }
            }
            print("\(account) now defaults to \(version).")
        }
    }
}

/// A version the API answers in, or a clear refusal.
func validatedVersion(_ text: String) throws -> String {
    do {
        return try Versioning().validate(text, param: "version").text
    } catch {
        if case .invalidRequest(_, let message, _) = error { throw ValidationError(message) }
        throw error
    }
}
