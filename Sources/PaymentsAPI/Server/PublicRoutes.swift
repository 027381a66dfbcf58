import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Payments
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The routes that need no key: liveness, readiness, metrics, the OpenAPI document and the error reference.
enum PublicRoutes {
    typealias Route = @Sendable (Deadline) async -> Response

    static func make(
        store: any PaymentsStore, docsDirectory: String, logger: Logger
    ) -> [String: Route] {
        var routes: [String: Route] = [
            "/healthz": { _ in Self.respond(.ok, "application/json; charset=utf-8", #"{"status":"ok"}"# + "\n") },
            "/readyz": { deadline in
                // Approvals without a charge are shown, not judged: they do not stop this instance from serving.
                do {
                    let counts = try await store.unrecordedApprovalCounts(deadline: deadline)
                    let unrecorded: JSONValue = .object([
                        "recovering": .int(Int64(counts.recovering)), "stranded": .int(Int64(counts.stranded)),
                    ])
                    return Self.respond(
                        .ok, "application/json; charset=utf-8",
                        JSONWriter.bytes(
                            .object([
                                "status": .string("ok"), "database": .string("reachable"),
                                "unrecorded_approvals": unrecorded,
                            ])))
                } catch {
                    return Self.respond(
                        .serviceUnavailable, "application/json; charset=utf-8",
                        JSONWriter.bytes(
                            .object(["status": .string("unavailable"), "database": .string("unreachable")])))
                }
            },
            "/metrics": { _ in
                Self.respond(.ok, "text/plain; version=0.0.4; charset=utf-8", Observability.exposition())
            },
        ]
        if let document = Self.read(docsDirectory, "openapi.json", logger) {
            routes["/v1/openapi.json"] = { _ in Self.respond(.ok, "application/json; charset=utf-8", document) }
        }
        if let errors = Self.read(docsDirectory, "errors.md", logger) {
            // Rendered at the first request rather than at start: a server that nobody asks for the page (every
            // test's) does not pay for the Markdown.
            let page = Mutex<[UInt8]?>(nil)
            routes["/docs/errors"] = { _ in
                let html = page.withLock { page in
                    if let page { return page }
                    let html = Array(
                        MarkdownPage.html(
                            title: "Paisa error reference", markdown: String(decoding: errors, as: UTF8.self)
                        ).utf8)
                    page = html
                    return html
                }
                return Self.respond(.ok, "text/html; charset=utf-8", html)
            }
        }
        return routes
    }

    /// A document from the docs folder, read once at start; nil (with a note in the log) when it is not there.
    private static func read(_ directory: String, _ name: String, _ logger: Logger) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
            logger.notice("not serving \(name): it is not in \(directory)")
            return nil
        }
        return Array(data)
    }

    private static func respond(_ status: HTTPResponse.Status, _ contentType: String, _ text: String) -> Response {
        Self.respond(status, contentType, Array(text.utf8))
    }

    private static func respond(_ status: HTTPResponse.Status, _ contentType: String, _ bytes: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
