import Foundation
import Hummingbird

/// The web page (HTML, CSS, JavaScript written by us), served from the copy embedded in the binary.
/// Files are looked up by fixed name: nothing the browser sends becomes a file path.
enum Assets {
    static var names: [String] { EmbeddedAssets.files.keys.sorted() }

    /// The text of an asset as served (multi-line literals lose the final newline; it is put back).
    static func text(_ name: String) -> String? {
        EmbeddedAssets.files[name].map { $0.text + "\n" }
    }

    static func response(_ name: String) throws -> Response {
        guard let file = EmbeddedAssets.files[name], let text = text(name) else {
            throw APIError(.notFound, "没有 \(name)")
        }
        var headers = HTTPFields()
        headers[.contentType] = file.type
        headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
