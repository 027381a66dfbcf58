import Foundation
import Logging
import NIOSSL
import ServiceLifecycle
import Synchronization

/// The TLS context new connections use, read from a PEM certificate chain and key, and read again when either file
/// changes (certificates are renewed every few weeks, without a restart; the files are compared by content). A file that fails to load at start stops
/// the server; one that fails later is logged and the previous certificate stays in use.
public final class TLSCertificates: Service, Sendable {
    /// How often the files are checked for a change.
    public static let checkIntervalDefault: Duration = .seconds(5)

    let files: TLSFiles
    let checkInterval: Duration
    let logger: Logger
    private let state: Mutex<(context: NIOSSLContext, pair: PEMPair?)>

    public init(
        files: TLSFiles, checkInterval: Duration = TLSCertificates.checkIntervalDefault, logger: Logger
    ) throws {
        self.files = files
        self.checkInterval = checkInterval
        self.logger = logger
        guard let pair = PEMPair(files) else { throw PEMPair.Unreadable(files: files) }
        self.state = Mutex((try pair.context(), pair))
    }

    /// The context for a connection accepted now.
    public var context: NIOSSLContext { self.state.withLock { $0.context } }

    /// Reads the files again if they changed since the last read; true when a new certificate is in use.
    @discardableResult
    public func reloadIfChanged() -> Bool {
        // Files that cannot be read right now (mid-rotation, say) are read again at the next check.
        guard let pair = PEMPair(self.files), pair != self.state.withLock({ $0.pair }) else { return false }
        do {
            let context = try pair.context()
            self.state.withLock { $0 = (context, pair) }
            self.logger.notice(
                "TLS certificate reloaded; new connections use it",
                metadata: ["certificate": "\(self.files.certificatePath)"])
            return true
        } catch {
            // Remember these contents, so a broken pair is logged once and read again when it changes again.
            self.state.withLock { $0.pair = pair }
            self.logger.error(
                "TLS certificate could not be reloaded; the previous one stays in use",
                metadata: ["certificate": "\(self.files.certificatePath)", "error": "\(error)"])
            return false
        }
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: self.checkInterval)
            self.reloadIfChanged()
        }
    }

}

/// The contents of a certificate chain and its key, read together. Compared whole, they identify a renewal whatever
/// the files are (a symbolic link whose target is swapped, as Kubernetes mounts secrets, keeps its own size and
/// time); the context is made from these same bytes, so what was compared is what is served.
struct PEMPair: Equatable {
    let certificate: [UInt8]
    let key: [UInt8]

    /// Nil when either file cannot be read now.
    init?(_ files: TLSFiles) {
        guard let certificate = FileManager.default.contents(atPath: files.certificatePath),
            let key = FileManager.default.contents(atPath: files.keyPath)
        else { return nil }
        self.certificate = Array(certificate)
        self.key = Array(key)
    }

    func context() throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMBytes(self.certificate).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(bytes: self.key, format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(key))
        return try NIOSSLContext(configuration: configuration)
    }

    struct Unreadable: Error, CustomStringConvertible {
        let files: TLSFiles
        var description: String { "cannot read \(self.files.certificatePath) or \(self.files.keyPath)" }
    }
}
