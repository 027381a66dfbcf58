import Payments

/// The list of every change Paisa has made, in one place. Adding a version means adding its change here (see
/// docs/api-versions.md).
public enum VersionChanges {
    public static let all: [any VersionChange] = [
        ChargesStopEmbeddingRefunds(),
        UPIRefusesManualCapture(),
        UPIDeclineCode(),
    ]
}
