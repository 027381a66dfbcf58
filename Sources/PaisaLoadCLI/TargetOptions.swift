import ArgumentParser
import Foundation

/// Where the load goes and with which keys.
struct TargetOptions: ParsableArguments {
    @Option(
        name: .customLong("base-url"),
        help: """
            Base URL of the deployment under test; repeat for several instances, payment attempts go round-robin. \
            [PAISA_LOAD_BASE_URL, comma-separated, default http://127.0.0.1:8080]
            """)
    var baseURLs: [String] = []

    @Option(
        name: .customLong("key"),
        help: """
            Secret key (sk_test_…); repeat for several accounts, traffic is spread over them. \
            [PAISA_LOAD_KEY, comma-separated]
            """)
    var keys: [String] = []

    /// The base URLs from the flags, else the environment, else the default.
    func resolvedBaseURLs() -> [String] {
        if !self.baseURLs.isEmpty { return self.baseURLs }
        let environment = ProcessInfo.processInfo.environment["PAISA_LOAD_BASE_URL"] ?? ""
        let urls = environment.split(separator: ",").map { String($0) }.filter { !$0.isEmpty }
        return urls.isEmpty ? ["http://127.0.0.1:8080"] : urls
    }

    /// The keys from the flags, else from the environment.
    func apiKeys() -> [String] {
        if !self.keys.isEmpty { return self.keys }
        let environment = ProcessInfo.processInfo.environment["PAISA_LOAD_KEY"] ?? ""
        return environment.split(separator: ",").map { String($0) }.filter { !$0.isEmpty }
    }
}
