import BudgetCore
import Foundation
import Testing
@testable import BudgetStore

/// The BLOB of a kept node's slots (`KeptSlots`): what is encoded reads back, and no stored bytes,
/// however made, crash the reader or read back as something other than what they encode.
@Suite("Kept slots as one BLOB")
struct KeptSlotsTests {
    static let limit = BudgetLimits.budgetTotal.fen

    @Test("random slots encode and read back exactly; empty slots take no bytes", arguments: [1, 2, 3] as [UInt64])
    func roundTrip(seed: UInt64) {
        var rng = SyntheticBudget.RNG(seed: seed)
        for _ in 0..<500 {
            var sums = Array(repeating: Int64(0), count: Slot.count), lines = sums
            for s in 0..<Slot.count where rng.next() % 3 == 0 {
                sums[s] = Int64(rng.next() % UInt64(Self.limit + 1))
                lines[s] = Int64(rng.next() % 1_000_000)
            }
            let blob = KeptSlots.encode(sums: sums, lines: lines)
            let used = (0..<Slot.count).filter { sums[$0] != 0 || lines[$0] != 0 }.count
            #expect(blob.count == used * KeptSlots.recordSize)
            var s2 = Array(repeating: Int64(0), count: Slot.count), l2 = s2
            #expect(KeptSlots.decode(blob, limit: Self.limit, maxLines: 1_000_000, sums: &s2, lines: &l2) == nil)
            #expect(s2 == sums && l2 == lines)
        }
    }

    @Test("a record at a limit reads back; one past it is refused with the slot and the value")
    func limits() {
        var sums = Array(repeating: Int64(0), count: Slot.count), lines = sums
        sums[39] = Self.limit; lines[39] = 7
        var s = sums, l = lines
        #expect(KeptSlots.decode(KeptSlots.encode(sums: sums, lines: lines), limit: Self.limit, maxLines: 7, sums: &s, lines: &l) == nil)
        #expect(KeptSlots.decode(KeptSlots.encode(sums: sums, lines: lines), limit: Self.limit, maxLines: 6, sums: &s, lines: &l) == .lines(slot: 39, 7))
        sums[39] = Self.limit + 1
        #expect(KeptSlots.decode(KeptSlots.encode(sums: sums, lines: lines), limit: Self.limit, maxLines: 7, sums: &s, lines: &l) == .sum(slot: 39, Self.limit + 1))
        sums[39] = -1
        #expect(KeptSlots.decode(KeptSlots.encode(sums: sums, lines: lines), limit: Self.limit, maxLines: 7, sums: &s, lines: &l) == .sum(slot: 39, -1))
        #expect(KeptSlots.decode([40] + Array(repeating: 0, count: 16), limit: Self.limit, maxLines: 7, sums: &s, lines: &l) == .slot(40))
    }

    /// Random bytes, and valid BLOBs with bytes changed, cut or repeated: the reader never traps,
    /// and what it accepts is exactly what it would have written (one encoding per value).
    @Test("fuzz: no bytes crash the reader, and what it accepts encodes back to the same bytes", arguments: [11, 12] as [UInt64])
    func fuzz(seed: UInt64) {
        var rng = SyntheticBudget.RNG(seed: seed)
        let cases = 4000 * (Int(ProcessInfo.processInfo.environment["BUDGET_FUZZ_SCALE"] ?? "") ?? 1)
        var accepted = 0
        for _ in 0..<cases {
            var blob: [UInt8]
            if rng.next() % 2 == 0 {
                blob = (0..<Int(rng.next() % 90)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                var sums = Array(repeating: Int64(0), count: Slot.count), lines = sums
                for s in 0..<Slot.count where rng.next() % 4 == 0 { sums[s] = Int64(rng.next() % 1000); lines[s] = Int64(rng.next() % 5) }
                blob = KeptSlots.encode(sums: sums, lines: lines)
                switch rng.next() % 4 {
                case 0 where !blob.isEmpty: blob[Int(rng.next() % UInt64(blob.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                case 1 where !blob.isEmpty: blob.removeLast(Int(rng.next() % UInt64(blob.count)))
                case 2: blob += blob.prefix(KeptSlots.recordSize)
                default: break
                }
            }
            var sums = Array(repeating: Int64(0), count: Slot.count), lines = sums
            if KeptSlots.decode(blob, limit: Self.limit, maxLines: 4, sums: &sums, lines: &lines) == nil {
                accepted += 1
                #expect(KeptSlots.encode(sums: sums, lines: lines) == blob)
            }
        }
        #expect(accepted > cases / 10) // the valid half mostly reads back: the fuzz reached the decoder's end
    }
}
