import Foundation
import Logging
import NIOSSL
import ServiceLifecycle
import Synchronization

/// The TLS context new connections use, read from a PEM certificate chain and key, and read again when either file
/// changes (certificates are renewed every few weeks, without a restart). A file that fails to load at start stops
/// the server; one that fails later is logged and the previous certificate stays in use.
public final class TLSCertificates: Service, Sendable {
    /// How often the files are checked for a change.
    public static let checkIntervalDefault: Duration = .seconds(5)

    let files: TLSFiles
    let checkInterval: Duration
    let logger: Logger
    private let state: Mutex<(context: NIOSSLContext, stamp: String)>

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
        let stamp = Self.stamp(self.files)
        guard stamp != self.state.withLock({ $0.stamp }) else { return false }
        do {
            let context = try Self.load(self.files)
            self.state.withLock { $0 = (context, stamp) }
            self.logger.notice(
                "TLS certificate reloaded; new connections use it",
                metadata: ["certificate": "\(self.files.certificatePath)"])
            return true
        } catch {
            // Remember the stamp, so a half-written pair is logged once and read again when it changes again.
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

    /// What identifies the files' current contents cheaply: size and modification time of each.
    private static func stamp(_ files: TLSFiles) -> String {
        [files.certificatePath, files.keyPath].map { path in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
            return "\(size)@\(modified)"
        }.joined(separator: ",")
    }
}
