import Hummingbird
import Logging
import NIOCore
import Payments
import PaymentsStore
import PostgresNIO
import SandboxProcessor
import ServiceLifecycle

/// The parts of a running server that tests reach into: the API (to build requests), the background services
/// (to run a pass by hand), the fault injector and the database pool.
public struct ServerComponents: Sendable {
    public let api: APIRouter
    public let completer: Completer
    public let reconciler: Reconciler
    public let reaper: Reaper
    public let approvalSweep: ApprovalSweep
    public let webhooks: WebhookDeliverer
    public let faults: FaultInjector
    public let client: PostgresClient
    public let store: any PaymentsStore
    public let processor: any PaymentProcessor
}
