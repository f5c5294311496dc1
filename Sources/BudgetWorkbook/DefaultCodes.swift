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
        let aliases = ["科目编码": "code", "编码": "code", "科目代码": "code", "代码": "code",
                       "科目名称": "name", "名称": "name"]
        guard var t = CSVTable(file: file, bytes: bytes, required: ["code", "name"], optional: [], aliases: aliases,
                               problems: &problems) else { return [] }
        var out: [(String, String)] = []
        var seen = Set<String>()
        t.forEachRecord(problems: &problems) { line, r, problems in
            let code = r.text("code"), name = r.text("name")
            validateCode(code, name: name, set: set, seen: &seen, location: { r.location(line, $0) }, problems: &problems)
            if set.isWellFormed(code), !name.isEmpty { out.append((code, name)) }
        }
        return out
    }

    /// The rules for one row of a code list.
    public static func validateCode(_ code: String, name: String, set: CodeSet, seen: inout Set<String>,
                                    location: (String) -> Location, problems: inout ProblemCollector) {
        if !set.isWellFormed(code) {
            problems.add(Problem(rule: "malformed-code", location: location("code"), value: code,
                                 message: "科目编码 `\(code)` 格式不对（\(set.chineseName)的编码为 \(set.levels.map(String.init).joined(separator: "/")) 位数字）"))
        } else if !seen.insert(code).inserted {
            problems.add(Problem(rule: "duplicate-code", location: location("code"), value: code, message: "科目编码 `\(code)` 重复"))
        }
        if name.isEmpty {
            problems.add(Problem(rule: "empty-value", location: location("name"), value: code, message: "科目 `\(code)` 的名称为空"))
        }
    }
}
