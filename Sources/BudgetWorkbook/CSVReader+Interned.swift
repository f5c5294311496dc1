import BudgetCore
#if canImport(Glibc)
import Glibc
#endif

extension CSVReader {
    /// The bytes of a field without the surrounding characters `trimmingSpaces` removes.
    func trimmedRange(_ f: CSVField) -> Range<Int> {
        let r = bytes.withUnsafeBufferPointer { UTF8Spaces.trimmedRange(UnsafeBufferPointer(rebasing: $0[f.start..<f.end])) }
        return (f.start + r.lowerBound)..<(f.start + r.upperBound)
    }

    /// True for a field of nothing but spaces.
    func isBlank(_ f: CSVField) -> Bool { f.start == f.end || trimmedRange(f).isEmpty }

    /// True when the field's bytes equal `literal` (a fast compare for vocabulary words).
    func field(_ f: CSVField, equals literal: String.UTF8View) -> Bool {
        let n = f.end - f.start
        guard n == literal.count else { return false }
        // One memcmp over contiguous bytes (a vocabulary word is a native String): three such
        // fields a line, 10^6 lines.
        if let same = literal.withContiguousStorageIfAvailable({ w in
            bytes.withUnsafeBufferPointer { b in n == 0 || memcmp(b.baseAddress! + f.start, w.baseAddress!, n) == 0 }
        }) { return same }
        var i = f.start
        for x in literal { if bytes[i] != x { return false }; i += 1 }
        return true
    }

    /// The raw text of a field through an interner.
    func internedRaw(_ f: CSVField, _ interner: inout TextInterner) -> String {
        if f.hasEscapes { return string(f) }
        return interned(f.start..<f.end, &interner)
    }

    /// The text of a byte range of an unescaped field through an interner.
    func interned(_ r: Range<Int>, _ interner: inout TextInterner) -> String {
        bytes.withUnsafeBufferPointer { interner.intern(UnsafeBufferPointer(rebasing: $0[r])) }
    }
}
