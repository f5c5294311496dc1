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
        let id = p.string(root, "id", at: "", required: false) ?? folder.lastPathComponent
        if !TableSetCatalog.isValidName(id) { p.fail("id", "模板集名称 `\(id)` 只能由字母、数字、`-`、`_`、`.` 组成（不能有空格或 /）") }
        if root["title"] != nil && root["name"] != nil { p.fail("name", "与 `title` 是同一个字段（name 是旧写法），只能写一个") }
        let title = p.string(root, "title", at: "", required: false) ?? p.string(root, "name", at: "", required: false) ?? id
        let files = p.strings(root, "tables", at: "") ?? []
        if files.isEmpty { p.fail("tables", "须列出至少一个表格文件") }
        var measures: [String: Measure] = [:]
        if let defs = p.object(root, "measures", at: "") {
            for (key, value) in defs.sorted(by: { $0.key < $1.key }) {
                guard let def = JSONValue(any: value).object else { p.fail("measures.\(key)", "口径定义须是对象"); continue }
                if let m = p.measureDefinition(def, at: "measures.\(key)") { measures[key] = m }
            }
        } else {
            p.fail("measures", "缺少 `measures`（口径定义）")
        }
        var rulesFile: URL?
        if let r = p.string(root, "rules", at: "", required: false) {
            if r.isEmpty || r.hasPrefix("/") { p.fail("rules", "须是本文件夹中规则文件的相对路径，例如 rules.json") }
            else {
                let u = folder.appendingPathComponent(r)
                if FileManager.default.fileExists(atPath: u.path) { rulesFile = u } else { p.fail("rules", "找不到规则文件 \(u.path)") }
            }
        }
        p.unknownKeys(root, allowed: ["id", "title", "name", "tables", "measures", "rules", "description"], at: "")
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
        return TableTemplateSet(id: id, title: title, measures: measures, tables: tables, rulesFile: rulesFile)
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

    mutating func fail(_ p: SpecProblem) { fail(p.path, p.message) }

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

    /// A named measure: `{"sources": ["一般公共预算"], "carryover": ["当年"], "kinds": ["基本支出"],
    /// "natures": ["公用经费"]}` (MeasureSyntax, shared with the rules).
    mutating func measureDefinition(_ def: [String: JSONValue], at path: String) -> Measure? {
        unknownKeys(def.mapValues { $0 as Any }, allowed: MeasureSyntax.keys, at: path)
        let (m, found) = MeasureSyntax.measure(in: def)
        for f in found { fail(f.under(path)) }
        return found.isEmpty ? m : nil
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
                                   "emptyNote", "role", "description"], at: "")
        var role: TableTemplate.Role?
        if let r = string(obj, "role", at: "", required: false) {
            role = TableTemplate.Role(rawValue: r)
            if role == nil { fail("role", "未知的表格用途 `\(r)`（可用：\(TableTemplate.Role.allCases.map(\.rawValue).joined(separator: "、"))）") }
        }
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
                             filter: filter, header: header, merges: merges, sides: sides, emptyNote: emptyNote, role: role)
    }

    mutating func side(_ obj: [String: Any], filter: Measure, measures: [String: Measure], at path: String) -> TableTemplate.Side? {
        unknownKeys(obj, allowed: ["columns", "rows", "footer"], at: path)
        var columns: [TableTemplate.Column] = []
        guard let arr = obj["columns"] as? [Any], !arr.isEmpty else { fail(join(path, "columns"), "须是非空数组"); return nil }
        for (i, c) in arr.enumerated() {
            let cp = "\(path).columns[\(i)]"
            guard let co = c as? [String: Any] else { fail(cp, "须是对象"); continue }
            unknownKeys(co, allowed: ["key", "kind", "field", "measure", "node", "width"], at: cp)
            let key = string(co, "key", at: cp) ?? ""
            let width = number(co, "width", at: cp) ?? 10
            if width <= 0 || width > 255 { fail(cp, "列宽须在 0 到 255 之间") }
            if let m = co["measure"] {
                if co["field"] != nil { fail(cp, "金额列（有 measure）不能同时有 field") }
                if let kind = co["kind"] as? String, kind != "amount" { fail(cp, "有 measure 的列须是金额列（kind: amount）") }
                // An unknown measure is reported once; the column keeps its place so the header
                // and merge checks do not report the same mistake again.
                let measure = measureRef(m, measures: measures, at: "\(cp).measure") ?? Measure(mask: 0)
                var nodes: [NodeRef]?
                if let n = co["node"] { nodes = nodeList(n, at: "\(cp).node") }
                columns.append(.init(key: key, kind: .amount, field: nil, measure: measure.intersection(filter), nodes: nodes, width: width))
            } else {
                if co["node"] != nil { fail(join(cp, "node"), "只有金额列（有 measure）能指定 node") }
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
                columns.append(.init(key: key, kind: kind, field: field, measure: nil, nodes: nil, width: width))
            }
        }
        let textKeys = Set(columns.filter { $0.kind != .amount }.map(\.key))
        var body: [TableTemplate.RowSource] = []
        let rp = join(path, "rows")
        switch obj["rows"] {
        case nil: break
        case let ro as [String: Any]:
            if let r = rowSource(ro, textKeys: textKeys, columns: columns, measures: measures, at: rp) { body.append(r) }
        case let list as [Any] where !list.isEmpty:
            for (i, item) in list.enumerated() {
                guard let ro = item as? [String: Any] else { fail("\(rp)[\(i)]", "须是行来源对象（含 source）"); continue }
                if let r = rowSource(ro, textKeys: textKeys, columns: columns, measures: measures, at: "\(rp)[\(i)]") { body.append(r) }
            }
        default:
            fail(rp, "须是一个行来源对象（含 source），或行来源对象的非空数组（依次打印）")
        }
        var footer: [TableTemplate.FixedRow] = []
        if let f = obj["footer"] {
            footer = fixedRows(f, textKeys: textKeys, columns: columns, measures: measures, at: join(path, "footer"))
        }
        // A column's nodes meet the row's: only rows of the whole department can take them (the
        // roll-up has no function × economic nodes).
        let nodeColumns = columns.filter { $0.nodes != nil }.map(\.key)
        if !nodeColumns.isEmpty {
            for (i, source) in body.enumerated() {
                if case .fixed = source { continue }
                fail(body.count > 1 ? "\(rp)[\(i)]" : rp, "列 \(nodeColumns.joined(separator: "、")) 指定了 node，本栏的行只能是 fixed 行（node 为 department 或不写）")
            }
        }
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

    /// `levels`: code lengths of the tree to print (default: every level).
    mutating func levels(_ obj: [String: Any], _ set: CodeSet, at path: String) -> [Int] {
        guard obj["levels"] != nil else { return set.levels }
        guard let a = obj["levels"] as? [Any], let n = a as? [NSNumber], !n.isEmpty,
              n.allSatisfy({ set.levels.contains($0.intValue) && Double($0.intValue) == $0.doubleValue }) else {
            fail(join(path, "levels"), "须是编码长度的非空数组，取自 \(set.levels.map(String.init).joined(separator: "、"))（\(set.chineseName)）")
            return set.levels
        }
        let l = n.map(\.intValue)
        if Set(l).count != l.count { fail(join(path, "levels"), "编码长度重复") }
        return l.sorted()
    }

    static let rowSources = "fixed、function-tree、function-classes、economic-tree、economic-pairs、revenue-tree、units、organ-units、unit-projects"

    mutating func rowSource(_ obj: [String: Any], textKeys: Set<String>, columns: [TableTemplate.Column],
                            measures: [String: Measure], at path: String) -> TableTemplate.RowSource? {
        guard let type = string(obj, "source", at: path) else { return nil }
        func needs(_ fields: [TableTemplate.Field]) {
            for f in fields where !columns.contains(where: { $0.field == f }) {
                fail(path, "行来源 `\(type)` 需要一列 field 为 `\(f.rawValue)` 的文字列")
            }
        }
        switch type {
        case "fixed":
            unknownKeys(obj, allowed: ["source", "rows"], at: path)
            return .fixed(fixedRows(obj["rows"] ?? [], textKeys: textKeys, columns: columns, measures: measures, at: join(path, "rows")))
        case "function-tree":
            unknownKeys(obj, allowed: ["source", "total", "levels"], at: path)
            return .functionTree(total: totalText(obj, textKeys: textKeys, at: path), levels: levels(obj, .function, at: path))
        case "function-classes":
            unknownKeys(obj, allowed: ["source", "classes", "numbering"], at: path)
            needs([.name])
            let codes = strings(obj, "classes", at: path) ?? []
            for c in codes where !(CodeSet.function.isClass(c) && CodeSet.function.isWellFormed(c)) { fail(join(path, "classes"), "`\(c)` 不是功能分类的类（3 位数字）") }
            let numbering = string(obj, "numbering", at: path, required: false) ?? "{n}、"
            if !numbering.isEmpty && !numbering.contains("{n}") { fail(join(path, "numbering"), "须含 {n}（一、二、三…），例如 `{n}、` 或 `（{n}）`；不编号写 \"\"") }
            return .functionClasses(codes, numbering: numbering)
        case "economic-pairs":
            unknownKeys(obj, allowed: ["source", "total"], at: path)
            needs([.name, .governmentName])
            return .economicPairs(total: totalText(obj, textKeys: textKeys, at: path))
        case "economic-tree":
            unknownKeys(obj, allowed: ["source", "total", "levels"], at: path)
            needs([.name])
            return .economicTree(total: totalText(obj, textKeys: textKeys, at: path), levels: levels(obj, .economic, at: path))
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
            fail(join(path, "source"), "未知的行来源 `\(type)`（可用：\(Self.rowSources)）")
            return nil
        }
    }

    /// A node or a list of nodes (NodeRef, shared with the rules).
    mutating func nodeList(_ value: Any, at path: String) -> [NodeRef] {
        let (refs, found) = NodeRef.list(JSONValue(any: value))
        for f in found { fail(f.under(path)) }
        return refs
    }

    static let styles = "plain、total、level1、level2、level3"

    mutating func fixedRows(_ value: Any, textKeys: Set<String>, columns: [TableTemplate.Column], measures: [String: Measure],
                            at path: String) -> [TableTemplate.FixedRow] {
        guard let arr = value as? [Any] else { fail(path, "须是数组"); return [] }
        let nodeColumns = columns.filter { $0.nodes != nil }
        var out: [TableTemplate.FixedRow] = []
        for (i, r) in arr.enumerated() {
            let rp = "\(path)[\(i)]"
            guard let ro = r as? [String: Any] else { fail(rp, "须是对象"); continue }
            unknownKeys(ro, allowed: ["key", "text", "node", "measure", "style"], at: rp)
            var text: [String: String] = [:]
            if let t = ro["text"] {
                if let d = t as? [String: Any], let s = d as? [String: String] { text = s } else { fail(join(rp, "text"), "须是 {列名: 文字} 对象") }
            }
            for k in text.keys.sorted() where !textKeys.contains(k) {
                fail(join(rp, "text"), "引用了不存在的文字列 `\(k)`（本栏文字列：\(textKeys.sorted().joined(separator: "、"))）")
            }
            var nodes: [NodeRef] = []
            if let n = ro["node"] { nodes = nodeList(n, at: join(rp, "node")) }
            if !nodes.isEmpty, let c = nodeColumns.first, NodeRef.intersection(nodes, c.nodes) == nil {
                fail(join(rp, "node"), "列 `\(c.key)` 已指定 node（\(c.nodes!.map(\.description).joined(separator: "、"))），行的 node 只能是 department")
            }
            var measure: Measure?
            if let m = ro["measure"] { measure = measureRef(m, measures: measures, at: join(rp, "measure")) }
            if measure != nil && nodes.isEmpty { fail(rp, "有 measure 但没有 node：金额无从汇总") }
            var style: DisclosureTable.Row.Style?
            if let st = string(ro, "style", at: rp, required: false) {
                style = DisclosureTable.Row.Style(rawValue: st)
                if style == nil { fail(join(rp, "style"), "未知的行样式 `\(st)`（可用：\(Self.styles)）") }
            }
            var key: String?
            if ro["key"] != nil { key = string(ro, "key", at: rp) }
            out.append(.init(key: key, text: text, nodes: nodes, measure: measure, style: style))
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
