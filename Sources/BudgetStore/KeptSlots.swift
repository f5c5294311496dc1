import BudgetCore

/// A kept node's slots as one BLOB (`rollup_node.slots`, migration v7-slot-blob): only the slots
/// a line is in, in ascending slot order, each as `KeptSlots.recordSize` bytes: the slot (one byte,
/// 0–39), its sum in 分 and its line count (each an 8-byte little-endian integer).
///
/// Why one value per node and not a row per slot: a 10^5-line budget keeps about 1.2 × 10^4 nodes
/// and 1.5 × 10^5 slots; one row each cost `budget load` a quarter of its time and every reader of
/// figures a B-tree step per slot. The layout is fixed-width so a reader can check it exactly
/// (docs/workspace.md shows it), and the schema checks its length.
enum KeptSlots {
    static let recordSize = 17

    /// The BLOB of a node's 40 sums and line counts: a record for each slot with a line or a sum.
    static func encode(sums: [Int64], lines: [Int64]) -> [UInt8] {
        precondition(sums.count == Slot.count && lines.count == Slot.count)
        var records = 0
        for s in 0..<Slot.count where sums[s] != 0 || lines[s] != 0 { records += 1 }
        if records == 0 { return [] }
        // Written in place: a load encodes 10^4 nodes, and a byte-by-byte append cost it 10 ms.
        return [UInt8](unsafeUninitializedCapacity: records * recordSize) { out, count in
            let base = UnsafeMutableRawPointer(out.baseAddress!)
            var at = 0
            for s in 0..<Slot.count where sums[s] != 0 || lines[s] != 0 {
                base.storeBytes(of: UInt8(s), toByteOffset: at, as: UInt8.self)
                base.storeBytes(of: sums[s].littleEndian, toByteOffset: at + 1, as: Int64.self)
                base.storeBytes(of: lines[s].littleEndian, toByteOffset: at + 9, as: Int64.self)
                at += recordSize
            }
            count = at
        }
    }

    /// Why a BLOB does not read back.
    enum Unreadable: Error, Equatable {
        case length(Int)
        case slot(Int)
        case order(Int)
        case empty(Int)
        case sum(slot: Int, Int64)
        case lines(slot: Int, Int64)

        /// The problem in a clerk's words, for `node`.
        func text(_ node: String) -> String {
            switch self {
            case .length(let n): return "节点 \(node) 的小计数据长 \(n) 字节，不是 \(KeptSlots.recordSize) 的倍数"
            case .slot(let s): return "节点 \(node) 的小计格 \(s) 超出范围"
            case .order(let s): return "节点 \(node) 的小计格 \(s) 重复或未按顺序"
            case .empty(let s): return "节点 \(node) 的小计格 \(s) 既无金额也无明细（保存时不会有这样的记录）"
            case .sum(let s, let fen): return "节点 \(node) 的小计格 \(s) 的小计 \(fen) 分超出上限"
            case .lines(let s, let n): return "节点 \(node) 的小计格 \(s) 的明细条数 \(n) 超出范围"
            }
        }
    }

    /// Reads a BLOB into `sums` and `lines` (40 each, zero where no record is): every record's slot
    /// in range and after the one before, every sum within 0…`limit`, every count within 0…`maxLines`,
    /// no record of nothing: so exactly the BLOBs `encode` makes read back.
    static func decode(_ bytes: UnsafeRawBufferPointer, limit: Int64, maxLines: Int64,
                       sums: inout [Int64], lines: inout [Int64]) -> Unreadable? {
        guard bytes.count % recordSize == 0, bytes.count <= Slot.count * recordSize else { return .length(bytes.count) }
        var previous = -1
        var at = 0
        while at < bytes.count {
            let slot = Int(bytes[at])
            guard slot < Slot.count else { return .slot(slot) }
            guard slot > previous else { return .order(slot) }
            let fen = read(bytes, at + 1), n = read(bytes, at + 9)
            guard fen >= 0, fen <= limit else { return .sum(slot: slot, fen) }
            guard n >= 0, n <= maxLines else { return .lines(slot: slot, n) }
            guard fen != 0 || n != 0 else { return .empty(slot) }
            sums[slot] = fen
            lines[slot] = n
            previous = slot
            at += recordSize
        }
        return nil
    }

    /// `decode` of a byte array.
    static func decode(_ bytes: [UInt8], limit: Int64, maxLines: Int64, sums: inout [Int64], lines: inout [Int64]) -> Unreadable? {
        bytes.withUnsafeBytes { decode($0, limit: limit, maxLines: maxLines, sums: &sums, lines: &lines) }
    }

    private static func read(_ b: UnsafeRawBufferPointer, _ at: Int) -> Int64 {
        Int64(littleEndian: b.loadUnaligned(fromByteOffset: at, as: Int64.self))
    }
}
