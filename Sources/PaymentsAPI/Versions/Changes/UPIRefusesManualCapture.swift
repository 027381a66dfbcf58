/// 2023-10-16 (a change of behaviour): `capture=false` with a UPI address is refused with 400
/// `charge_invalid_parameter`, because UPI payments cannot wait for a capture. Before it, the parameter was
/// ignored for UPI and the payment captured at once. The core asks whether this change is active; no response
/// changes shape.
public struct UPIRefusesManualCapture: VersionChange {
    public static let version = APIVersion("2023-10-16")!
    public static let summary =
        "`capture=false` with a UPI address is refused (400 `charge_invalid_parameter`); it used to be ignored, "
        + "capturing at once."
    public static let resources: Set<String> = []

    public init() {}

    public func transform(_ object: inout JSONObject, context: VersionContext) {}
}
