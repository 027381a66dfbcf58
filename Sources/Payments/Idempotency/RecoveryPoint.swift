/// Where an idempotent request has got to. Each phase ends by committing the next point in the same transaction
/// as its effects, so a retry resumes from the last committed one.
public enum RecoveryPoint: String, Sendable, CaseIterable {
    /// The key is claimed; nothing else is recorded. The processor may or may not have been called: it keeps its
    /// own record per processor key, so calling it again returns the first answer.
    case started
    /// The effects and the response are stored; every retry replays the response.
    case finished
}
