/// Turns repeated UTF-8 values into shared Strings. A 10^6-line budget holds a few hundred
/// distinct codes, so each String is built once and every other occurrence is a byte compare:
/// a loader (CSV or SQLite) must not pay for a String and a SipHash per field.
public struct TextInterner: Sendable {
    /// Open addressing: index of the value + 1, 0 = empty. The size is a power of two.
    private var table = [Int32](repeating: 0, count: 256)
    private var hashes: [UInt64] = []
    private var starts: [Int] = []
    private var storage: [UInt8] = []
    public private(set) var values: [String] = []
    /// Past this many distinct values (memos can all differ) new values are no longer kept.
    public var limit = Int.max

    public init(limit: Int = .max) { self.limit = limit }

    /// The String for these bytes (UTF-8), made on first sight.
    public mutating func intern(_ b: UnsafeBufferPointer<UInt8>) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 // FNV-1a
        for x in b { h = (h ^ UInt64(x)) &* 0x0000_0100_0000_01b3 }
        let mask = table.count - 1
        var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while true {
            let v = table[i]
            if v == 0 { break }
            let j = Int(v) - 1
            if hashes[j] == h, equal(j, b) { return values[j] }
            i = (i + 1) & mask
        }
        let j = values.count
        if j >= limit { return String(decoding: b, as: UTF8.self) }
        hashes.append(h)
        starts.append(storage.count)
        storage.append(contentsOf: b)
        values.append(String(decoding: b, as: UTF8.self))
        table[i] = Int32(j + 1)
        if values.count * 2 > table.count { grow() }
        return values[j]
    }

    private func equal(_ j: Int, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[j]
        let end = j + 1 < starts.count ? starts[j + 1] : storage.count
        guard end - start == b.count else { return false }
        return storage.withUnsafeBufferPointer { s in
            for k in 0..<b.count where s[start + k] != b[k] { return false }
            return true
        }
    }

    private mutating func grow() {
        table = [Int32](repeating: 0, count: table.count * 2)
        let mask = table.count - 1
        for (j, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
            while table[i] != 0 { i = (i + 1) & mask }
            table[i] = Int32(j + 1)
        }
    }
}


extension String {
    /// True when both are the same String value bit for bit: one interned String seen twice, or
    /// the same short text stored inline. Then their bytes are equal; false says nothing (equal
    /// texts built apart compare false). A bulk writer or checker that skips a field repeated from
    /// the line before asks this, never `==`: Swift's `==` is canonical equivalence (`K` equals
    /// U+212A KELVIN SIGN), and a skipped field must keep its exact bytes. Both must be alive (a
    /// freed String's address can be reused): compare with a line still held.
    @inline(__always)
    public func isIdentical(to other: String) -> Bool { sameBits(self, other) }
}

extension Optional where Wrapped == String {
    /// `String.isIdentical(to:)` for optional texts: both nil, or both identical (nil has bits
    /// no String has).
    @inline(__always)
    public func isIdentical(to other: String?) -> Bool { sameBits(self, other) }
}

@inline(__always)
private func sameBits<T>(_ a: T, _ b: T) -> Bool {
    withUnsafeBytes(of: a) { x in
        withUnsafeBytes(of: b) { y in
            for i in 0..<x.count where x[i] != y[i] { return false }
            return true
        }
    }
}
