import ArgumentParser

/// `paisa`: the server and its administration.
@main
struct PaisaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paisa",
        abstract: "Paisa: an idempotent payments API on PostgreSQL.",
        discussion: """
            Every option can also be set by the environment variable named in its help; a flag wins over the \
            environment.
            """,
        subcommands: [Serve.self, Migrate.self, Bootstrap.self, Accounts.self, Keys.self])
}
