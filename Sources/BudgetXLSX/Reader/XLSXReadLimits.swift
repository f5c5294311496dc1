/// Bounds on the work one `XLSXReader` does, so a hostile or broken file (a zip bomb, a giant
/// token) fails with an error instead of exhausting memory or disk.
public struct XLSXReadLimits: Sendable, Equatable {
    /// Bytes inflated over the reader's lifetime, all parts and all reads together.
    public var maxTotalInflatedBytes: UInt64
    /// Bytes inflated from one zip entry (one sheet XML, the shared strings).
    public var maxEntryInflatedBytes: UInt64
    /// Entries in the zip's central directory.
    public var maxEntryCount: Int
    /// One XML token (a tag, a comment) held in memory while waiting for its end.
    public var maxXMLTokenBytes: Int

    /// 1 GiB total and per entry: room for a 10^6-row sheet, far below what a bomb inflates to.
    public init(maxTotalInflatedBytes: UInt64 = 1 << 30, maxEntryInflatedBytes: UInt64 = 1 << 30,
                maxEntryCount: Int = 10_000, maxXMLTokenBytes: Int = 16 << 20) {
        self.maxTotalInflatedBytes = maxTotalInflatedBytes
        self.maxEntryInflatedBytes = maxEntryInflatedBytes
        self.maxEntryCount = maxEntryCount
        self.maxXMLTokenBytes = maxXMLTokenBytes
    }
}
