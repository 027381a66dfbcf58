import ArgumentParser

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One setting of a command, declared once: its flag, its environment variable, its default, the values it takes
/// and its help. The command's option takes its name and help from here; `value(_:)` resolves it (the flag, then
/// the variable, then the default) and refuses a value outside what it takes, naming where the value came from;
/// and `paisa settings` prints every declaration as the configuration reference's table.
///
/// ArgumentParser already parses the command line and writes the help; what it lacks is the binding of a flag to
/// its variable, default and range. That is all this type adds, rather than a second configuration library
/// reading the same command line (apple/swift-configuration would read flags and variables again, and cost a
/// package to build).
struct Setting<Value: Sendable>: Sendable, SettingDescription {
    /// The long flag, without its dashes.
    let flag: String
    /// The environment variable that sets it when the flag is absent; nil for settings that take none.
    let variable: String?
    /// The value when neither flag nor variable gives one; nil when there is none.
    let defaultValue: Value?
    /// The default as the help and the reference show it.
    let defaultText: String
    /// What values it takes, in words (`500 to 60000`).
    let accepted: String
    /// What it does, in a sentence.
    let summary: String
    /// Reads a value from text, nil for anything it does not take.
    let read: @Sendable (String) -> Value?

    /// The option's name for ArgumentParser.
    var name: NameSpecification { .customLong(self.flag) }

    /// The option's help, with its variable and default.
    var help: ArgumentHelp {
        ArgumentHelp("\(self.summary) [\(self.variable ?? "no variable"), default \(self.defaultText)]")
    }

    /// The value: the flag's, else the variable's, else the default; refused when it is not one this setting
    /// takes, or when there is none and no default.
    func value(_ flagValue: String?) throws -> Value {
        let environment = ProcessInfo.processInfo.environment
        let given: (text: String, source: String)? =
            flagValue.map { ($0, "--\(self.flag)") }
            ?? self.variable.flatMap { name in
                environment[name].flatMap { $0.isEmpty ? nil : ($0, name) }
            }
        guard let given else {
            guard let defaultValue = self.defaultValue else {
                throw ValidationError("--\(self.flag) is required\(self.variable.map { " (or \($0))" } ?? "").")
            }
            return defaultValue
        }
        guard let value = self.read(given.text) else {
            throw ValidationError("\(given.source) takes \(self.accepted), not '\(given.text)'.")
        }
        return value
    }

    /// The value when one is given, nil otherwise (for settings whose absence means something).
    func optionalValue(_ flagValue: String?) throws -> Value? {
        let variableValue = self.variable.flatMap { ProcessInfo.processInfo.environment[$0] }
        let given = flagValue ?? variableValue.flatMap { $0.isEmpty ? nil : $0 }
        guard given != nil || self.defaultValue != nil else { return nil }
        return try self.value(flagValue)
    }
}

/// What the configuration reference shows of a setting, whatever its type.
protocol SettingDescription: Sendable {
    var flag: String { get }
    var variable: String? { get }
    var defaultText: String { get }
    var accepted: String { get }
    var summary: String { get }
}

extension Setting where Value == Duration {
    /// A time given in whole milliseconds (`--budget-ms 2000`), within `range`.
    static func milliseconds(
        _ flag: String, _ variable: String?, default defaultValue: Duration, range: ClosedRange<Duration>,
        _ summary: String
    ) -> Setting {
        Setting(
            flag: flag, variable: variable, defaultValue: defaultValue, defaultText: "\(defaultValue.milliseconds)",
            accepted: "\(range.lowerBound.milliseconds) to \(range.upperBound.milliseconds) (milliseconds)",
            summary: summary,
            read: { text in
                guard let number = Int64(text) else { return nil }
                let value = Duration.milliseconds(number)
                return range.contains(value) ? value : nil
            })
    }

    /// A time given in whole hours, within `range`.
    static func hours(
        _ flag: String, _ variable: String?, default defaultValue: Duration, range: ClosedRange<Duration>,
        _ summary: String
    ) -> Setting {
        let hours = { (duration: Duration) in duration.components.seconds / 3600 }
        return Setting(
            flag: flag, variable: variable, defaultValue: defaultValue, defaultText: "\(hours(defaultValue))",
            accepted: "\(hours(range.lowerBound)) to \(hours(range.upperBound)) (hours)", summary: summary,
            read: { text in
                guard let number = Int64(text) else { return nil }
                let value = Duration.seconds(number * 3600)
                return range.contains(value) ? value : nil
            })
    }
}

extension Setting where Value == Int {
    /// A whole number within `range`.
    static func integer(
        _ flag: String, _ variable: String?, default defaultValue: Int, range: ClosedRange<Int>, _ summary: String
    ) -> Setting {
        Setting(
            flag: flag, variable: variable, defaultValue: defaultValue, defaultText: "\(defaultValue)",
            accepted: "\(range.lowerBound) to \(range.upperBound)", summary: summary,
            read: { text in Int(text).flatMap { range.contains($0) ? $0 : nil } })
    }
}

extension Setting where Value == String {
    /// Any text (nil default: none unless given).
    static func text(
        _ flag: String, _ variable: String?, default defaultValue: String?, shown: String? = nil, _ summary: String
    ) -> Setting {
        Setting(
            flag: flag, variable: variable, defaultValue: defaultValue,
            defaultText: shown ?? defaultValue ?? "none", accepted: "text", summary: summary,
            read: { $0 })
    }

    /// One of a fixed list of words.
    static func choice(
        _ flag: String, _ variable: String?, default defaultValue: String, among choices: [String], _ summary: String
    ) -> Setting {
        Setting(
            flag: flag, variable: variable, defaultValue: defaultValue, defaultText: defaultValue,
            accepted: "one of " + choices.joined(separator: ", "), summary: summary,
            read: { choices.contains($0) ? $0 : nil })
    }
}

extension Setting where Value == Bool {
    /// A switch: the flag alone turns it on; its variable takes `true` or `false` (or `1` and `0`).
    static func boolean(_ flag: String, _ variable: String?, _ summary: String) -> Setting {
        Setting(
            flag: flag, variable: variable, defaultValue: false, defaultText: "off",
            accepted: "the flag alone, or true/false in the variable", summary: summary,
            read: { text in
                switch text.lowercased() {
                case "true", "1", "yes": true
                case "false", "0", "no": false
                default: nil
                }
            })
    }
}
