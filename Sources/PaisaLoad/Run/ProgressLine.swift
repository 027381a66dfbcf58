/// The live line on a terminal: elapsed time, stage, achieved rate, in flight, p99 so far, errors, late/dropped.
struct ProgressLine {
    /// Redraws at most this often; a terminal does not need more, and each draw costs a histogram query.
    static let interval: Duration = .seconds(1)

    /// The line for one moment of the run.
    static func render(
        elapsed: Duration, stage: String, completedLastSecond: Int, inFlight: Int, snapshot: RunRecorder.Snapshot
    ) -> String {
        let errorShare = snapshot.finished > 0 ? Double(snapshot.errors) / Double(snapshot.finished) * 100 : 0
        return "\(Int(elapsed.seconds))s \(stage)  rate \(completedLastSecond)/s  in flight \(inFlight)"
            + "  p99 \(Self.milliseconds(snapshot.p99Milliseconds))  errors \(snapshot.errors)"
            + " (\(DurationText.trimmed(errorShare))%)  late \(snapshot.late)  dropped \(snapshot.dropped)"
    }

    /// `850ms`, `12ms`, `1.25s`.
    static func milliseconds(_ value: Double) -> String {
        value >= 1000 ? DurationText.trimmed(value / 1000) + "s" : DurationText.trimmed(value) + "ms"
    }

    /// Clears the terminal line and draws `text` in its place.
    static func draw(_ text: String) {
        ProcessCPU.writeToStandardError("\r\u{1B}[2K" + text)
    }
}
