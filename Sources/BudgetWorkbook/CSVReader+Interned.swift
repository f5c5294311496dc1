import BudgetCore

extension CSVReader {
    /// The bytes of a field without surrounding spaces, tabs, line breaks or ideographic spaces
    /// (U+3000, which Chinese input methods type), the same characters `trimmingSpaces` removes.
    func trimmedRange(_ f: CSVField) -> Range<Int> {
        var s = f.start, e = f.end
        while s < e {
            let c = bytes[s]
            if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A { s += 1; continue }
            if c == 0xE3, s + 2 < e, bytes[s + 1] == 0x80, bytes[s + 2] == 0x80 { s += 3; continue }
            break
        }
        while e > s {
            let c = bytes[e - 1]
            if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A { e -= 1; continue }
            if c == 0x80, e - 3 >= s, bytes[e - 3] == 0xE3, bytes[e - 2] == 0x80 { e -= 3; continue }
            break
        }
        return s..<e
    }

    /// The raw text of a field through an interner.
    func internedRaw(_ f: CSVField, _ interner: inout TextInterner) -> String {
        if f.hasEscapes { return string(f) }
        return bytes.withUnsafeBufferPointer { interner.intern(UnsafeBufferPointer(rebasing: $0[f.start..<f.end])) }
    }

    /// The trimmed text of a field through an interner (a quoted field with doubled quotes is unescaped first).
    func interned(_ f: CSVField, _ interner: inout TextInterner) -> String {
        if f.hasEscapes { return trimmed(f) }
        let r = trimmedRange(f)
        return bytes.withUnsafeBufferPointer { interner.intern(UnsafeBufferPointer(rebasing: $0[r])) }
    }
}
