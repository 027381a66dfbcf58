import ArgumentParser
import NIOCore
import NIOPosix

/// `paisa`: the server and its administration.
@main
struct PaisaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paisa",
        abstract: "Paisa: an idempotent payments API on PostgreSQL.",
        discussion: """
            Every setting can also come from the environment variable named in its help; a flag wins over the \
            environment. What names one object (an account's name, a key's permissions, an id) is given as a flag \
            or argument only.
            """,
        subcommands: [
            Serve.self, Migrate.self, Bootstrap.self, Accounts.self, Keys.self, Events.self, PrintSettings.self,
        ])

    static func main() async {
        // Before the event loops start: arenas that threads have already made stay.
        Allocator.configure()
        // Swift Concurrency's jobs run on NIO's event loops, the threads that already do the HTTP and database I/O:
        // a request then awaits its database round trips without hopping between two thread pools each time.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await Self.main(nil)
    }
}
