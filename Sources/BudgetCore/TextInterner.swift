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

