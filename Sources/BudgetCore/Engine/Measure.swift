/// One cell of the engine's per-node breakdown: source × carryover × kind × cost nature (5×2×2×2 = 40).
/// Every column of every disclosure table is a union of these slots.
public enum Slot {
    public static let count = 40

    @inline(__always)
    public static func index(_ source: Source, _ carryover: Carryover, _ kind: ExpenditureKind, _ nature: CostNature) -> Int {
        ((source.rawValue * 2 + carryover.rawValue) * 2 + kind.rawValue) * 2 + nature.rawValue
    }
}

/// A filter over the slots: which sources, years, kinds and cost natures a figure sums.
/// A table column is a measure; a figure is (node, measure).
public struct Measure: Hashable, Sendable, CustomStringConvertible {
    /// Bit i set means slot i counts.
    public let mask: UInt64

    public init(mask: UInt64) { self.mask = mask }

    /// Nil for a dimension means every value of it.
    public init(sources: [Source]? = nil, carryover: [Carryover]? = nil, kinds: [ExpenditureKind]? = nil,
                natures: [CostNature]? = nil) {
        var m: UInt64 = 0
        for s in sources ?? Source.allCases {
            for c in carryover ?? Carryover.allCases {
                for k in kinds ?? ExpenditureKind.allCases {
                    for n in natures ?? CostNature.allCases {
                        m |= 1 << UInt64(Slot.index(s, c, k, n))
                    }
                }
            }
        }
        mask = m
    }

    public static let all = Measure()
    /// 财政拨款: the first three sources.
    public static let fiscalSources: [Source] = [.generalPublic, .governmentFund, .stateCapital]

    public func intersection(_ other: Measure) -> Measure { Measure(mask: mask & other.mask) }
    public var isEmpty: Bool { mask == 0 }

    public var description: String { "Measure(0x\(String(mask, radix: 16)))" }
}
