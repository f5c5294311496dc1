import BudgetCore
import BudgetStore
import Foundation
import Hummingbird

/// A refused request: a status and a message a clerk understands, as JSON
/// `{"error": "...", "problems": [...], "current": {...}}`.
struct APIError: HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String
    var problems: [String] = []
    /// The line as it is now (a version conflict).
    var current: API.Item?
    /// True when the line was deleted by someone else.
    var deleted = false

    init(_ status: HTTPResponse.Status, _ message: String, problems: [String] = [], current: API.Item? = nil, deleted: Bool = false) {
        self.status = status; self.message = message; self.problems = problems; self.current = current; self.deleted = deleted
    }

    private struct Body: Encodable {
        var error: String
        var problems: [String]
        var current: API.Item?
        var deleted: Bool
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = (try? JSONEncoder().encode(Body(error: message, problems: problems, current: current, deleted: deleted)))
            ?? Data(#"{"error":"请求被拒绝"}"#.utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Maps a workspace refusal to its HTTP status: conflicts 409, broken rules 422, missing lines 404.
    static func from(_ error: any Error, context budget: Budget) -> APIError {
        switch error {
        case let e as APIError: return e
        case let e as ProblemsError:
            return APIError(.unprocessableContent, "发现 \(e.problems.count) 个问题，未做任何更改", problems: e.problems.map(\.description))
        case let e as WorkspaceError:
            switch e {
            case .versionConflict(let current, _):
                return APIError(.conflict, e.description, current: current.map { API.Item($0, context: budget) }, deleted: current == nil)
            case .invalid(let p):
                return APIError(.unprocessableContent, "发现 \(p.problems.count) 个问题，未做任何更改", problems: p.problems.map(\.description))
            case .itemNotFound: return APIError(.notFound, e.description)
            default: return APIError(.internalServerError, e.description)
            }
        default:
            return APIError(.internalServerError, "服务器内部错误：\(error)")
        }
    }
}
