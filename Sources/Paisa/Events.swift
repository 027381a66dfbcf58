import ArgumentParser
import Payments
import PaymentsStore

/// `paisa events …`: what happened, where it was delivered, and sending it again.
struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List events, show their webhook deliveries, send one again.",
        subcommands: [List.self, Show.self, Resend.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The newest events, with how their deliveries stand.")

        @OptionGroup var database: DatabaseOptions

        @Option(help: "Only this account's events (acct_…).")
        var account: String?

        @Option(help: "How many events to show.")
        var limit: Int = 20

        func run() async throws {
            guard (1...1000).contains(self.limit) else { throw ValidationError("--limit takes 1 to 1000.") }
            let logger = try makeLogger(level: "warning")
            let (account, limit) = (self.account, self.limit)
            let events = try await withDatabase(try self.database.settings(), logger: logger) { client in
                try await EventsAdmin(client: client, logger: logger).recent(accountID: account, limit: limit)
            }
            for event in events {
                print(
                    "\(event.created) \(event.id) \(event.accountID) \(event.livemode ? "live" : "test") "
                        + "\(event.type) \(event.objectID) delivered=\(event.delivered) pending=\(event.pending) "
                        + "given_up=\(event.givenUp)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An event's deliveries and every attempt.")

        @OptionGroup var database: DatabaseOptions

        @Argument(help: "The event id (evt_…).")
        var event: String

        func run() async throws {
            let logger = try makeLogger(level: "warning")
            let id = self.event
            let (event, deliveries) = try await withDatabase(try self.database.settings(), logger: logger) { client in
                do {
                    return try await EventsAdmin(client: client, logger: logger).deliveries(eventID: id)
                } catch let problem as EventsAdmin.Problem {
                    throw CommandProblem(problem.description)
                }
            }
            print("\(event.id) \(event.type) \(event.objectID) \(event.accountID) created \(event.created)")
            if deliveries.isEmpty { print("  no webhook endpoint listened for it") }
            for delivery in deliveries {
                let next = delivery.nextAttempt.map { ", next attempt \($0)" } ?? ""
                print("  \(delivery.endpointID) \(delivery.url): \(delivery.state)\(next)")
                for attempt in delivery.attempts {
                    let answer = attempt.statusCode.map { "HTTP \($0)" } ?? "no answer"
                    let error = attempt.error.map { " (\($0))" } ?? ""
                    print(
                        "    #\(attempt.number) \(attempt.started) \(attempt.durationMilliseconds) ms: \(answer)\(error)"
                    )
                }
            }
        }
    }

    struct Resend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue an event for one of its account's endpoints again, due now.")

        @OptionGroup var database: DatabaseOptions

        @Argument(help: "The event id (evt_…).")
        var event: String

        @Option(help: "The webhook endpoint id (we_…).")
        var endpoint: String

        func run() async throws {
            let logger = try makeLogger(level: "warning")
            let (event, endpoint) = (self.event, self.endpoint)
            try await withDatabase(try self.database.settings(), logger: logger) { client in
                do {
                    try await EventsAdmin(client: client, logger: logger).resend(eventID: event, endpointID: endpoint)
                } catch let problem as EventsAdmin.Problem {
                    throw CommandProblem(problem.description)
                }
            }
            print("\(event) queued for \(endpoint).")
        }
    }
}
