import Foundation

/// Why a run of XML text cannot be read as written. The reader refuses such text instead of
/// replacing it (U+FFFD) or keeping a reference literally: a cell never silently holds other text
/// than the file's. Handlers add where it was (sheet, cell).
struct XMLTextError: Error, Equatable, Sendable {
    /// For the clerk, in Chinese: `“caf”之后的字节 0xE9 不是有效的 UTF-8 编码`.
    let message: String
    /// For the log, in English.
    let detail: String
}

/// Byte-level helpers shared by the tokenizer and the handlers.
enum XMLText {
    static let lt: UInt8 = 0x3C
    static let gt: UInt8 = 0x3E
    /// The longest reference decoded, `&` to `;` (leading zeros are allowed, so this is generous).
    static let maxReferenceBytes = 64

    @inline(__always)
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    /// "x:row" → "row".
    static func localName(_ name: XMLBytes) -> XMLBytes {
        var i = name.count - 1
        while i >= 0 {
            if name.start[i] == 0x3A { return XMLBytes(start: name.start + i + 1, count: name.count - i - 1) }
            i -= 1
        }
        return name
    }

    static func find(_ byte: UInt8, _ p: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        guard from < to, let hit = memchr(p + from, Int32(byte), to - from) else { return nil }
        return p.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    static func findLast(_ byte: UInt8, _ p: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        var i = to - 1
        while i >= from {
            if p[i] == byte { return i }
            i -= 1
        }
        return nil
    }

    static func find(_ needle: StaticString, _ p: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        let k = needle.utf8CodeUnitCount
        var i = from
        while let hit = find(needle.utf8Start[0], p, from: i, to: to) {
            if hit + k > to { return nil }
            if memcmp(p + hit, needle.utf8Start, k) == 0 { return hit }
            i = hit + 1
        }
        return nil
    }

    static func hasPrefix(_ prefix: StaticString, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let k = prefix.utf8CodeUnitCount
        return n >= k && memcmp(p, prefix.utf8Start, k) == 0
    }

    // MARK: Decoding

    /// Appends `raw` with references decoded and CR LF / CR turned into LF. A `&` that does not
    /// start one of the five entities or a character reference to a character XML allows is refused:
    /// the file is not well formed, and keeping the text literally would change the cell silently.
    static func appendDecoded(_ raw: XMLBytes, to out: inout [UInt8]) throws(XMLTextError) {
        let p = raw.start
        let n = raw.count
        var i = 0
        while i < n {
            let c = p[i]
            if c == 0x26 {
                i += try appendReference(p + i, n - i, to: &out)
            } else if c == 0x0D {
                out.append(0x0A)
                i += (i + 1 < n && p[i + 1] == 0x0A) ? 2 : 1
            } else {
                // Copy the plain run up to the next '&' or CR in one go.
                var j = i + 1
                while j < n && p[j] != 0x26 && p[j] != 0x0D { j += 1 }
                out.append(contentsOf: UnsafeBufferPointer(start: p + i, count: j - i))
                i = j
            }
        }
    }

    /// `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&#NNN;` `&#xHH;` at `p`: appends its UTF-8 and returns its length.
    private static func appendReference(_ p: UnsafePointer<UInt8>, _ n: Int, to out: inout [UInt8]) throws(XMLTextError) -> Int {
        var end = 1
        while end < n && end < maxReferenceBytes && p[end] != 0x3B { end += 1 }
        let shown = String(decoding: UnsafeBufferPointer(start: p, count: min(end + 1, n, 16)), as: UTF8.self)
        guard end < n, p[end] == 0x3B else {
            throw XMLTextError(message: "“&”之后不是以“;”结束的实体引用（\(shown)…），文件格式错误",
                               detail: "'&' does not start a reference ending in ';' (\(shown.debugDescription))")
        }
        let body = XMLBytes(start: p + 1, count: end - 1)
        let length = end + 1
        if body.equals("amp") { out.append(0x26); return length }
        if body.equals("lt") { out.append(0x3C); return length }
        if body.equals("gt") { out.append(0x3E); return length }
        if body.equals("quot") { out.append(0x22); return length }
        if body.equals("apos") { out.append(0x27); return length }
        guard body.count >= 1, body[0] == 0x23 else {   // '#'
            throw XMLTextError(message: "未知的实体引用 \(shown)（XLSX 只用 &amp; &lt; &gt; &quot; &apos; 和字符引用）",
                               detail: "unknown entity \(shown)")
        }
        let hex = body.count > 1 && (body[1] == 0x78 || body[1] == 0x58)
        var k = hex ? 2 : 1
        guard k < body.count else {
            throw XMLTextError(message: "字符引用 \(shown) 没有数字", detail: "character reference \(shown) has no digits")
        }
        var value: UInt32 = 0
        var tooLarge = false
        while k < body.count {
            let c = body[k]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x61...0x66 where hex: digit = UInt32(c - 0x61 + 10)
            case 0x41...0x46 where hex: digit = UInt32(c - 0x41 + 10)
            default:
                throw XMLTextError(message: "字符引用 \(shown) 含有非数字字符",
                                   detail: "character reference \(shown) has a non-digit")
            }
            if !tooLarge {
                value = value * (hex ? 16 : 10) + digit
                if value > 0x10FFFF { tooLarge = true }
            }
            k += 1
        }
        if tooLarge {
            throw XMLTextError(message: "字符引用 \(shown) 超出 Unicode 的范围（最大 U+10FFFF）",
                               detail: "character reference \(shown) is beyond U+10FFFF")
        }
        if (0xD800...0xDFFF).contains(value) {
            throw XMLTextError(message: "字符引用 \(shown) 是 UTF-16 代理项，不是一个字符",
                               detail: "character reference \(shown) is a surrogate")
        }
        guard let scalar = Unicode.Scalar(value), isXMLCharacter(scalar.value) else {
            throw XMLTextError(message: "字符引用 \(shown) 是 XML 不允许的字符 \(codePoint(value))",
                               detail: "character reference \(shown) is \(codePoint(value)), not an XML character")
        }
        out.append(contentsOf: String(Character(scalar)).utf8)
        return length
    }

    /// XML 1.0's Char: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
    @inline(__always)
    static func isXMLCharacter(_ v: UInt32) -> Bool {
        v >= 0x20 ? (v <= 0xD7FF || (v >= 0xE000 && v <= 0xFFFD) || (v >= 0x10000 && v <= 0x10FFFF))
                  : (v == 0x09 || v == 0x0A || v == 0x0D)
    }

    static func codePoint(_ v: UInt32) -> String {
        let hex = String(v, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The text of decoded bytes. Refused, with what was wrong and where, if the bytes are not
    /// UTF-8 (a file saved in GBK or Latin-1, a memo cut mid-character) or hold a character XML
    /// does not allow (a raw control character): never turned into U+FFFD.
    static func string(_ bytes: [UInt8]) throws(XMLTextError) -> String {
        if let problem = bytes.withUnsafeBufferPointer({ firstProblem(in: $0) }) {
            throw describe(problem, in: bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A byte or character that makes text unreadable: its offset and what it is.
    enum Problem: Equatable {
        case invalidUTF8(offset: Int)
        case notXMLCharacter(offset: Int, UInt32)
    }

    /// The first problem in `bytes`, or nil when they are UTF-8 text of XML characters.
    static func firstProblem(in bytes: UnsafeBufferPointer<UInt8>) -> Problem? {
        guard let p = bytes.baseAddress else { return nil }
        let n = bytes.count
        var i = 0
        while i < n {
            let b = p[i]
            if b < 0x80 {
                if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { return .notXMLCharacter(offset: i, UInt32(b)) }
                i += 1
                continue
            }
            // Well-formed UTF-8 (Unicode 15, table 3-7): lead byte, then the continuation ranges.
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            var value: UInt32
            switch b {
            case 0xC2...0xDF: length = 2; value = UInt32(b & 0x1F)
            case 0xE0: length = 3; low = 0xA0; value = UInt32(b & 0x0F)
            case 0xE1...0xEC, 0xEE...0xEF: length = 3; value = UInt32(b & 0x0F)
            case 0xED: length = 3; high = 0x9F; value = UInt32(b & 0x0F)
            case 0xF0: length = 4; low = 0x90; value = UInt32(b & 0x07)
            case 0xF1...0xF3: length = 4; value = UInt32(b & 0x07)
            case 0xF4: length = 4; high = 0x8F; value = UInt32(b & 0x07)
            default: return .invalidUTF8(offset: i)
            }
            guard i + length <= n else { return .invalidUTF8(offset: i) }
            for k in 1..<length {
                let c = p[i + k]
                if k == 1 ? (c < low || c > high) : (c < 0x80 || c > 0xBF) { return .invalidUTF8(offset: i) }
                value = value << 6 | UInt32(c & 0x3F)
            }
            if value == 0xFFFE || value == 0xFFFF { return .notXMLCharacter(offset: i, value) }
            i += length
        }
        return nil
    }

    /// The problem in words, with the text before it so a clerk can find the place in the cell.
    static func describe(_ problem: Problem, in bytes: [UInt8]) -> XMLTextError {
        func before(_ offset: Int) -> String {
            let head = String(decoding: bytes[max(0, offset - 30)..<offset], as: UTF8.self)
                .replacingOccurrences(of: "\u{FFFD}", with: "")
            return head.isEmpty ? "开头" : "“\(head)”之后"
        }
        switch problem {
        case .invalidUTF8(let offset):
            let shown = bytes[offset..<min(bytes.count, offset + 4)].map { String(format: "0x%02X", $0) }.joined(separator: " ")
            return XMLTextError(
                message: "\(before(offset))的字节 \(shown) 不是有效的 UTF-8 编码（可能以 GBK 等其他编码保存，或在字符中间被截断）",
                detail: "invalid UTF-8 at byte \(offset): \(shown)")
        case .notXMLCharacter(let offset, let value):
            return XMLTextError(message: "\(before(offset))有 XML 不允许的字符 \(codePoint(value))（控制字符）",
                                detail: "\(codePoint(value)) at byte \(offset) is not an XML character")
        }
    }

    /// Decodes OOXML's `_xHHHH_` escapes (ST_Xstring), used by Excel for control characters such
    /// as `_x000D_`; `_x005F_` escapes a literal underscore.
    static func decodeOOXMLEscapes(_ s: String) -> String {
        // A byte scan: Foundation's `contains` on String goes through NSString per cell.
        var underscoreX = false
        var previous: UInt8 = 0
        for c in s.utf8 {
            if previous == 0x5F && c == 0x78 { underscoreX = true; break } // "_x"
            previous = c
        }
        guard underscoreX else { return s }
        var out = String.UnicodeScalarView()
        let scalars = Array(s.unicodeScalars)
        var i = 0
        while i < scalars.count {
            if scalars[i] == "_", i + 6 < scalars.count, scalars[i + 1] == "x", scalars[i + 6] == "_",
               scalars[(i + 2)..<(i + 6)].allSatisfy(\.properties.isASCIIHexDigit),
               let value = UInt32(String(String.UnicodeScalarView(scalars[(i + 2)..<(i + 6)])), radix: 16),
               let scalar = Unicode.Scalar(value) {
                out.append(scalar)
                i += 7
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }
}
