import BudgetCore
import Foundation

/// The default code sets shipped under `Templates/codes/`, and code lists a finance bureau hands out.
public enum CodeLists {
    /// Reads `Templates/codes/{function,economic,government-economic,revenue}.csv` and `economic-map.csv`.
    public static func loadDefaults(codesFolder: URL) throws -> CodeBook {
        var book = CodeBook()
        var problems = ProblemCollector()
        for set in CodeSet.allCases {
            let url = codesFolder.appendingPathComponent("\(set.rawValue).csv")
            guard let d = FileManager.default.contents(atPath: url.path) else { throw WorkbookError.missingFile(url.path) }
            for (code, name) in parseCodeList([UInt8](d), file: url.lastPathComponent, set: set, problems: &problems) {
                book.define(set, code: code, name: name, origin: .defaults)
            }
        }
        let mapURL = codesFolder.appendingPathComponent("economic-map.csv")
        guard let m = FileManager.default.contents(atPath: mapURL.path) else { throw WorkbookError.missingFile(mapURL.path) }
        WorkbookFolder.readEconomicMap([UInt8](m), file: "economic-map.csv", into: &book, origin: .defaults, problems: &problems)
        try problems.throwIfErrors()
        return book
    }

    /// Parses a `code,name` list (or 科目编码,科目名称), e.g. the full official list; every problem is collected.
    public static func parseCodeList(_ bytes: [UInt8], file: String, set: CodeSet,
                                     problems: inout ProblemCollector) -> [(String, String)] {
        var seen = Set<String>()
        return WorkbookFolder.readRows(bytes, file: file, schema: .codeList, problems: &problems) { r, _, p in
            RowRules.codeListEntry(&r, set: set, seen: &seen, problems: &p)
        }.rows
    }
}
