import BudgetCore

/// The text of a CSV file checked as a whole before any field is read: it must be UTF-8 (RFC
/// 3629: no overlong forms, no surrogates, nothing past U+10FFFF) and hold only characters
/// `TextRule` allows. Decoding would otherwise turn `café` saved as latin-1 into `caf�`, and a
/// memo cut in the middle of a character into a shorter one, without a word.
enum TextScan {
    enum Fault: Equatable {
        /// Bytes that are not UTF-8, from the first bad one (at most 4 shown).
        case invalidUTF8([UInt8])
        /// A character `TextRule` refuses.
        case refused(Unicode.Scalar)
    }

    /// The byte offsets of faults from `start`, at most `limit`; one pass, no String built.
    static func faults(_ bytes: [UInt8], from start: Int, limit: Int) -> [(offset: Int, fault: Fault)] {
        var out: [(Int, Fault)] = []
        bytes.withUnsafeBufferPointer { b in
            let n = b.count
            var i = start
            func cont(_ k: Int) -> Bool { k < n && b[k] & 0xC0 == 0x80 }
            func bad(_ at: Int) {
                // The bad byte and the non-ASCII bytes after it, at most 4.
                var end = at + 1
                while end < min(n, at + 4), b[end] >= 0x80 { end += 1 }
                out.append((at, .invalidUTF8(Array(b[at..<end]))))
            }
            while i < n && out.count < limit {
                let c = b[i]
                if c < 0x80 {
                    if (c < 0x20 || c == 0x7F), !TextRule.allows(Unicode.Scalar(c)) { out.append((i, .refused(Unicode.Scalar(c)))) }
                    i += 1
                    continue
                }
                switch c {
                case 0xC2...0xDF:
                    guard cont(i + 1) else { bad(i); i += 1; continue }
                    let v = UInt32(c & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F)
                    if let s = Unicode.Scalar(v), !TextRule.allows(s) { out.append((i, .refused(s))) }
                    i += 2
                case 0xE0...0xEF:
                    let lo: UInt8 = c == 0xE0 ? 0xA0 : 0x80, hi: UInt8 = c == 0xED ? 0x9F : 0xBF
                    guard i + 1 < n, (lo...hi).contains(b[i + 1]), cont(i + 2) else { bad(i); i += 1; continue }
                    i += 3
                case 0xF0...0xF4:
                    let lo: UInt8 = c == 0xF0 ? 0x90 : 0x80, hi: UInt8 = c == 0xF4 ? 0x8F : 0xBF
                    guard i + 1 < n, (lo...hi).contains(b[i + 1]), cont(i + 2), cont(i + 3) else { bad(i); i += 1; continue }
                    i += 4
                default:
                    bad(i)
                    i += 1
                }
            }
        }
        return out
    }

    /// Adds a problem per field that holds a fault (file, physical line, column, byte offset);
    /// false when there was any. Columns are named by the header cell above the field.
    static func check(_ bytes: [UInt8], file: String, problems: inout ProblemCollector) -> Bool {
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let found = faults(bytes, from: start, limit: problems.limit)
        if found.isEmpty { return true }
        // Place each fault, in order: the physical line (LFs before it) and the field holding it.
        var reader = CSVReader(bytes: bytes)
        var fields: [CSVField] = []
        var header: [String] = []
        var placed: [(line: Int, field: Int?)] = []
        var line = 1, scanned = 0
        func physicalLine(_ offset: Int) -> Int {
            while scanned < offset { if bytes[scanned] == 0x0A { line += 1 }; scanned += 1 }
            return line
        }
        var next = 0
        while next < found.count, let more = try? reader.next(into: &fields), more {
            if header.isEmpty { header = fields.map { reader.trimmed($0) } }
            let end = fields.last?.end ?? 0
            while next < found.count, found[next].offset < end {
                let offset = found[next].offset
                placed.append((physicalLine(offset), fields.lastIndex { $0.start <= offset }))
                next += 1
            }
        }
        while next < found.count { placed.append((physicalLine(found[next].offset), nil)); next += 1 }
        var reported = Set<[Int]>()
        for ((offset, fault), (line, field)) in zip(found, placed) where reported.insert([line, field ?? -1]).inserted {
            let column = field.map { $0 < header.count && !header[$0].isEmpty ? header[$0] : "第 \($0 + 1) 列" }
            switch fault {
            case .invalidUTF8(let b):
                let hex = b.map { String(format2hex: $0) }.joined(separator: " ")
                problems.add(Problem(rule: .encoding, location: Location(file: file, line: line, column: column),
                                     message: "不是有效的 UTF-8 文字（字节偏移 \(offset)：\(hex)）：文件须以 UTF-8 编码保存（Excel：另存为“CSV UTF-8（逗号分隔）”；WPS：编码选 UTF-8）"))
            case .refused(let s):
                problems.add(Problem(rule: .controlCharacter, location: Location(file: file, line: line, column: column),
                                     message: TextRule.message(s, place: "字节偏移 \(offset)")))
            }
        }
        if found.count >= problems.limit { problems.markTruncated() }
        return false
    }
}

extension String {
    /// `0xE9`, `0x0A`.
    init(format2hex b: UInt8) {
        let h = String(b, radix: 16, uppercase: true)
        self = "0x" + (h.count == 1 ? "0" : "") + h
    }
}
