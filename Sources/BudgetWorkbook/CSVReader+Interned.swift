import BudgetCore

extension CSVReader {
    /// The bytes of a field without the surrounding characters `trimmingSpaces` removes.
    func trimmedRange(_ f: CSVField) -> Range<Int> {
        let r = bytes.withUnsafeBufferPointer { UTF8Spaces.trimmedRange(UnsafeBufferPointer(rebasing: $0[f.start..<f.end])) }
        return (f.start + r.lowerBound)..<(f.start + r.upperBound)
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
