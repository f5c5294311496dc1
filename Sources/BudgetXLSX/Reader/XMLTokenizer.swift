import Foundation

/// A run of bytes inside the tokenizer's buffer: valid only during the callback that receives it.
struct XMLBytes {
    let start: UnsafePointer<UInt8>
    let count: Int

    subscript(i: Int) -> UInt8 { start[i] }

    func equals(_ literal: StaticString) -> Bool {
        literal.utf8CodeUnitCount == count && memcmp(start, literal.utf8Start, count) == 0
    }

    /// The bytes with XML references and line ends decoded (attribute values); text that cannot
    /// be read as written (invalid UTF-8, a bad reference) is refused, never replaced.
    func decodedString() throws(XMLTextError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        try XMLText.appendDecoded(self, to: &out)
        return try XMLText.string(out)
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

    /// The decoded value; text that cannot be read as written throws (see `XMLTextError`).
    func string(_ localName: StaticString) throws(XMLTextError) -> String? {
        guard let value = value(localName) else { return nil }
        return try value.decodedString()
    }
}

/// Receives the tokenizer's events. Names are local names (namespace prefix dropped): writers
/// differ in prefixes (`x:row`), never in local names.
protocol XMLHandler {
    mutating func startElement(_ name: XMLBytes, _ attributes: XMLAttributes) throws
    mutating func endElement(_ name: XMLBytes) throws
    /// Character data, still escaped; one text node may arrive in several pieces, cut only
    /// between references (never inside `&…;`), but possibly inside a UTF-8 sequence: decode the
    /// references of each piece, and the UTF-8 of the whole.
    mutating func text(_ raw: XMLBytes) throws
    /// A CDATA section's content, literal.
    mutating func cdata(_ raw: XMLBytes) throws
}

/// A streaming, non-validating XML tokenizer over byte chunks.
///
/// Why our own: an .xlsx sheet can hold 10^6 rows, and Foundation's XMLParser on Linux cannot be fed
/// chunks. The XML in a package is plain (no DTD entities, UTF-8), so a small tokenizer is enough:
/// elements, attributes, text with the five entities and character references, CDATA, comments,
/// processing instructions and a skipped DOCTYPE.
///
/// Bounded and linear: memory holds one unfinished token, at most `maxTokenBytes`; a token cut
/// across chunks is scanned on from where the last chunk stopped (the scanner's state is kept),
/// never from its start again, so every byte is examined a bounded number of times (`scannedBytes`).
struct XMLTokenizer<Handler: XMLHandler> {
    var handler: Handler
    let part: String
    /// How messages name the part: `工作表“支出明细”` for a sheet, the part path otherwise.
    let place: String
    let maxTokenBytes: Int
    /// Bytes examined while looking for the end of a token or of a text run. The linearity tests
    /// read it: it stays below twice the input however the input is cut into chunks.
    private(set) var scannedBytes = 0

    /// The unfinished tail of the stream: a token's beginning, or a few bytes of text that may
    /// start a reference or a CR LF.
    private var pending: [UInt8] = []
    /// Where the scan of the unfinished token at `pending[0]` stopped.
    private var resume = Resume()
    /// Stream offset of `pending[0]` (or of the next chunk when nothing is pending): for messages.
    private var pendingOffset = 0
    /// Bytes of the current text node handed to the handler: bounded like a token.
    private var textRun = 0
    private var depth = 0
    private var sawRoot = false

    /// A token scan's state when the token's end was not in the buffer yet. Offsets are from the
    /// token's `<`, so they survive the token being moved to the front of `pending`.
    private struct Resume {
        /// Offset from the token's `<` from which the search for its end goes on.
        var scanned = 0
        /// The quote a start tag's attribute value is open in (0: none).
        var quote: UInt8 = 0
        /// `[` minus `]` seen in a DOCTYPE so far.
        var brackets = 0
    }

    init(handler: Handler, part: String, sheet: String? = nil, maxTokenBytes: Int) {
        self.handler = handler
        self.part = part
        self.place = sheet.map { "工作表“\($0)”" } ?? "文件部件“\(part)”"
        self.maxTokenBytes = max(0, maxTokenBytes)
    }

    /// Parses as much of the stream as is complete; keeps the unfinished tail for the next chunk.
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) throws {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        if pending.isEmpty {
            let used = try parseReporting(base, chunk.count, final: false)
            if used < chunk.count { pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[used...])) }
            pendingOffset += used
        } else {
            // The unfinished token stays at the front; its scan goes on from `resume.scanned`.
            // (Swapped out so the parse may mutate self while it reads the buffer.)
            var buffer: [UInt8] = []
            swap(&buffer, &pending)
            buffer.append(contentsOf: chunk)
            let used = try buffer.withUnsafeBufferPointer { try parseReporting($0.baseAddress!, $0.count, final: false) }
            if used > 0 { buffer.removeFirst(used) }
            swap(&buffer, &pending)
            pendingOffset += used
        }
        if pending.count > maxTokenBytes {
            throw XLSXReadError.tokenTooLong(place: place, part: part, limit: maxTokenBytes, offset: pendingOffset)
        }
    }

    /// Ends the stream: anything left over, or an element still open, means the part was cut short.
    mutating func finish() throws {
        if !pending.isEmpty {
            var buffer: [UInt8] = []
            swap(&buffer, &pending)
            let used = try buffer.withUnsafeBufferPointer { try parseReporting($0.baseAddress!, $0.count, final: true) }
            if used < buffer.count {
                throw XLSXReadError.malformedXML(part, "the XML ends inside a tag at byte \(pendingOffset + used) (cut short?)")
            }
        }
        if !sawRoot { throw XLSXReadError.malformedXML(part, "no XML element found") }
        if depth != 0 { throw XLSXReadError.malformedXML(part, "the XML ends with \(depth) element(s) still open (cut short?)") }
    }

    /// `parse`, with text a handler could not read turned into an error that names the part.
    private mutating func parseReporting(_ p: UnsafePointer<UInt8>, _ n: Int, final: Bool) throws -> Int {
        do {
            return try parse(p, n, final: final)
        } catch let problem as XMLTextError {
            throw XLSXReadError.invalidText(place: place, part: part, cell: nil, problem)
        }
    }

    /// Returns how many bytes were consumed; stops before an incomplete token unless `final`.
    private mutating func parse(_ p: UnsafePointer<UInt8>, _ n: Int, final: Bool) throws -> Int {
        // The saved state belongs to the token at offset 0 only.
        var carried = resume
        resume = Resume()
        var i = 0
        while i < n {
            defer { carried = Resume() }
            if p[i] != XMLText.lt {
                let lt = XMLText.find(XMLText.lt, p, from: i, to: n)
                scannedBytes += (lt ?? n) - i
                if let lt {
                    try emitText(p + i, lt - i)
                    i = lt
                    continue
                }
                if final {
                    try emitText(p + i, n - i)
                    return n
                }
                // Hand over what is safe now: not a half reference, not a CR whose LF may follow.
                // A `&` further from the end than the longest reference is handed on with its text
                // (and refused by the decoder if it has no `;`), so what is held back stays small.
                var cut = n
                let window = max(i, n - XMLText.maxReferenceBytes)
                if let amp = XMLText.findLast(0x26, p, from: window, to: n),
                   XMLText.find(0x3B, p, from: amp, to: n) == nil { cut = amp }
                if cut > i && p[cut - 1] == 0x0D { cut -= 1 }
                if cut > i {
                    try emitText(p + i, cut - i)
                    i = cut
                }
                return i
            }
            textRun = 0
            guard i + 1 < n else { return i }
            switch p[i + 1] {
            case 0x2F: // "</"
                let from = i + max(2, carried.scanned)
                let gt = XMLText.find(XMLText.gt, p, from: from, to: n)
                scannedBytes += (gt ?? n) - from
                guard let gt else { return suspend(at: i, n, Resume(scanned: n - i)) }
                try checkLength(gt + 1 - i, at: i)
                var end = gt
                while end > i + 2 && XMLText.isSpace(p[end - 1]) { end -= 1 }
                depth -= 1
                if depth < 0 { throw XLSXReadError.malformedXML(part, "closing tag without an opening tag") }
                try handler.endElement(XMLText.localName(XMLBytes(start: p + i + 2, count: end - (i + 2))))
                i = gt + 1
            case 0x3F: // "<?"
                guard let end = try scanFor("?>", p, token: i, skip: 2, n, carried) else {
                    return suspend(at: i, n, Resume(scanned: n - i))
                }
                try checkLength(end + 2 - i, at: i)
                i = end + 2
            case 0x21: // "<!"
                if XMLText.hasPrefix("<!--", p + i, n - i) {
                    guard let end = try scanFor("-->", p, token: i, skip: 4, n, carried) else {
                        return suspend(at: i, n, Resume(scanned: n - i))
                    }
                    try checkLength(end + 3 - i, at: i)
                    i = end + 3
                } else if XMLText.hasPrefix("<![CDATA[", p + i, n - i) {
                    guard let end = try scanFor("]]>", p, token: i, skip: 9, n, carried) else {
                        return suspend(at: i, n, Resume(scanned: n - i))
                    }
                    try checkLength(end + 3 - i, at: i)
                    try handler.cdata(XMLBytes(start: p + i + 9, count: end - (i + 9)))
                    i = end + 3
                } else if n - i < 9 && !final {
                    return suspend(at: i, n, Resume())
                } else {
                    // DOCTYPE (its internal subset may hold '>' inside brackets): skipped, never expanded.
                    let from = i + max(2, carried.scanned)
                    var j = from
                    var brackets = carried.brackets
                    while j < n {
                        if p[j] == 0x5B { brackets += 1 } else if p[j] == 0x5D { brackets -= 1 }
                        else if p[j] == XMLText.gt && brackets <= 0 { break }
                        j += 1
                    }
                    scannedBytes += j - from
                    guard j < n else { return suspend(at: i, n, Resume(scanned: n - i, brackets: brackets)) }
                    try checkLength(j + 1 - i, at: i)
                    i = j + 1
                }
            default:
                // Start tag: find '>' outside quoted attribute values.
                let from = i + max(1, carried.scanned)
                var j = from
                var quote = carried.quote
                while j < n {
                    if quote != 0 {
                        // Inside a value: jump to its closing quote.
                        guard let close = XMLText.find(quote, p, from: j, to: n) else { j = n; break }
                        j = close
                        quote = 0
                    } else {
                        let c = p[j]
                        if c == 0x22 || c == 0x27 {
                            quote = c
                        } else if c == XMLText.gt {
                            break
                        }
                    }
                    j += 1
                }
                scannedBytes += j - from
                guard j < n else { return suspend(at: i, n, Resume(scanned: n - i, quote: quote)) }
                try checkLength(j + 1 - i, at: i)
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

    /// A token longer than the limit is refused whether or not it spanned chunks, so the limit
    /// does not depend on how the stream was cut.
    private func checkLength(_ length: Int, at i: Int) throws {
        if length > maxTokenBytes {
            throw XLSXReadError.tokenTooLong(place: place, part: part, limit: maxTokenBytes, offset: pendingOffset + i)
        }
    }

    /// Stops at the unfinished token at `i`, keeping where its scan got to.
    private mutating func suspend(at i: Int, _ n: Int, _ state: Resume) -> Int {
        resume = state
        return i
    }

    /// The offset of `terminator` after the token's fixed `skip`-byte opening, resuming a scan
    /// that stopped `carried.scanned` bytes into the token (backing up over a terminator cut in two).
    private mutating func scanFor(_ terminator: StaticString, _ p: UnsafePointer<UInt8>, token i: Int, skip: Int,
                                  _ n: Int, _ carried: Resume) throws -> Int? {
        let back = terminator.utf8CodeUnitCount - 1
        let from = i + max(skip, carried.scanned - back)
        let end = XMLText.find(terminator, p, from: from, to: n)
        scannedBytes += (end.map { $0 + terminator.utf8CodeUnitCount } ?? n) - from
        return end
    }

    private mutating func emitText(_ p: UnsafePointer<UInt8>, _ count: Int) throws {
        guard count > 0 else { return }
        // Whitespace between elements is dropped here so handlers only see content inside the root.
        if depth == 0 { return }
        textRun += count
        if textRun > maxTokenBytes {
            throw XLSXReadError.tokenTooLong(place: place, part: part, limit: maxTokenBytes, offset: pendingOffset)
        }
        try handler.text(XMLBytes(start: p, count: count))
    }
}
