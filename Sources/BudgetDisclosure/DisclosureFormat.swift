import BudgetCore

/// The workbook folder's disclosure files as bytes ↔ `DisclosureData`: parsing and writing, no I/O
/// (DisclosureFolder.swift reads and writes the files). The format is documented in
/// docs/workbook-folder.md, section "Disclosure files".
public enum DisclosureFormat {
    public static let targetsFile = "performance-targets.csv"
    public static let indicatorsFile = "indicators.csv"
    public static let procurementFile = "procurement.csv"
    public static let assetsFile = "assets.csv"
    public static let dutiesFile = "texts/duties.md"
    public static let organisationFile = "texts/organisation.md"
    public static let reasonsFile = "texts/reasons.md"
    public static let otherNotesFile = "texts/other-notes.md"
    public static let glossaryFile = "texts/glossary.md"

    /// Every file, in the order they are read.
    public static let allFiles = [targetsFile, indicatorsFile, procurementFile, assetsFile, dutiesFile,
                                  organisationFile, reasonsFile, otherNotesFile, glossaryFile]

    /// Limits: a file above `maxFileBytes` is refused before it is parsed; a sheet with more than
    /// `maxIndicatorsPerSheet` indicators, or more than `maxSheets` sheets, is an error naming the limit.
    public static let maxFileBytes = 8 << 20
    public static let maxSheets = 10_000
    public static let maxIndicatorsPerSheet = 1_000
    /// An asset count above this is refused as a typo (no county department holds a million cars).
    public static let maxCount = 1_000_000

    // MARK: Columns

    /// performance-targets.csv: one row a sheet, in the order they are published.
    static let targetColumns = [
        "sheet", "project", "title", "name", "department", "implementing_unit", "attribute", "term",
        "period_total", "period_central", "period_province", "period_city_county", "period_unit_own", "period_other",
        "year_total", "year_central", "year_province", "year_city_county", "year_unit_own", "year_other",
        "overview", "basis", "necessity", "measures", "plan", "period_goal", "year_goal",
        "responsible", "handler", "phone", "filled_at",
    ]
    static let levelColumns: [FundLevel: String] = [.central: "central", .province: "province", .cityCounty: "city_county",
                                                    .unitOwn: "unit_own", .other: "other"]
    static let indicatorColumns = ["sheet", "level1", "level2", "side", "level3", "value"]
    static let procurementColumns = ["unit", "project", "economic", "kind", "category", "amount", "memo"]
    static let assetColumns = ["item", "value"]

    /// assets.csv items, in the order written.
    public enum AssetItem: String, CaseIterable, Sendable {
        case vehicleQuota = "公务用车编制"
        case leadership = "领导用车", confidential = "机要通信用车", emergency = "应急保障用车"
        case lawEnforcement = "执法执勤用车", specialTechnical = "特种专业技术用车"
        case institutionBusiness = "事业单位业务用车", otherVehicles = "其他公务用车"
        case officeArea = "办公用房建筑面积"
        case equipmentOver500k = "50万元以上通用设备"
        case equipmentOver1m = "100万元以上通用设备"

        var vehicle: VehicleCategory? {
            switch self {
            case .leadership: return .leadership
            case .confidential: return .confidential
            case .emergency: return .emergency
            case .lawEnforcement: return .lawEnforcement
            case .specialTechnical: return .specialTechnical
            case .institutionBusiness: return .institutionBusiness
            case .otherVehicles: return .other
            default: return nil
            }
        }
    }

    // MARK: Reading

    /// Parses the disclosure files present in `files` (path relative to the folder → bytes).
    /// An absent file leaves its part nil (or, for a text, empty). `glossaryTemplate` is used when
    /// the folder has no texts/glossary.md. All problems are collected; any error throws them.
    public static func parse(files: [String: [UInt8]], glossaryTemplate: [UInt8]? = nil,
                             limit: Int = 200) throws(ProblemsError) -> DisclosureData {
        var problems = ProblemCollector(limit: limit)
        var data = DisclosureData()
        for (name, bytes) in files where bytes.count > maxFileBytes {
            problems.add(Problem(rule: .fileTooLarge, location: Location(file: name),
                                 message: "文件有 \(bytes.count) 字节，超过上限 \(maxFileBytes) 字节"))
        }
        try problems.throwIfErrors()

        if let t = files[targetsFile] {
            data.targets = parseTargets(t, indicators: files[indicatorsFile], problems: &problems)
        } else if files[indicatorsFile] != nil {
            problems.add(Problem(rule: .indicatorsWithoutTargets, location: Location(file: indicatorsFile),
                                 message: "有 \(indicatorsFile) 但没有 \(targetsFile)：指标须属于某张绩效目标表"))
        }
        if let p = files[procurementFile] { data.procurement = parseProcurement(p, problems: &problems) }
        if let a = files[assetsFile] { data.assets = parseAssets(a, problems: &problems) }
        var texts = DisclosureTexts()
        if let d = files[dutiesFile] { texts.duties = paragraphs(d, file: dutiesFile, problems: &problems) }
        if let o = files[organisationFile] { texts.organisation = paragraphs(o, file: organisationFile, problems: &problems) }
        if let r = files[reasonsFile] {
            for s in sections(r, file: reasonsFile, problems: &problems) {
                guard let key = ReasonKey(rawValue: s.heading) else {
                    problems.add(Problem(rule: .unknownReason, location: Location(file: reasonsFile, line: s.line), value: s.heading,
                                         message: "未知的原因键 `\(s.heading)`（可用：\(ReasonKey.allCases.map(\.rawValue).joined(separator: ", "))）"))
                    continue
                }
                if texts.reasons[key] != nil {
                    problems.add(Problem(rule: .duplicateReason, location: Location(file: reasonsFile, line: s.line), value: s.heading,
                                         message: "原因键 `\(s.heading)` 重复出现"))
                    continue
                }
                if s.paragraphs.count > 1 {
                    problems.add(Problem(rule: .reasonOneLine, location: Location(file: reasonsFile, line: s.line), value: s.heading,
                                         message: "`\(s.heading)` 的原因须写成一行（它接在“主要原因是”之后，成为句子的一部分）"))
                    continue
                }
                if let text = s.paragraphs.first { texts.reasons[key] = text }
            }
        }
        if let o = files[otherNotesFile] {
            for s in sections(o, file: otherNotesFile, problems: &problems) {
                switch s.heading {
                case "政府购买服务指导性目录": texts.purchasedServicesNote = s.paragraphs
                case "其他": texts.otherNotes = s.paragraphs
                default:
                    problems.add(Problem(rule: .unknownSection, location: Location(file: otherNotesFile, line: s.line), value: s.heading,
                                         message: "未知的小节 `\(s.heading)`（可用：政府购买服务指导性目录, 其他）"))
                }
            }
        }
        let glossaryName = files[glossaryFile] != nil ? glossaryFile : "Templates/disclosure/glossary.md"
        if let g = files[glossaryFile] ?? glossaryTemplate {
            var seen: Set<String> = []
            for s in sections(g, file: glossaryName, problems: &problems) {
                if !seen.insert(s.heading).inserted {
                    problems.add(Problem(rule: .duplicateTerm, location: Location(file: glossaryName, line: s.line), value: s.heading,
                                         message: "名词 `\(s.heading)` 重复出现"))
                    continue
                }
                texts.glossary.append(GlossaryEntry(term: s.heading, definition: s.paragraphs))
            }
        }
        data.texts = texts
        try problems.throwIfErrors()
        return data
    }

    static func parseTargets(_ bytes: [UInt8], indicators: [UInt8]?, problems: inout ProblemCollector) -> [PerformanceTarget] {
        guard let t = DisclosureTable(file: targetsFile, bytes: bytes, required: ["sheet", "project", "name"],
                                      optional: Array(targetColumns.dropFirst(2).filter { $0 != "name" }), problems: &problems)
        else { return [] }
        if t.records.count > maxSheets {
            problems.add(Problem(rule: .tooManySheets, location: Location(file: targetsFile),
                                 message: "绩效目标表有 \(t.records.count) 张，超过上限 \(maxSheets) 张"))
            return []
        }
        var targets: [PerformanceTarget] = []
        var sheetIndex: [String: Int] = [:]
        var projectLine: [String: Int] = [:]
        for r in t.records {
            let sheet = t.text(r, "sheet")
            if sheet.isEmpty {
                problems.add(Problem(rule: .missingValue, location: t.at(r, "sheet"), message: "表号 sheet 不能为空"))
                continue
            }
            if let first = sheetIndex[sheet] {
                problems.add(Problem(rule: .duplicateSheet, location: t.at(r, "sheet"), value: sheet,
                                     message: "表号 `\(sheet)` 与第 \(first) 张重复"))
                continue
            }
            let name = t.text(r, "name")
            if name.isEmpty { problems.add(Problem(rule: .missingValue, location: t.at(r, "name"), message: "项目名称 name 不能为空")) }
            let project = t.text(r, "project")
            if !project.isEmpty {
                if let line = projectLine[project] {
                    problems.add(Problem(rule: .duplicateProject, location: t.at(r, "project"), value: project,
                                         message: "项目 `\(project)` 已在第 \(line) 行有绩效目标表（一个项目一张表）"))
                }
                projectLine[project] = r.line
            }
            func funds(_ prefix: String) -> ProjectFunds {
                var f = ProjectFunds()
                f.total = amount(t, r, prefix + "_total", &problems)
                for level in FundLevel.allCases { f[level] = amount(t, r, prefix + "_" + levelColumns[level]!, &problems) }
                return f
            }
            let title = t.text(r, "title")
            var target = PerformanceTarget(
                sheet: sheet, project: project.isEmpty ? nil : project, title: title.isEmpty ? PerformanceTarget.defaultTitle : title,
                name: name, department: t.text(r, "department"), implementingUnit: t.text(r, "implementing_unit"),
                attribute: t.text(r, "attribute"), term: t.text(r, "term"),
                periodFunds: funds("period"), yearFunds: funds("year"),
                overview: t.text(r, "overview"), basis: t.text(r, "basis"), necessity: t.text(r, "necessity"),
                measures: t.text(r, "measures"), plan: t.text(r, "plan"),
                periodGoal: t.text(r, "period_goal"), yearGoal: t.text(r, "year_goal"))
            target.signature = .init(responsible: t.text(r, "responsible"), handler: t.text(r, "handler"),
                                     phone: t.text(r, "phone"), filledAt: t.text(r, "filled_at"))
            sheetIndex[sheet] = targets.count + 1
            targets.append(target)
        }
        if let indicators { parseIndicators(indicators, into: &targets, sheets: sheetIndex, problems: &problems) }
        return targets
    }

    static func amount(_ t: DisclosureTable, _ r: DisclosureCSV.Record, _ column: String,
                       _ problems: inout ProblemCollector) -> PrintedAmount {
        let text = t.text(r, column)
        do { return try PrintedAmount(text) } catch {
            problems.add(Problem(rule: .badAmount, location: t.at(r, column), value: text, message: error.description))
            return .blank
        }
    }

    static func parseIndicators(_ bytes: [UInt8], into targets: inout [PerformanceTarget], sheets: [String: Int],
                                problems: inout ProblemCollector) {
        guard let t = DisclosureTable(file: indicatorsFile, bytes: bytes, required: ["sheet", "level1", "level2"],
                                      optional: ["side", "level3", "value"], problems: &problems)
        else { return }
        /// (sheet, 一级, 二级) of the group being filled, and the groups already closed.
        var current: (sheet: Int, key: String)?
        var closed: Set<String> = []
        for r in t.records {
            let sheetID = t.text(r, "sheet")
            guard let n = sheets[sheetID] else {
                problems.add(Problem(rule: .unknownSheet, location: t.at(r, "sheet"), value: sheetID,
                                     message: "表号 `\(sheetID)` 不在 \(targetsFile) 中"))
                continue
            }
            let l1 = t.text(r, "level1"), l2 = t.text(r, "level2"), sideText = t.text(r, "side")
            let l3 = t.text(r, "level3"), value = t.text(r, "value")
            if l1.isEmpty { problems.add(Problem(rule: .missingValue, location: t.at(r, "level1"), message: "一级指标 level1 不能为空")); continue }
            if l2.isEmpty { problems.add(Problem(rule: .missingValue, location: t.at(r, "level2"), message: "二级指标 level2 不能为空")); continue }
            let key = "\(sheetID)\u{1F}\(l1)\u{1F}\(l2)"
            if current?.key != key {
                if let c = current { closed.insert(c.key) }
                if closed.contains(key) {
                    problems.add(Problem(rule: .indicatorGroupSplit, location: t.at(r, "level2"), value: l2,
                                         message: "表 `\(sheetID)` 的 \(l1) / \(l2) 在前面已经出现过：同一个二级指标的行须连续"))
                    continue
                }
                current = (n, key)
                targets[n - 1].indicators.append(IndicatorGroup(level1: l1, level2: l2))
            }
            if l3.isEmpty {
                // A row that only lists the 二级 (printed with no 三级).
                if !sideText.isEmpty || !value.isEmpty {
                    problems.add(Problem(rule: .valueWithoutIndicator, location: t.at(r, "level3"), value: value,
                                         message: "有指标值或 side 但没有三级指标 level3"))
                }
                continue
            }
            let side: IndicatorSide
            switch sideText {
            case "实施期", "period": side = .period
            case "年度", "year": side = .year
            default:
                problems.add(Problem(rule: .badSide, location: t.at(r, "side"), value: sideText,
                                     message: "side 须为 实施期 或 年度（写了 `\(sideText)`）"))
                continue
            }
            let count = targets[n - 1].indicators.reduce(0) { $0 + $1.period.count + $1.year.count }
            if count >= maxIndicatorsPerSheet {
                problems.add(Problem(rule: .tooManyIndicators, location: t.at(r, "level3"),
                                     message: "表 `\(sheetID)` 的三级指标超过上限 \(maxIndicatorsPerSheet) 个"))
                continue
            }
            let ind = Indicator(name: l3, value: value)
            let g = targets[n - 1].indicators.count - 1
            if side == .period { targets[n - 1].indicators[g].period.append(ind) } else { targets[n - 1].indicators[g].year.append(ind) }
        }
    }

    static func parseProcurement(_ bytes: [UInt8], problems: inout ProblemCollector) -> [ProcurementLine] {
        guard let t = DisclosureTable(file: procurementFile, bytes: bytes, required: ["unit", "kind", "amount"],
                                      optional: ["project", "economic", "category", "memo"], problems: &problems)
        else { return [] }
        var out: [ProcurementLine] = []
        for r in t.records {
            let unit = t.text(r, "unit")
            if unit.isEmpty { problems.add(Problem(rule: .missingValue, location: t.at(r, "unit"), message: "单位 unit 不能为空")); continue }
            let economic = t.text(r, "economic")
            if !economic.isEmpty, economic.utf8.count != 5 || !economic.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                problems.add(Problem(rule: .badEconomic, location: t.at(r, "economic"), value: economic,
                                     message: "经济分类 `\(economic)` 须为 5 位数字的款（或留空表示不限）"))
                continue
            }
            let kindText = t.text(r, "kind")
            guard let kind = ProcurementKind(rawValue: kindText) else {
                problems.add(Problem(rule: .badKind, location: t.at(r, "kind"), value: kindText,
                                     message: "kind 须为 政府采购 或 政府购买服务（写了 `\(kindText)`）"))
                continue
            }
            let categoryText = t.text(r, "category")
            var category: ProcurementCategory?
            switch kind {
            case .procurement:
                guard let c = ProcurementCategory(rawValue: categoryText) else {
                    problems.add(Problem(rule: .badCategory, location: t.at(r, "category"), value: categoryText,
                                         message: "政府采购的 category 须为 货物、工程 或 服务（写了 `\(categoryText)`）"))
                    continue
                }
                category = c
            case .purchasedService:
                if !categoryText.isEmpty {
                    problems.add(Problem(rule: .badCategory, location: t.at(r, "category"), value: categoryText,
                                         message: "政府购买服务不分货物、工程、服务：category 须留空"))
                    continue
                }
            }
            let amountText = t.text(r, "amount")
            let amount: Money
            do { amount = try Money.parseYuan(amountText) } catch {
                problems.add(Problem(rule: .badAmount, location: t.at(r, "amount"), value: amountText, message: error.description))
                continue
            }
            let project = t.text(r, "project")
            out.append(ProcurementLine(unit: unit, project: project.isEmpty ? nil : project,
                                       economic: economic.isEmpty ? nil : economic, kind: kind, category: category,
                                       amount: amount, memo: t.text(r, "memo")))
        }
        return out
    }

    static func parseAssets(_ bytes: [UInt8], problems: inout ProblemCollector) -> AssetHoldings? {
        guard let t = DisclosureTable(file: assetsFile, bytes: bytes, required: assetColumns, optional: [], problems: &problems)
        else { return nil }
        var a = AssetHoldings()
        var seen: [AssetItem: Int] = [:]
        var ok = true
        for r in t.records {
            let itemText = t.text(r, "item"), value = t.text(r, "value")
            guard let item = AssetItem(rawValue: itemText) else {
                problems.add(Problem(rule: .unknownItem, location: t.at(r, "item"), value: itemText,
                                     message: "未知的项目 `\(itemText)`（可用：\(AssetItem.allCases.map(\.rawValue).joined(separator: ", "))）"))
                ok = false
                continue
            }
            if let line = seen[item] {
                problems.add(Problem(rule: .duplicateItem, location: t.at(r, "item"), value: itemText,
                                     message: "`\(itemText)` 已在第 \(line) 行填写"))
                ok = false
                continue
            }
            seen[item] = r.line
            if item == .officeArea {
                do {
                    let m = try Money.parseYuan(value) // the same exact decimal rule: at most two decimals
                    a.officeAreaHundredths = m.fen
                } catch {
                    problems.add(Problem(rule: .badArea, location: t.at(r, "value"), value: value,
                                         message: "面积 `\(value)` 须为平方米数，最多两位小数，如 3234.56"))
                    ok = false
                }
                continue
            }
            guard !value.isEmpty, value.utf8.count <= 7, value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                  let n = Int(value), n <= maxCount else {
                problems.add(Problem(rule: .badCount, location: t.at(r, "value"), value: value,
                                     message: "`\(itemText)` 的数量 `\(value)` 须为 0 到 \(maxCount) 的整数"))
                ok = false
                continue
            }
            switch item {
            case .vehicleQuota: a.vehicleQuota = n
            case .equipmentOver500k: a.equipmentOver500k = n
            case .equipmentOver1m: a.equipmentOver1m = n
            default: if let v = item.vehicle { a[v] = n }
            }
        }
        for item in AssetItem.allCases where seen[item] == nil {
            problems.add(Problem(rule: .missingItem, location: Location(file: assetsFile),  value: item.rawValue,
                                 message: "缺少 `\(item.rawValue)`（没有就填 0）"))
            ok = false
        }
        return ok ? a : nil
    }

    /// A text file of paragraphs: each non-blank line is one paragraph.
    static func paragraphs(_ bytes: [UInt8], file: String, problems: inout ProblemCollector) -> [String] {
        guard let lines = textLines(bytes, file: file, problems: &problems) else { return [] }
        var out: [String] = []
        for (n, l) in lines where !l.isEmpty {
            if l.hasPrefix("#") {
                problems.add(Problem(rule: .unexpectedHeading, location: Location(file: file, line: n), value: l,
                                     message: "这个文件只写段落（一行一段），不用标题"))
                continue
            }
            out.append(l)
        }
        return out
    }

    struct Section { let heading: String; let line: Int; var paragraphs: [String] }

    /// A text file of `## 标题` sections, each followed by its paragraphs (one a line).
    static func sections(_ bytes: [UInt8], file: String, problems: inout ProblemCollector) -> [Section] {
        guard let lines = textLines(bytes, file: file, problems: &problems) else { return [] }
        var out: [Section] = []
        for (n, l) in lines where !l.isEmpty {
            if l.hasPrefix("## ") {
                let h = String(l.dropFirst(3)).trimmingSpaces
                if h.isEmpty {
                    problems.add(Problem(rule: .emptyHeading, location: Location(file: file, line: n), message: "`## ` 后面缺少标题"))
                    continue
                }
                out.append(Section(heading: h, line: n, paragraphs: []))
            } else if l.hasPrefix("#") {
                problems.add(Problem(rule: .unexpectedHeading, location: Location(file: file, line: n), value: l,
                                     message: "只用二级标题 `## `"))
            } else if out.isEmpty {
                problems.add(Problem(rule: .textBeforeHeading, location: Location(file: file, line: n), value: l,
                                     message: "第一个 `## ` 标题之前不能有正文"))
            } else {
                out[out.count - 1].paragraphs.append(l)
            }
        }
        return out
    }

    /// Lines of a UTF-8 text file (BOM skipped, CRLF accepted), numbered from 1, trimmed.
    static func textLines(_ bytes: [UInt8], file: String, problems: inout ProblemCollector) -> [(Int, String)]? {
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        guard let text = String(validating: body, as: UTF8.self) else {
            problems.add(Problem(rule: .notUtf8, location: Location(file: file), message: "不是合法的 UTF-8 文本（请以 UTF-8 编码保存）"))
            return nil
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { i, l in
            (i + 1, l.trimmingSpaces)
        }
    }
}
