import Foundation

/// Reads .xlsx files written by libxlsxwriter, Excel, WPS and LibreOffice.
///
/// Opening reads only the package structure (the zip directory, workbook.xml and its rels).
/// Shared strings and styles are loaded on the first sheet read. Sheets are streamed: memory holds
/// one 64 KiB chunk and its rows, so a 10^6-row sheet reads in bounded memory via `forEachRow`.
/// Every problem with the file is an `XLSXReadError`; nothing in the file can make the reader trap.
///
/// Not thread-safe: one reader, one thread at a time (`XLSXRowStream` lends it to a thread of its own).
public final class XLSXReader {
    public let url: URL
    public let limits: XLSXReadLimits
    /// The sheets in tab order.
    public let sheets: [XLSXSheetInfo]
    /// True when the workbook counts dates from 1904-01-01 (old Mac Excel) instead of 1899-12-30.
    public let uses1904Dates: Bool
    /// Bytes inflated so far by this reader; counted against `limits.maxTotalInflatedBytes`.
    /// (`XLSXRowStream.close` sets it back past its producer's read-ahead.)
    public internal(set) var inflatedBytes: UInt64 = 0

    private let archive: ZipArchive
    private let entriesByKey: [String: ZipEntry]
    private let sharedStringsPath: String?
    private let stylesPath: String?
    private var sharedStringsCache: SharedStringTable?
    private var stylesCache: StyleTable?

    public init(url: URL, limits: XLSXReadLimits = XLSXReadLimits()) throws {
        self.url = url
        self.limits = limits
        let archive = try ZipArchive(path: url.path, maxEntryCount: limits.maxEntryCount)
        self.archive = archive
        var byKey: [String: ZipEntry] = [:]
        for entry in archive.entries { byKey[PartPath.key(entry.path)] = entry }
        entriesByKey = byKey

        // The main part is named by the package's root rels; "xl/workbook.xml" when that is missing.
        var workbookPath = "xl/workbook.xml"
        if byKey[PartPath.key("_rels/.rels")] != nil {
            let rootRels = try Self.parsed(RelationshipsHandler(), part: "_rels/.rels", entries: byKey, archive: archive,
                                           limits: limits, inflated: &inflatedBytes)
            if let main = rootRels.relationships.first(where: {
                $0.type.hasSuffix("/officeDocument") && !$0.external
            }) {
                workbookPath = PartPath.resolve(main.target, relativeTo: "")
            }
        }
        let workbook = try Self.parsed(WorkbookHandler(part: workbookPath), part: workbookPath, entries: byKey, archive: archive,
                                       limits: limits, inflated: &inflatedBytes)
        let relsPath = PartPath.relsPath(for: workbookPath)
        let relationships = try Self.parsed(RelationshipsHandler(), part: relsPath, entries: byKey, archive: archive,
                                            limits: limits, inflated: &inflatedBytes).relationships

        // By id, so a workbook of many sheets costs one lookup a sheet, not a scan of the rels.
        var relationshipsByID: [String: Relationship] = [:]
        for rel in relationships where relationshipsByID[rel.id] == nil { relationshipsByID[rel.id] = rel }
        var infos: [XLSXSheetInfo] = []
        for (index, sheet) in workbook.sheets.enumerated() {
            guard let rel = relationshipsByID[sheet.relationshipID] else {
                throw XLSXReadError.malformedXML(relsPath, "no relationship \(sheet.relationshipID) for sheet \"\(sheet.name)\"")
            }
            let kind: XLSXSheetInfo.Kind = rel.type.hasSuffix("/worksheet") ? .worksheet
                : rel.type.hasSuffix("/chartsheet") ? .chartsheet : .other
            infos.append(XLSXSheetInfo(name: sheet.name, index: index, state: sheet.state, kind: kind,
                                       partPath: PartPath.resolve(rel.target, relativeTo: workbookPath)))
        }
        sheets = infos
        uses1904Dates = workbook.uses1904Dates

        func target(_ suffix: String, fallback: String) -> String? {
            if let rel = relationships.first(where: { $0.type.hasSuffix(suffix) && !$0.external }) {
                return PartPath.resolve(rel.target, relativeTo: workbookPath)
            }
            return byKey[PartPath.key(fallback)] != nil ? fallback : nil
        }
        sharedStringsPath = target("/sharedStrings", fallback: "xl/sharedStrings.xml")
        stylesPath = target("/styles", fallback: "xl/styles.xml")
    }

    // MARK: Sheets

    /// The sheet with this name: exact match first, then ignoring case (as Excel compares names).
    public func sheet(named name: String) throws -> XLSXSheetInfo {
        if let exact = sheets.first(where: { $0.name == name }) { return exact }
        if let loose = sheets.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) { return loose }
        throw XLSXReadError.sheetNotFound(name, available: sheets.map(\.name))
    }

    /// Streams a sheet's rows in file order, each with only the cells the file holds.
    ///
    /// Rows reach `body` as they are parsed; throwing from `body` stops the read and the error
    /// propagates. An error in the file found after some rows (a cut-short part, a CRC mismatch)
    /// is thrown after those rows were delivered, so callers that act on rows should stage them.
    public func forEachRow(sheet name: String, _ body: (XLSXRow) throws -> Void) throws {
        _ = try scan(try sheet(named: name), wantRows: true) { row, _ in try body(row) }
    }

    /// `forEachRow`, each row with `inflatedBytes` as it stands when the row is delivered (the
    /// property itself cannot be read then: the inflate loop holds it).
    func forEachRowCounting(sheet name: String, _ body: (XLSXRow, UInt64) throws -> Void) throws {
        _ = try scan(try sheet(named: name), wantRows: true, body)
    }

    /// The inflated size the zip directory declares for a sheet's part (not checked: the read
    /// counts the bytes it gets), for choosing how to read it; nil without such a sheet or part.
    public func declaredPartSize(sheet name: String) -> UInt64? {
        guard let info = try? sheet(named: name) else { return nil }
        return entriesByKey[PartPath.key(info.partPath)]?.uncompressedSize
    }

    /// All rows of a sheet in memory: for the small sheets of a template or a disclosure table.
    public func rows(sheet name: String) throws -> [XLSXRow] {
        var rows: [XLSXRow] = []
        try forEachRow(sheet: name) { rows.append($0) }
        return rows
    }

    /// The merged ranges of a sheet (they follow the cell data, so the whole part is scanned).
    /// At most `limits.maxMergedRanges`, covering at most `limits.maxMergedCells` cells, none
    /// overlapping another; `XLSXMergeIndex` finds a cell's range without expanding any.
    public func mergedRanges(sheet name: String) throws -> [XLSXRange] {
        try scan(try sheet(named: name), wantRows: false) { _, _ in }
    }

    /// Rows and merged ranges in one pass.
    public func read(sheet name: String) throws -> XLSXSheet {
        let info = try sheet(named: name)
        var rows: [XLSXRow] = []
        let merged = try scan(info, wantRows: true) { row, _ in rows.append(row) }
        return XLSXSheet(info: info, rows: rows, mergedRanges: merged)
    }

    private func scan(_ info: XLSXSheetInfo, wantRows: Bool, _ body: (XLSXRow, UInt64) throws -> Void) throws -> [XLSXRange] {
        guard let entry = entriesByKey[PartPath.key(info.partPath)] else {
            throw XLSXReadError.missingPart(info.partPath)
        }
        let strings = wantRows ? try sharedStrings() : SharedStringTable()
        let styles = wantRows ? try styleTable() : StyleTable()
        var tokenizer = XMLTokenizer(
            handler: SheetHandler(part: info.partPath, sheet: info.name, sharedStrings: strings, styles: styles,
                                  wantRows: wantRows, limits: limits),
            part: info.partPath, sheet: info.name, maxTokenBytes: limits.maxXMLTokenBytes)
        // What `inflatedBytes` will be after each chunk, counted here: inflating holds the property.
        var inflated = inflatedBytes
        try inflate(entry) { chunk in
            inflated += UInt64(chunk.count)
            try tokenizer.feed(chunk)
            for row in tokenizer.handler.takeRows() { try body(row, inflated) }
        }
        try tokenizer.finish()
        for row in tokenizer.handler.takeRows() { try body(row, inflatedBytes) }
        return try tokenizer.handler.finishedMergedRanges()
    }

    // MARK: Shared parts

    private func sharedStrings() throws -> SharedStringTable {
        if let sharedStringsCache { return sharedStringsCache }
        var strings = SharedStringTable()
        if let path = sharedStringsPath {
            strings = try Self.parsed(SharedStringsHandler(), part: path, entries: entriesByKey, archive: archive,
                                      limits: limits, inflated: &inflatedBytes).table
        }
        sharedStringsCache = strings
        return strings
    }

    private func styleTable() throws -> StyleTable {
        if let stylesCache { return stylesCache }
        var table = StyleTable()
        if let path = stylesPath, entriesByKey[PartPath.key(path)] != nil {
            table = try Self.parsed(StylesHandler(), part: path, entries: entriesByKey, archive: archive,
                                    limits: limits, inflated: &inflatedBytes).table
        }
        stylesCache = table
        return table
    }

    // MARK: Inflating under the limits

    private func inflate(_ entry: ZipEntry, _ consumer: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        try Self.inflate(entry, archive: archive, limits: limits, inflated: &inflatedBytes, consumer)
    }

    /// Streams an entry, stopping as soon as the per-entry or total limit is passed. The declared
    /// size is checked first, but not trusted: the bytes actually produced are counted.
    private static func inflate(_ entry: ZipEntry, archive: ZipArchive, limits: XLSXReadLimits,
                                inflated: inout UInt64,
                                _ consumer: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if entry.uncompressedSize > limits.maxEntryInflatedBytes {
            throw XLSXReadError.limit(.perEntry, limit: limits.maxEntryInflatedBytes, entry: entry.path)
        }
        var entryBytes: UInt64 = 0
        try archive.extract(entry) { chunk in
            entryBytes += UInt64(chunk.count)
            inflated += UInt64(chunk.count)
            if entryBytes > limits.maxEntryInflatedBytes {
                throw XLSXReadError.limit(.perEntry, limit: limits.maxEntryInflatedBytes, entry: entry.path)
            }
            if inflated > limits.maxTotalInflatedBytes {
                throw XLSXReadError.limit(.total, limit: limits.maxTotalInflatedBytes, entry: entry.path)
            }
            try consumer(chunk)
        }
    }

    /// Parses a whole (small) part through `handler` and returns the handler; a part the package
    /// lacks is `missingPart`.
    private static func parsed<H: XMLHandler>(_ handler: H, part: String, entries: [String: ZipEntry], archive: ZipArchive,
                                              limits: XLSXReadLimits, inflated: inout UInt64) throws -> H {
        guard let entry = entries[PartPath.key(part)] else { throw XLSXReadError.missingPart(part) }
        var tokenizer = XMLTokenizer(handler: handler, part: part, maxTokenBytes: limits.maxXMLTokenBytes)
        try inflate(entry, archive: archive, limits: limits, inflated: &inflated) { chunk in
            try tokenizer.feed(chunk)
        }
        try tokenizer.finish()
        return tokenizer.handler
    }
}
