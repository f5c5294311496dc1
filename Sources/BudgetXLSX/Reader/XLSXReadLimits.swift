/// Bounds on the work one `XLSXReader` does, so a hostile or broken file (a zip bomb, a giant
/// token, a flood of merged ranges) fails with an error that names the limit instead of exhausting
/// memory, time or disk. The documented limits, with their defaults:
///
/// | limit | default | what it bounds |
/// | --- | --- | --- |
/// | `maxTotalInflatedBytes` | 1 GiB | bytes inflated over the reader's lifetime |
/// | `maxEntryInflatedBytes` | 1 GiB | bytes inflated from one zip entry (a sheet, the shared strings) |
/// | `maxEntryCount` | 10,000 | entries in the zip's central directory |
/// | `maxXMLTokenBytes` | 16 MiB | one XML token: a tag with its attributes, a comment, a CDATA section, one text node |
/// | `maxMergedRanges` | 100,000 | merged ranges (`<mergeCell>`) in one sheet |
/// | `maxMergedCells` | 16,777,216 | cells the merged ranges of one sheet cover, summed |
///
/// A value beyond a limit is `XLSXReadError.Kind.limitExceeded` (the size limits:
/// `.sizeLimitExceeded`), with the limit's name and value in the message.
public struct XLSXReadLimits: Sendable, Equatable {
    /// Bytes inflated over the reader's lifetime, all parts and all reads together.
    public var maxTotalInflatedBytes: UInt64
    /// Bytes inflated from one zip entry (one sheet XML, the shared strings).
    public var maxEntryInflatedBytes: UInt64
    /// Entries in the zip's central directory.
    public var maxEntryCount: Int
    /// One XML token held in memory while waiting for its end (a tag with its attributes, a
    /// comment, a CDATA section), and one text node handed to the sheet: Excel's own cell limit is
    /// 32,767 characters, so 16 MiB only stops a crafted file.
    public var maxXMLTokenBytes: Int
    /// Merged ranges in one sheet: room for a merge on each of 10^5 rows.
    public var maxMergedRanges: Int
    /// Cells covered by the merged ranges of one sheet, summed over the ranges: sixteen whole
    /// columns or 1,024 whole rows. It bounds every consumer that walks a range's cells.
    public var maxMergedCells: Int

    /// 1 GiB total and per entry: room for a 10^6-row sheet, far below what a bomb inflates to.
    public init(maxTotalInflatedBytes: UInt64 = 1 << 30, maxEntryInflatedBytes: UInt64 = 1 << 30,
                maxEntryCount: Int = 10_000, maxXMLTokenBytes: Int = 16 << 20,
                maxMergedRanges: Int = 100_000, maxMergedCells: Int = 1 << 24) {
        self.maxTotalInflatedBytes = maxTotalInflatedBytes
        self.maxEntryInflatedBytes = maxEntryInflatedBytes
        self.maxEntryCount = maxEntryCount
        self.maxXMLTokenBytes = maxXMLTokenBytes
        self.maxMergedRanges = maxMergedRanges
        self.maxMergedCells = maxMergedCells
    }
}
