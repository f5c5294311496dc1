/// A rolled-up tree as staff read it in the terminal: rows of 类/款/项 (or economic 类/款) with a
/// few columns of figures. Pure: the CLI prints it, the server serves it.
public struct TreeView: Sendable {
    public enum Tree: String, Sendable, CaseIterable { case function, economic }
    public enum Columns: String, Sendable, CaseIterable { case kinds, sources, years }

    public struct Row: Sendable {
        public var code: String
        public var name: String
        public var level: Int
        public var values: [Money]
    }

    public var headers: [String]
    public var rows: [Row]
    public var total: [Money]

    public static func columns(_ c: Columns) -> [(String, Measure)] {
        switch c {
        case .kinds:
            return [("合计", .all), ("基本支出", Measure(kinds: [.basic])), ("项目支出", Measure(kinds: [.project]))]
        case .sources:
            return [("合计", .all)] + Source.allCases.map { ($0.name, Measure(sources: [$0])) }
        case .years:
            return [("合计", .all), ("当年", Measure(carryover: [.currentYear])), ("上年结转", Measure(carryover: [.carriedOver]))]
        }
    }

    /// Builds the tree; rows whose figures are all zero are left out, as the tables do.
    public init(rollup: Rollup, codes: CodeBook, tree: Tree = .function, columns: Columns = .kinds, unit: String? = nil) {
        let cols = TreeView.columns(columns)
        headers = cols.map(\.0)
        let set: CodeSet = tree == .function ? .function : .economic
        let codeList: [String]
        if let unit, tree == .function { codeList = rollup.functionCodes(unit: unit) }
        else { codeList = tree == .function ? rollup.functionCodes : rollup.economicCodes }
        func node(_ c: String) -> RollupNode {
            if let unit, tree == .function { return .unitFunction(unit: unit, function: c) }
            return tree == .function ? .function(c) : .economic(c)
        }
        rows = codeList.compactMap { c in
            let values = cols.map { rollup.total(node(c), $0.1) }
            if values.allSatisfy({ $0 == .zero }) { return nil }
            return Row(code: c, name: codes.name(set, c) ?? "（未知科目）", level: set.levels.firstIndex(of: c.count) ?? 0,
                       values: values)
        }
        total = cols.map { rollup.total(unit.map { .unit($0) } ?? .department, $0.1) }
    }

    /// The tree as aligned text in 万元 (Chinese characters count two columns).
    public func render() -> String {
        var table: [[String]] = [["科目编码", "科目名称"] + headers]
        table.append(["合计", ""] + total.map(\.wanText))
        for r in rows {
            table.append([r.code, String(repeating: "  ", count: r.level) + r.name] + r.values.map(\.wanText))
        }
        return TextTable.render(table, rightAligned: Set(2..<(2 + headers.count))) + "单位：万元\n"
    }
}

/// Aligned plain-text tables; East Asian wide characters take two columns.
public enum TextTable {
    public static func width(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { $0 + (isWide($1) ? 2 : 1) }
    }

    static func isWide(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x3FFFD: return true
        default: return false
        }
    }

    public static func pad(_ s: String, _ w: Int, right: Bool) -> String {
        let fill = String(repeating: " ", count: max(0, w - width(s)))
        return right ? fill + s : s + fill
    }

    public static func render(_ rows: [[String]], rightAligned: Set<Int>) -> String {
        let n = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: n)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], width(c)) } }
        var out = ""
        for r in rows {
            var line: [String] = []
            for i in 0..<n {
                let c = i < r.count ? r[i] : ""
                line.append(pad(c, widths[i], right: rightAligned.contains(i)))
            }
            var l = line.joined(separator: "  ")
            while l.hasSuffix(" ") { l.removeLast() }
            out += l + "\n"
        }
        return out
    }
}
