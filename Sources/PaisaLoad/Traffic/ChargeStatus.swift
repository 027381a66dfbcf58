/// A charge's status as the API reports it.
public enum ChargeStatus: String, Sendable, Codable {
    case succeeded, pending, failed
}
