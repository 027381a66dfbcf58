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
    private let state: Mutex<(context: NIOSSLContext, stamp: [UInt8]?)>

    public init(
        files: TLSFiles, checkInterval: Duration = TLSCertificates.checkIntervalDefault, logger: Logger
    ) throws {
        self.files = files
        self.checkInterval = checkInterval
        self.logger = logger
        self.state = Mutex((try Self.load(files), Self.stamp(files)))
    }

    /// The context for a connection accepted now.
    public var context: NIOSSLContext { self.state.withLock { $0.context } }

    /// Reads the files again if they changed since the last read; true when a new certificate is in use.
    @discardableResult
    public func reloadIfChanged() -> Bool {
        // Files that cannot be read right now (mid-rotation, say) are read again at the next check.
        guard let stamp = Self.stamp(self.files), stamp != self.state.withLock({ $0.stamp }) else { return false }
        do {
            let context = try Self.load(self.files)
            self.state.withLock { $0 = (context, stamp) }
            self.logger.notice(
                "TLS certificate reloaded; new connections use it",
                metadata: ["certificate": "\(self.files.certificatePath)"])
            return true
        } catch {
            // Remember these contents, so a broken pair is logged once and read again when it changes again.
            self.state.withLock { $0.stamp = stamp }
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

    static func load(_ files: TLSFiles) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(files.certificatePath).map {
            NIOSSLCertificateSource.certificate($0)
        }
        let key = try NIOSSLPrivateKey(file: files.keyPath, format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(key))
        return try NIOSSLContext(configuration: configuration)
    }

    /// The files' contents: what identifies a renewal whatever the files are (a symbolic link whose target is
    /// swapped, as Kubernetes mounts secrets, keeps its own size and time). Nil when either cannot be read now.
    private static func stamp(_ files: TLSFiles) -> [UInt8]? {
        guard let certificate = FileManager.default.contents(atPath: files.certificatePath),
            let key = FileManager.default.contents(atPath: files.keyPath)
        else { return nil }
        return Array(certificate) + [0] + Array(key)
    }
}
