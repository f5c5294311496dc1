import BudgetCore
import Foundation

extension TableTemplateSet {
    /// Reads a template set: `set.json` (name, table files in order, named measures) and one file a table.
    ///
    /// Refuses the whole set, listing every problem with its file, when a table names an unknown
    /// measure, merges overlapping or out-of-frame cells, refers to a column it does not have, or
    /// has a header row of the wrong width: a bad template must never print a wrong table.
    public static func load(_ folder: URL) throws(TemplateError) -> TableTemplateSet {
        let setFile = folder.appendingPathComponent("set.json")
        var problems: [TemplateError.Problem] = []
        let root: [String: Any]
        do { root = try readObject(setFile) } catch { throw TemplateError(file: setFile.path, error.description) }
        var p = Parser(file: setFile.path)
        let name = p.string(root, "name", at: "") ?? folder.lastPathComponent
        let files = p.strings(root, "tables", at: "") ?? []
        if files.isEmpty { p.fail("", "`tables` 须列出至少一个表格文件") }
        var measures: [String: Measure] = [:]
        if let defs = p.object(root, "measures", at: "") {
            for (key, value) in defs.sorted(by: { $0.key < $1.key }) {
                guard let def = value as? [String: Any] else { p.fail("measures.\(key)", "口径定义须是对象"); continue }
                if let m = p.measureDefinition(def, at: "measures.\(key)") { measures[key] = m }
            }
        } else {
            p.fail("", "缺少 `measures`（口径定义）")
        }
        p.unknownKeys(root, allowed: ["name", "tables", "measures", "description"], at: "")
        problems += p.problems

        var tables: [TableTemplate] = []
        for f in files {
            let url = folder.appendingPathComponent(f)
            let obj: [String: Any]
            do { obj = try readObject(url) } catch {
                problems.append(.init(file: url.path, message: error.description)); continue
            }
            var tp = Parser(file: url.path)
            if let t = tp.table(obj, measures: measures) { tables.append(t) }
            problems += tp.problems
        }
        var seenKeys: Set<String> = [], seenSheets: Set<String> = []
        for t in tables {
            if !seenKeys.insert(t.key).inserted {
                problems.append(.init(file: t.file, message: "表格编号 `\(t.key)` 与前面的表格重复"))
            }
            if !seenSheets.insert(t.sheet.lowercased()).inserted {
                problems.append(.init(file: t.file, message: "工作表名 `\(t.sheet)` 与前面的表格重复"))
            }
        }
        if !problems.isEmpty { throw TemplateError(problems) }
        return TableTemplateSet(name: name, measures: measures, tables: tables)
    }

    struct ReadError: Error, CustomStringConvertible { var description: String }

    static func readObject(_ url: URL) throws(ReadError) -> [String: Any] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ReadError(description: "无法读取文件（\(error.localizedDescription)）") }
        let any: Any
        do { any = try JSONSerialization.jsonObject(with: data) } catch {
            throw ReadError(description: "不是合法的 JSON（\(error.localizedDescription)）")
        }
        guard let obj = any as? [String: Any] else { throw ReadError(description: "顶层须是 JSON 对象") }
        return obj
    }
}

/// A strict reader of the template JSON: every problem is recorded with its path in the file.
struct Parser {
    let file: String
    var problems: [TemplateError.Problem] = []

    init(file: String) { self.file = file }

    mutating func fail(_ path: String, _ message: String) {
        problems.append(.init(file: file, message: path.isEmpty ? message : "`\(path)`：\(message)"))
    }

    mutating func unknownKeys(_ obj: [String: Any], allowed: Set<String>, at path: String) {
        for k in obj.keys.sorted() where !allowed.contains(k) {
            fail(join(path, k), "未知的字段（可用：\(allowed.sorted().joined(separator: "、"))）")
        }
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func string(_ obj: [String: Any], _ key: String, at path: String, required: Bool = true) -> String? {
        guard let v = obj[key] else { if required { fail(join(path, key), "缺少此字段") }; return nil }
        guard let s = v as? String else { fail(join(path, key), "须是字符串"); return nil }
        return s
    }

    mutating func strings(_ obj: [String: Any], _ key: String, at path: String, required: Bool = true) -> [String]? {
        guard let v = obj[key] else { if required { fail(join(path, key), "缺少此字段") }; return nil }
        guard let a = v as? [Any], let s = a as? [String] else { fail(join(path, key), "须是字符串数组"); return nil }
        return s
    }

    mutating func object(_ obj: [String: Any], _ key: String, at path: String) -> [String: Any]? {
        guard let v = obj[key] else { return nil }
        guard let o = v as? [String: Any] else { fail(join(path, key), "须是对象"); return nil }
        return o
    }

    mutating func number(_ obj: [String: Any], _ key: String, at path: String) -> Double? {
        guard let v = obj[key] else { return nil }
        guard let n = v as? NSNumber, !(v is Bool) else { fail(join(path, key), "须是数字"); return nil }
        return n.doubleValue
    }

    mutating func bool(_ obj: [String: Any], _ key: String, at path: String) -> Bool? {
        guard let v = obj[key] else { return nil }
        guard let b = v as? Bool else { fail(join(path, key), "须是 true 或 false"); return nil }
        return b
    }

    // MARK: Measures

    /// `{"source": ["一般公共预算"], "carryover": ["当年"], "kind": ["基本支出"], "nature": ["公用经费"]}`;
    /// a missing dimension means all of it; `财政拨款` in `source` means the three fiscal sources.
    mutating func measureDefinition(_ def: [String: Any], at path: String) -> Measure? {
        unknownKeys(def, allowed: ["source", "carryover", "kind", "nature"], at: path)
        var ok = true
        var sources: [Source]?, carry: [Carryover]?, kinds: [ExpenditureKind]?, natures: [CostNature]?
        if let names = strings(def, "source", at: path, required: false) {
            sources = []
            for n in names {
                if n == "财政拨款" { sources! += Measure.fiscalSources }
                else if let s = Source(name: n) { sources!.append(s) }
                else { fail(join(path, "source"), "未知的资金来源 `\(n)`（可用：\(Source.allCases.map(\.name).joined(separator: "、"))、财政拨款）"); ok = false }
            }
        }
        if let names = strings(def, "carryover", at: path, required: false) {
            carry = []
            for n in names {
                if let c = Carryover(name: n) { carry!.append(c) } else { fail(join(path, "carryover"), "未知的年度 `\(n)`（可用：当年、上年结转）"); ok = false }
            }
        }
        if let names = strings(def, "kind", at: path, required: false) {
            kinds = []
            for n in names {
                if let k = ExpenditureKind(name: n) { kinds!.append(k) } else { fail(join(path, "kind"), "未知的支出类型 `\(n)`（可用：基本支出、项目支出）"); ok = false }
            }
        }
        if let names = strings(def, "nature", at: path, required: false) {
            natures = []
            for n in names {
                switch n {
                case "人员经费": natures!.append(.personnel)
                case "公用经费": natures!.append(.publicUse)
                default: fail(join(path, "nature"), "未知的经费性质 `\(n)`（可用：人员经费、公用经费）"); ok = false
                }
            }
        }
        return ok ? Measure(sources: sources, carryover: carry, kinds: kinds, natures: natures) : nil
    }

    /// A measure reference: a name or a list of names, intersected.
    mutating func measureRef(_ value: Any, measures: [String: Measure], at path: String) -> Measure? {
        let names: [String]
        if let s = value as? String { names = [s] } else if let a = value as? [Any], let s = a as? [String], !s.isEmpty { names = s } else {
            fail(path, "口径须是口径名或口径名数组"); return nil
        }
        var m = Measure.all
        for n in names {
            guard let d = measures[n] else {
                fail(path, "未定义的口径 `\(n)`（set.json 中已定义：\(measures.keys.sorted().joined(separator: "、"))）")
                return nil
            }
            m = m.intersection(d)
        }
        return m
    }

    // MARK: Tables

    mutating func table(_ obj: [String: Any], measures: [String: Measure]) -> TableTemplate? {
        unknownKeys(obj, allowed: ["key", "label", "title", "sheet", "landscape", "filter", "header", "merges", "sides",
                                   "emptyNote", "description"], at: "")
        let key = string(obj, "key", at: "") ?? ""
        let label = string(obj, "label", at: "") ?? ""
        let title = string(obj, "title", at: "") ?? ""
        let sheet = string(obj, "sheet", at: "") ?? ""
        if sheet.count > 31 { fail("sheet", "工作表名 `\(sheet)` 超过 31 个字符（Excel 的上限）") }
        if sheet.isEmpty && obj["sheet"] != nil { fail("sheet", "工作表名不能为空") }
        if let bad = sheet.first(where: { "[]:*?/\\".contains($0) }) { fail("sheet", "工作表名 `\(sheet)` 含有 Excel 不允许的字符 `\(bad)`") }
        if sheet.hasPrefix("'") || sheet.hasSuffix("'") { fail("sheet", "工作表名不能以单引号开头或结尾") }
        let landscape = bool(obj, "landscape", at: "") ?? false
        var filter = Measure.all
        if let f = obj["filter"] { filter = measureRef(f, measures: measures, at: "filter") ?? .all }
        let emptyNote = string(obj, "emptyNote", at: "", required: false)

        var sides: [TableTemplate.Side] = []
        if let arr = obj["sides"] as? [Any], !arr.isEmpty, arr.count <= 2 {
            for (i, s) in arr.enumerated() {
                guard let so = s as? [String: Any] else { fail("sides[\(i)]", "须是对象"); continue }
                if let side = self.side(so, filter: filter, measures: measures, at: "sides[\(i)]") { sides.append(side) }
            }
        } else {
            fail("sides", "须是含一个或两个栏（左右并列）的数组")
        }
        let columns = sides.flatMap(\.columns)
        var seen: Set<String> = []
        for c in columns where !seen.insert(c.key).inserted { fail("sides", "列名 `\(c.key)` 重复") }

        var header: [[String]] = []
        if let rows = obj["header"] as? [Any], !rows.isEmpty {
            for (i, r) in rows.enumerated() {
                guard let a = r as? [Any], let s = a as? [String] else { fail("header[\(i)]", "表头行须是字符串数组"); continue }
                if !columns.isEmpty && s.count != columns.count {
                    fail("header[\(i)]", "表头第 \(i + 1) 行有 \(s.count) 格，但表格有 \(columns.count) 列（\(columns.map(\.key).joined(separator: "、"))）")
                }
                header.append(s)
            }
        } else {
            fail("header", "缺少表头行（字符串数组的数组）")
        }

        var merges: [DisclosureTable.CellRange] = []
        for ref in strings(obj, "merges", at: "", required: false) ?? [] {
            guard let r = CellRef.range(ref) else { fail("merges", "`\(ref)` 不是单元格区域（例如 A1:B2）"); continue }
            if r.lastRow >= header.count || r.lastColumn >= columns.count {
                fail("merges", "合并区域 `\(ref)` 超出表头（表头 \(header.count) 行 × \(columns.count) 列）"); continue
            }
            if r.firstRow == r.lastRow && r.firstColumn == r.lastColumn { fail("merges", "合并区域 `\(ref)` 只有一格"); continue }
            if let other = merges.first(where: { $0.overlaps(r) }) {
                fail("merges", "合并区域 `\(ref)` 与 `\(CellRef.name(other))` 重叠"); continue
            }
            merges.append(r)
        }
        for m in merges {
            for row in m.firstRow...m.lastRow where row < header.count {
                for col in m.firstColumn...m.lastColumn where col < header[row].count && (row, col) != (m.firstRow, m.firstColumn) {
                    if !header[row][col].isEmpty {
                        fail("header[\(row)]", "第 \(col + 1) 格 `\(header[row][col])` 在合并区域 `\(CellRef.name(m))` 内，须为空")
                    }
                }
            }
        }
        guard problems.isEmpty else { return nil }
        return TableTemplate(file: file, key: key, label: label, title: title, sheet: sheet, landscape: landscape,
                             filter: filter, header: header, merges: merges, sides: sides, emptyNote: emptyNote)
    }

    mutating func side(_ obj: [String: Any], filter: Measure, measures: [String: Measure], at path: String) -> TableTemplate.Side? {
        unknownKeys(obj, allowed: ["columns", "rows", "footer"], at: path)
        var columns: [TableTemplate.Column] = []
        guard let arr = obj["columns"] as? [Any], !arr.isEmpty else { fail(join(path, "columns"), "须是非空数组"); return nil }
        for (i, c) in arr.enumerated() {
            let cp = "\(path).columns[\(i)]"
            guard let co = c as? [String: Any] else { fail(cp, "须是对象"); continue }
            unknownKeys(co, allowed: ["key", "kind", "field", "measure", "width"], at: cp)
            let key = string(co, "key", at: cp) ?? ""
            let width = number(co, "width", at: cp) ?? 10
            if width <= 0 || width > 255 { fail(cp, "列宽须在 0 到 255 之间") }
            if let m = co["measure"] {
                if co["field"] != nil { fail(cp, "金额列（有 measure）不能同时有 field") }
                if let kind = co["kind"] as? String, kind != "amount" { fail(cp, "有 measure 的列须是金额列（kind: amount）") }
                // An unknown measure is reported once; the column keeps its place so the header
                // and merge checks do not report the same mistake again.
                let measure = measureRef(m, measures: measures, at: "\(cp).measure") ?? Measure(mask: 0)
                columns.append(.init(key: key, kind: .amount, field: nil, measure: measure.intersection(filter), width: width))
            } else {
                let kindName = string(co, "kind", at: cp, required: false) ?? "text"
                guard let kind = DisclosureTable.Column.Kind(rawValue: kindName), kind != .amount else {
                    fail(cp, kindName == "amount" ? "金额列缺少 measure（口径）" : "未知的列类型 `\(kindName)`（可用：code、text、amount、ordinal）")
                    continue
                }
                var field: TableTemplate.Field?
                if let f = string(co, "field", at: cp, required: false) {
                    field = TableTemplate.Field(rawValue: f)
                    if field == nil { fail(cp, "未知的 field `\(f)`（可用：\(TableTemplate.Field.allCases.map(\.rawValue).joined(separator: "、"))）") }
                }
                columns.append(.init(key: key, kind: kind, field: field, measure: nil, width: width))
            }
        }
        let textKeys = Set(columns.filter { $0.kind != .amount }.map(\.key))
        let body: TableTemplate.RowSource
        if let ro = object(obj, "rows", at: path) {
            body = rowSource(ro, textKeys: textKeys, columns: columns, measures: measures, at: join(path, "rows"))
        } else {
            body = .none
        }
        var footer: [TableTemplate.FixedRow] = []
        if let f = obj["footer"] { footer = fixedRows(f, textKeys: textKeys, measures: measures, at: join(path, "footer")) }
        return TableTemplate.Side(columns: columns, body: body, footer: footer)
    }

    mutating func totalText(_ obj: [String: Any], textKeys: Set<String>, at path: String) -> [String: String]? {
        guard let v = obj["total"] else { return nil }
        guard let t = v as? [String: Any], let s = t as? [String: String] else { fail(join(path, "total"), "合计行须是 {列名: 文字} 对象"); return nil }
        for k in s.keys.sorted() where !textKeys.contains(k) {
            fail(join(path, "total"), "引用了不存在的文字列 `\(k)`（本栏文字列：\(textKeys.sorted().joined(separator: "、"))）")
        }
        return s
    }

    mutating func rowSource(_ obj: [String: Any], textKeys: Set<String>, columns: [TableTemplate.Column],
                            measures: [String: Measure], at path: String) -> TableTemplate.RowSource {
        guard let type = string(obj, "source", at: path) else { return .none }
        func needs(_ fields: [TableTemplate.Field]) {
            for f in fields where !columns.contains(where: { $0.field == f }) {
                fail(path, "行来源 `\(type)` 需要一列 field 为 `\(f.rawValue)` 的文字列")
            }
        }
        switch type {
        case "fixed":
            unknownKeys(obj, allowed: ["source", "rows"], at: path)
            return .fixed(fixedRows(obj["rows"] ?? [], textKeys: textKeys, measures: measures, at: join(path, "rows")))
        case "function-tree":
            unknownKeys(obj, allowed: ["source", "total"], at: path)
            return .functionTree(total: totalText(obj, textKeys: textKeys, at: path))
        case "function-classes":
            unknownKeys(obj, allowed: ["source", "classes"], at: path)
            needs([.name])
            let codes = strings(obj, "classes", at: path) ?? []
            for c in codes where !(c.count == 3 && CodeSet.function.isWellFormed(c)) { fail(join(path, "classes"), "`\(c)` 不是功能分类的类（3 位数字）") }
            return .functionClasses(codes)
        case "economic-pairs":
            unknownKeys(obj, allowed: ["source", "total"], at: path)
            needs([.name, .governmentName])
            return .economicPairs(total: totalText(obj, textKeys: textKeys, at: path))
        case "revenue-tree":
            unknownKeys(obj, allowed: ["source", "total"], at: path)
            return .revenueTree(total: totalText(obj, textKeys: textKeys, at: path))
        case "units", "organ-units":
            unknownKeys(obj, allowed: ["source", "total"], at: path)
            needs([.name])
            return .units(organOnly: type == "organ-units", total: totalText(obj, textKeys: textKeys, at: path))
        case "unit-projects":
            unknownKeys(obj, allowed: ["source"], at: path)
            needs([.name])
            return .unitProjects
        default:
            fail(join(path, "source"), "未知的行来源 `\(type)`（可用：fixed、function-tree、function-classes、economic-pairs、revenue-tree、units、organ-units、unit-projects）")
            return .none
        }
    }

    mutating func fixedRows(_ value: Any, textKeys: Set<String>, measures: [String: Measure], at path: String) -> [TableTemplate.FixedRow] {
        guard let arr = value as? [Any] else { fail(path, "须是数组"); return [] }
        var out: [TableTemplate.FixedRow] = []
        for (i, r) in arr.enumerated() {
            let rp = "\(path)[\(i)]"
            guard let ro = r as? [String: Any] else { fail(rp, "须是对象"); continue }
            unknownKeys(ro, allowed: ["key", "text", "node", "measure"], at: rp)
            var text: [String: String] = [:]
            if let t = ro["text"] {
                if let d = t as? [String: Any], let s = d as? [String: String] { text = s } else { fail(join(rp, "text"), "须是 {列名: 文字} 对象") }
            }
            for k in text.keys.sorted() where !textKeys.contains(k) {
                fail(join(rp, "text"), "引用了不存在的文字列 `\(k)`（本栏文字列：\(textKeys.sorted().joined(separator: "、"))）")
            }
            var nodes: [TableTemplate.NodeRef] = []
            if let n = ro["node"] {
                let names = (n as? String).map { [$0] } ?? (n as? [String]) ?? []
                if names.isEmpty { fail(join(rp, "node"), "须是节点名或节点名数组") }
                for name in names {
                    if let ref = TableTemplate.NodeRef(name) { nodes.append(ref) } else {
                        fail(join(rp, "node"), "未知的节点 `\(name)`（可用：department、function:<编码>、economic:<编码>、unit:<编码>、units:organ、units:all）")
                    }
                }
            }
            var measure: Measure?
            if let m = ro["measure"] { measure = measureRef(m, measures: measures, at: join(rp, "measure")) }
            if measure != nil && nodes.isEmpty { fail(rp, "有 measure 但没有 node：金额无从汇总") }
            out.append(.init(key: ro["key"] as? String, text: text, nodes: nodes, measure: measure))
        }
        return out
    }
}

extension DisclosureTable.CellRange {
    /// True when the two ranges share a cell.
    public func overlaps(_ o: DisclosureTable.CellRange) -> Bool {
        firstRow <= o.lastRow && o.firstRow <= lastRow && firstColumn <= o.lastColumn && o.firstColumn <= lastColumn
    }
}

/// `A1`-style references within a header.
enum CellRef {
    static func range(_ text: String) -> DisclosureTable.CellRange? {
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 1 || parts.count == 2, let a = cell(parts[0]), let b = cell(parts.last ?? "") else { return nil }
        guard a.row <= b.row, a.col <= b.col else { return nil }
        return .init(firstRow: a.row, firstColumn: a.col, lastRow: b.row, lastColumn: b.col)
    }

    static func cell(_ text: String) -> (row: Int, col: Int)? {
        var col = 0, row = 0, letters = 0, digits = 0
        for u in text.uppercased().utf8 {
            if u >= 65 && u <= 90 && digits == 0 { col = col * 26 + Int(u - 64); letters += 1 }
            else if u >= 48 && u <= 57 && letters > 0 { row = row * 10 + Int(u - 48); digits += 1 }
            else { return nil }
        }
        guard letters > 0, letters <= 3, digits > 0, digits <= 7, row >= 1 else { return nil }
        return (row - 1, col - 1)
    }

    static func name(_ r: DisclosureTable.CellRange) -> String {
        "\(column(r.firstColumn))\(r.firstRow + 1):\(column(r.lastColumn))\(r.lastRow + 1)"
    }

    static func column(_ c: Int) -> String {
        var n = c + 1, s = ""
        while n > 0 { s = String(UnicodeScalar(UInt8(65 + (n - 1) % 26))) + s; n = (n - 1) / 26 }
        return s
    }
}
