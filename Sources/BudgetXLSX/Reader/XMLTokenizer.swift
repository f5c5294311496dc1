import Foundation

/// A run of bytes inside the tokenizer's buffer: valid only during the callback that receives it.
struct XMLBytes {
    let start: UnsafePointer<UInt8>
    let count: Int

    subscript(i: Int) -> UInt8 { start[i] }

    func equals(_ literal: StaticString) -> Bool {
        literal.utf8CodeUnitCount == count && memcmp(start, literal.utf8Start, count) == 0
    }

    /// The bytes with XML entities and line ends decoded (attribute values, text).
    var decodedString: String {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        XMLText.appendDecoded(self, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Leading ASCII digits as an Int; nil if there are none or more than 15 (no overflow).
    var decimalValue: Int? {
        var i = 0
        while i < count && (start[i] == 0x20 || start[i] == 0x09 || start[i] == 0x0A || start[i] == 0x0D) { i += 1 }
        var value = 0
        var digits = 0
        while i < count, start[i] >= 0x30, start[i] <= 0x39 {
            value = value * 10 + Int(start[i] - 0x30)
            digits += 1
            if digits > 15 { return nil }
            i += 1
        }
        return digits == 0 ? nil : value
    }
}

/// The attribute text of a start tag, parsed on demand (most handlers need one or two values).
struct XMLAttributes {
    let raw: XMLBytes

    /// Calls `body` with each attribute's local name (prefix dropped) and raw (still escaped) value.
    /// Malformed trailing text is ignored rather than fatal: we only read what we understand.
    func forEach(_ body: (XMLBytes, XMLBytes) throws -> Void) rethrows {
        let p = raw.start
        let n = raw.count
        var i = 0
        while i < n {
            while i < n && XMLText.isSpace(p[i]) { i += 1 }
            let nameStart = i
            while i < n && p[i] != 0x3D && !XMLText.isSpace(p[i]) { i += 1 }   // '='
            let nameEnd = i
            while i < n && XMLText.isSpace(p[i]) { i += 1 }
            guard i < n, p[i] == 0x3D, nameEnd > nameStart else { return }
            i += 1
            while i < n && XMLText.isSpace(p[i]) { i += 1 }
            guard i < n, p[i] == 0x22 || p[i] == 0x27 else { return }          // '"' or '\''
            let quote = p[i]
            i += 1
            let valueStart = i
            while i < n && p[i] != quote { i += 1 }
            guard i < n else { return }
            let name = XMLText.localName(XMLBytes(start: p + nameStart, count: nameEnd - nameStart))
            try body(name, XMLBytes(start: p + valueStart, count: i - valueStart))
            i += 1
        }
    }

    /// The raw value of the first attribute with this local name.
    func value(_ localName: StaticString) -> XMLBytes? {
        var found: XMLBytes?
        forEach { name, value in
            if found == nil && name.equals(localName) { found = value }
        }
        return found
    }

    func string(_ localName: StaticString) -> String? { value(localName)?.decodedString }
}

/// Receives the tokenizer's events. Names are local names (namespace prefix dropped): writers
/// differ in prefixes (`x:row`), never in local names.
protocol XMLHandler {
    mutating func startElement(_ name: XMLBytes, _ attributes: XMLAttributes) throws
    mutating func endElement(_ name: XMLBytes) throws
    /// Character data, still escaped; one text node may arrive in several pieces, cut only
    /// between entities, so decoding each piece and concatenating is correct.
    mutating func text(_ raw: XMLBytes) throws
    /// A CDATA section's content, literal.
    mutating func cdata(_ raw: XMLBytes) throws
}

/// A streaming, non-validating XML tokenizer over byte chunks.
///
/// Why our own: an .xlsx sheet can hold 10^6 rows, and Foundation's XMLParser on Linux cannot be fed
/// chunks. The XML in a package is plain (no DTD entities, UTF-8), so a small tokenizer is enough:
/// elements, attributes, text with the five entities and character references, CDATA, comments,
/// processing instructions and a skipped DOCTYPE. Memory is bounded by one token
/// (`maxTokenBytes`), not by the document.
struct XMLTokenizer<Handler: XMLHandler> {
    var handler: Handler
    let part: String
    let maxTokenBytes: Int
    private var pending: [UInt8] = []
    private var depth = 0
    private var sawRoot = false

    init(handler: Handler, part: String, maxTokenBytes: Int) {
        self.handler = handler
        self.part = part
        self.maxTokenBytes = maxTokenBytes
    }

    /// Parses as much of the stream as is complete; keeps the unfinished tail for the next chunk.
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) throws {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        if pending.isEmpty {
            let used = try parse(base, chunk.count, final: false)
            if used < chunk.count { pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[used...])) }
        } else {
            var buffer: [UInt8] = []
            swap(&buffer, &pending)
            buffer.append(contentsOf: chunk)
            let used = try buffer.withUnsafeBufferPointer { try parse($0.baseAddress!, $0.count, final: false) }
            buffer.removeFirst(used)
            swap(&buffer, &pending)
        }
        if pending.count > maxTokenBytes {
            throw XLSXReadError.malformedXML(part, "an XML token is longer than \(maxTokenBytes) bytes")
        }
    }

    /// Ends the stream: anything left over, or an element still open, means the part was cut short.
    mutating func finish() throws {
        if !pending.isEmpty {
            var buffer: [UInt8] = []
            swap(&buffer, &pending)
            let used = try buffer.withUnsafeBufferPointer { try parse($0.baseAddress!, $0.count, final: true) }
            if used < buffer.count {
                throw XLSXReadError.malformedXML(part, "the XML ends inside a tag (cut short?)")
            }
        }
        if !sawRoot { throw XLSXReadError.malformedXML(part, "no XML element found") }
        if depth != 0 { throw XLSXReadError.malformedXML(part, "the XML ends with \(depth) element(s) still open (cut short?)") }
    }

    /// Returns how many bytes were consumed; stops before an incomplete token unless `final`.
    private mutating func parse(_ p: UnsafePointer<UInt8>, _ n: Int, final: Bool) throws -> Int {
        var i = 0
        while i < n {
            if p[i] != XMLText.lt {
                if let lt = XMLText.find(XMLText.lt, p, from: i, to: n) {
                    try emitText(p + i, lt - i)
                    i = lt
                    continue
                }
                if final {
                    try emitText(p + i, n - i)
                    return n
                }
                // Hand over what is safe now: not a half entity, not a CR whose LF may follow.
                var cut = n
                if let amp = XMLText.findLast(0x26, p, from: i, to: n),
                   XMLText.find(0x3B, p, from: amp, to: n) == nil { cut = amp }
                if cut > i && p[cut - 1] == 0x0D { cut -= 1 }
                if cut > i {
                    try emitText(p + i, cut - i)
                    i = cut
                }
                return i
            }
            guard i + 1 < n else { return i }
            switch p[i + 1] {
            case 0x2F: // "</"
                guard let gt = XMLText.find(XMLText.gt, p, from: i + 2, to: n) else { return i }
                var end = gt
                while end > i + 2 && XMLText.isSpace(p[end - 1]) { end -= 1 }
                depth -= 1
                if depth < 0 { throw XLSXReadError.malformedXML(part, "closing tag without an opening tag") }
                try handler.endElement(XMLText.localName(XMLBytes(start: p + i + 2, count: end - (i + 2))))
                i = gt + 1
            case 0x3F: // "<?"
                guard let end = XMLText.find("?>", p, from: i + 2, to: n) else { return i }
                i = end + 2
            case 0x21: // "<!"
                if XMLText.hasPrefix("<!--", p + i, n - i) {
                    guard let end = XMLText.find("-->", p, from: i + 4, to: n) else { return i }
                    i = end + 3
                } else if XMLText.hasPrefix("<![CDATA[", p + i, n - i) {
                    guard let end = XMLText.find("]]>", p, from: i + 9, to: n) else { return i }
                    try handler.cdata(XMLBytes(start: p + i + 9, count: end - (i + 9)))
                    i = end + 3
                } else if n - i < 9 && !final {
                    return i
                } else {
                    // DOCTYPE (its internal subset may hold '>' inside brackets): skipped, never expanded.
                    var j = i + 2
                    var brackets = 0
                    while j < n {
                        if p[j] == 0x5B { brackets += 1 } else if p[j] == 0x5D { brackets -= 1 }
                        else if p[j] == XMLText.gt && brackets <= 0 { break }
                        j += 1
                    }
                    guard j < n else { return i }
                    i = j + 1
                }
            default:
                // Start tag: find '>' outside quoted attribute values.
                var j = i + 1
                var quote: UInt8 = 0
                while j < n {
                    let c = p[j]
                    if quote != 0 {
                        if c == quote { quote = 0 }
                    } else if c == 0x22 || c == 0x27 {
                        quote = c
                    } else if c == XMLText.gt {
                        break
                    }
                    j += 1
                }
                guard j < n else { return i }
                let selfClosing = p[j - 1] == 0x2F && j - 1 > i
                let contentEnd = selfClosing ? j - 1 : j
                var nameEnd = i + 1
                while nameEnd < contentEnd && !XMLText.isSpace(p[nameEnd]) { nameEnd += 1 }
                guard nameEnd > i + 1 else { throw XLSXReadError.malformedXML(part, "a tag without a name") }
                let name = XMLText.localName(XMLBytes(start: p + i + 1, count: nameEnd - (i + 1)))
                let attributes = XMLAttributes(raw: XMLBytes(start: p + nameEnd, count: contentEnd - nameEnd))
                if depth == 0 && sawRoot {
                    throw XLSXReadError.malformedXML(part, "content after the root element")
                }
                sawRoot = true
                depth += 1
                try handler.startElement(name, attributes)
                if selfClosing {
                    depth -= 1
                    try handler.endElement(name)
                }
                i = j + 1
            }
        }
        return i
    }

    private mutating func emitText(_ p: UnsafePointer<UInt8>, _ count: Int) throws {
        guard count > 0 else { return }
        // Whitespace between elements is dropped here so handlers only see content inside the root.
        if depth == 0 { return }
        try handler.text(XMLBytes(start: p, count: count))
    }
}

/// Byte-level helpers shared by the tokenizer and the handlers.
enum XMLText {
    static let lt: UInt8 = 0x3C
    static let gt: UInt8 = 0x3E

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

    /// Appends `raw` with entities and character references decoded and CR LF / CR turned into LF.
    /// Unknown or malformed references are kept literally: a reader, not a validator.
    static func appendDecoded(_ raw: XMLBytes, to out: inout [UInt8]) {
        let p = raw.start
        let n = raw.count
        var i = 0
        while i < n {
            let c = p[i]
            if c == 0x26, let (bytes, length) = decodeReference(p + i, n - i) {
                out.append(contentsOf: bytes)
                i += length
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

    /// `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&#NNN;` `&#xHH;` at `p` → (UTF-8 bytes, length consumed).
    private static func decodeReference(_ p: UnsafePointer<UInt8>, _ n: Int) -> ([UInt8], Int)? {
        var end = 1
        while end < n && end < 12 && p[end] != 0x3B { end += 1 }
        guard end < n, p[end] == 0x3B else { return nil }
        let body = XMLBytes(start: p + 1, count: end - 1)
        let length = end + 1
        if body.equals("amp") { return ([0x26], length) }
        if body.equals("lt") { return ([0x3C], length) }
        if body.equals("gt") { return ([0x3E], length) }
        if body.equals("quot") { return ([0x22], length) }
        if body.equals("apos") { return ([0x27], length) }
        guard body.count >= 2, body[0] == 0x23 else { return nil }   // '#'
        var value: UInt32 = 0
        let hex = body[1] == 0x78 || body[1] == 0x58
        var k = hex ? 2 : 1
        guard k < body.count else { return nil }
        while k < body.count {
            let c = body[k]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x61...0x66 where hex: digit = UInt32(c - 0x61 + 10)
            case 0x41...0x46 where hex: digit = UInt32(c - 0x41 + 10)
            default: return nil
            }
            value = value * (hex ? 16 : 10) + digit
            if value > 0x10FFFF { return nil }
            k += 1
        }
        let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
        return (Array(String(Character(scalar)).utf8), length)
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
