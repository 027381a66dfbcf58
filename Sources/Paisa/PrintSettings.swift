import ArgumentParser

/// `paisa settings`: prints every setting's declaration as the configuration reference's table (Markdown), so the
/// reference is written from the same declarations the commands read.
struct PrintSettings: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: "Print every setting: flag, environment variable, default, values, meaning.")

    func run() {
        print(Settings.markdownTable)
    }
}
