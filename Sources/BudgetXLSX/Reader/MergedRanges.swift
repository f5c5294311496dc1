import Foundation

/// The merged ranges of a sheet as the reader accepts them: at most `maxMergedRanges`, covering at
/// most `maxMergedCells` cells in all, none overlapping another (Excel refuses overlapping merges,
/// and a cell in two ranges would have two top-left values to take).
///
/// Why bounded by area as well as by count: 2,000 ranges `A{i}:ZZZ{i}` fit in a 38 KB file but
/// cover 36 million cells; a consumer that walks a range's cells or columns must not be handed that.
struct MergedRangeCollector {
    let limits: XLSXReadLimits
    let place: String
    let part: String
    private(set) var ranges: [XLSXRange] = []
    /// Cells covered so far, summed over the ranges (never more than `maxMergedCells`).
    private(set) var coveredCells = 0

    init(limits: XLSXReadLimits, place: String, part: String) {
        self.limits = limits
        self.place = place
        self.part = part
    }

    /// Adds one `<mergeCell ref>`; throws as soon as a limit is passed, so memory stays bounded.
    mutating func add(_ ref: String) throws {
        guard let range = CellReference.parseRange(ref) else {
            throw XLSXReadError.badMergeRange(place: place, part: part, ref)
        }
        guard ranges.count < limits.maxMergedRanges else {
            throw XLSXReadError.tooManyMergedRanges(place: place, part: part, limit: limits.maxMergedRanges,
                                                    next: range.reference)
        }
        // Rows < 10^7 and columns < 18,278 (CellReference's bounds), so the area fits easily; checked anyway.
        let (area, overflow) = (range.lastRow - range.firstRow + 1)
            .multipliedReportingOverflow(by: range.lastColumn - range.firstColumn + 1)
        let (total, overflow2) = coveredCells.addingReportingOverflow(area)
        guard !overflow, !overflow2, total <= limits.maxMergedCells else {
            throw XLSXReadError.tooManyMergedCells(place: place, part: part, limit: limits.maxMergedCells,
                                                   at: range.reference)
        }
        coveredCells = total
        ranges.append(range)
    }

    /// The ranges, once the sheet is read: refused if two overlap.
    func finished() throws -> [XLSXRange] {
        if let (a, b) = Self.firstOverlap(ranges) {
            throw XLSXReadError.overlappingMerges(place: place, part: part, a.reference, b.reference)
        }
        return ranges
    }

    /// Two ranges that share a cell, if any. A sweep down the rows keeps, per column, the range
    /// that holds it on the current row; each range is entered and left once, column by column,
    /// so the work is the ranges' summed widths (at most their area, bounded by `maxMergedCells`)
    /// plus a sort, never the cells.
    static func firstOverlap(_ ranges: [XLSXRange]) -> (XLSXRange, XLSXRange)? {
        // (Indices fit the key's 32 bits: memory ends a sheet far before 2^32 ranges.)
        guard ranges.count > 1, ranges.count < 1 << 32 else { return nil }
        // Orders as sorted integer keys, (row << 32 | index): the sort needs no closure, and ties
        // keep file order, so the pair reported is the first range and the later one that hits it.
        func order(_ row: (XLSXRange) -> Int) -> [Int] {
            var keys = ranges.indices.map { UInt64(row(ranges[$0])) << 32 | UInt64($0) }
            keys.sort()
            return keys.map { Int($0 & 0xFFFF_FFFF) }
        }
        let byStart = order(\.firstRow)
        let byEnd = order(\.lastRow)
        let width = (ranges.map(\.lastColumn).max() ?? 0) + 1
        var owner = [Int](repeating: -1, count: width)
        var ended = 0
        for s in byStart {
            let range = ranges[s]
            // Ranges that end above this one's first row no longer hold their columns.
            while ended < byEnd.count, ranges[byEnd[ended]].lastRow < range.firstRow {
                let done = byEnd[ended]
                for c in ranges[done].firstColumn...ranges[done].lastColumn where owner[c] == done { owner[c] = -1 }
                ended += 1
            }
            for c in range.firstColumn...range.lastColumn where owner[c] >= 0 {
                return (ranges[owner[c]], range)
            }
            for c in range.firstColumn...range.lastColumn { owner[c] = s }
        }
        return nil
    }
}

/// Finds the merged range that covers a cell, for the columns a caller reads (an importer's
/// mapped columns). Built in O(ranges × columns), each lookup a binary search: no range is ever
/// expanded into its cells or columns. The reader's ranges never overlap, so at most one range
/// covers a cell.
public struct XLSXMergeIndex: Sendable {
    /// Per column, the ranges that cover it, ordered by first row (disjoint in rows).
    private let byColumn: [Int: [XLSXRange]]

    public init(_ ranges: [XLSXRange], columns: some Sequence<Int>) {
        let wanted = Set(columns)
        var map: [Int: [XLSXRange]] = [:]
        for range in ranges {
            for c in wanted where range.firstColumn <= c && c <= range.lastColumn { map[c, default: []].append(range) }
        }
        byColumn = map.mapValues { $0.sorted { $0.firstRow < $1.firstRow } }
    }

    /// True when no range covers any of the columns.
    public var isEmpty: Bool { byColumn.isEmpty }

    /// The range covering (row, column), if any; nil also for a column the index was not built for.
    public func range(containing row: Int, column: Int) -> XLSXRange? {
        guard let list = byColumn[column] else { return nil }
        var low = 0, high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid].firstRow <= row { low = mid + 1 } else { high = mid }
        }
        guard low > 0, list[low - 1].lastRow >= row else { return nil }
        return list[low - 1]
    }
}
