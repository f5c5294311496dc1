import BudgetCore

/// The explanation (情况说明, the seed's 第三部分 sections 一 to 九) generated from the data,
/// in the seed's phrasing, including its formatting per sentence: some figures with thousands
/// separators (`13,487.42`), some without (`16703.12`), some without trailing zeros (`3950.4`).
/// Every figure is the printed one (万元 rounded once, half up, from exact 分); 增减额, 增减率 and shares
/// are computed from those printed figures (`PriorChange`, `Percent.share`), so a reader who checks
/// 13,487.42 − 30,190.54 finds the −16,703.12 the sentence prints.
public struct Narrative: Sendable {
    public struct Section: Sendable {
        public var title: String
        public var paragraphs: [String]
        /// Where each figure comes from (table, row, column), for the clerk who checks the text.
        public var sources: [String]
    }

    public var title: String
    public var sections: [Section]

    /// Text the clerk must complete (the reasons behind a change are not in the data).
    public static let blank = "______"

    /// Reads only the two roll-ups and the budgets' department, year, codes and units: a caller
    /// that keeps the roll-ups (the server) passes them, and `current`/`prior` need no line items then.
    /// `citations` name the chosen table set's table for each role (TableTemplateSet.citations: `three-public` →
    /// `表7`) in the 数字来源 lines; nil cites the Shanxi set's numbers.
    public init(current: Budget, prior: Budget, rollups: (current: Rollup, prior: Rollup)? = nil, citations: [String: String]? = nil) {
        func cite(_ role: String, _ shanxi: String) -> String {
            guard let citations else { return shanxi }
            return citations[role] ?? "（所选公开表中无此表）"
        }
        let cr = rollups?.current ?? Rollup(budget: current), pr = rollups?.prior ?? Rollup(budget: prior)
        let y = current.year, py = prior.year
        let who = "\(y)年度\(current.department)"
        func d(_ m: Measure) -> Money { cr.total(.department, m) }
        func p(_ m: Measure) -> Money { pr.total(.department, m) }
        let cur = Measure(carryover: [.currentYear]), carry = Measure(carryover: [.carriedOver])
        title = "第三部分 \(y)年度部门预算情况说明"
        var sections: [Section] = []

        // 一
        let total = d(.all), priorTotal = p(.all)
        let change = Narrative.change(prior: priorTotal, current: total, comma: "，")
        let blank = Narrative.blank
        sections.append(Section(title: "一、部门预算收支数据变动情况及原因", paragraphs: [
            "\(who)预算收入总计\(Narrative.grouped(total))万元，其中：本年收入\(Narrative.grouped(d(cur)))万元，上年结转\(Narrative.grouped(d(carry)))万元，\(change)，主要原因是\(blank)；本年部门预算支出总计\(Narrative.grouped(total))万元，其中：本年预算安排\(Narrative.grouped(d(cur)))万元，上年结转\(Narrative.grouped(d(carry)))万元，\(change)，主要原因是\(blank)。",
        ], sources: ["收入总计、本年收入、上年结转：\(cite("income-expenditure", "表1")) 收入栏", "上年数：\(py)年收入总计 \(Narrative.plain(priorTotal)) 万元"]))

        // 二
        var income: [String] = []
        let names: [Source: String] = [.generalPublic: "一般公共预算拨款收入", .governmentFund: "政府性基金预算拨款收入",
                                       .stateCapital: "国有资本经营预算拨款收入", .specialAccount: "财政专户管理资金收入",
                                       .unitFunds: "单位资金"]
        for s in Source.allCases {
            let v = d(Measure(sources: [s], carryover: [.currentYear]))
            income.append("\(names[s]!)\(Narrative.grouped(v))万元，占\(Narrative.share(v, total))%")
        }
        income.append("上年结转\(Narrative.grouped(d(carry)))万元，占\(Narrative.share(d(carry), total))%")
        sections.append(Section(title: "二、收入预算情况说明", paragraphs: [
            "\(who)预算收入\(Narrative.grouped(total))万元，主要包括" + income.joined(separator: "；") + "。",
        ], sources: ["各资金来源：\(cite("income-expenditure", "表1")) 收入栏一至五、\(cite("income", "表2")) 合计行", "占比：占收入总计"]))

        // 三
        let basic = d(Measure(kinds: [.basic])), project = d(Measure(kinds: [.project]))
        sections.append(Section(title: "三、支出预算情况说明", paragraphs: [
            "\(who)支出预算\(Narrative.trimmed(total))万元，其中：基本支出\(Narrative.trimmed(basic))万元，占\(Narrative.share(basic, total))%；项目支出\(Narrative.trimmed(project))万元，占\(Narrative.share(project, total))%。",
        ], sources: ["基本支出、项目支出：\(cite("expenditure", "表3")) 合计行"]))

        // 四
        let fiscal = Measure(sources: Measure.fiscalSources)
        let fiscalTotal = d(fiscal)
        var classes: [String] = []
        for c in cr.functionCodes where CodeSet.function.isClass(c) {
            let v = cr.total(.function(c), fiscal)
            if v == .zero { continue }
            classes.append("\(current.codes.name(.function, c) ?? c)\(Narrative.grouped(v))万元")
        }
        sections.append(Section(title: "四、财政拨款收支预算总体情况说明", paragraphs: [
            "\(who)财政拨款收支总预算\(Narrative.grouped(fiscalTotal))万元。其中：一般公共预算拨款\(Narrative.grouped(d(Measure(sources: [.generalPublic]))))万元，政府性基金预算拨款\(Narrative.grouped(d(Measure(sources: [.governmentFund]))))万元，国有资本经营预算拨款\(Narrative.grouped(d(Measure(sources: [.stateCapital]))))万元。其中：当年拨款收入\(Narrative.grouped(d(fiscal.intersection(cur))))万元，上年结转收入\(Narrative.grouped(d(fiscal.intersection(carry))))万元。支出包括：" + (classes.isEmpty ? "无" : classes.joined(separator: "、") + "等") + "。",
        ], sources: ["\(cite("fiscal", "表4")) 财政拨款收支总表：收入总计、各类支出小计"]))

        // 五
        let gp = Measure(sources: [.generalPublic], carryover: [.currentYear])
        let gpTotal = d(gp), gpPrior = p(gp)
        var structure: [String] = []
        for c in cr.functionCodes where CodeSet.function.isClass(c) {
            let v = cr.total(.function(c), gp)
            if v == .zero { continue }
            structure.append("\(current.codes.name(.function, c) ?? c)\(Narrative.grouped(v))万元,占\(Narrative.share(v, gpTotal))%")
        }
        sections.append(Section(title: "五、一般公共预算支出情况说明", paragraphs: [
            "(一) 一般公共预算当年支出规模变化情况",
            "\(who)一般公共预算当年支出\(Narrative.grouped(gpTotal))万元，\(Narrative.change(prior: gpPrior, current: gpTotal, comma: "，"))。",
            "(二) 一般公共预算当年支出结构情况",
            "\(who)一般公共预算当年支出\(Narrative.grouped(gpTotal))万元,主要用于以下方面:" + (structure.isEmpty ? "无" : structure.joined(separator: ";") + "等") + "。",
        ], sources: ["\(cite("general-public", "表5")) 合计行及各类；上年数：\(py)年一般公共预算当年支出 \(Narrative.plain(gpPrior)) 万元"]))

        // 六
        let gpBasic = gp.intersection(Measure(kinds: [.basic]))
        let personnel = gpBasic.intersection(Measure(natures: [.personnel]))
        let publicUse = gpBasic.intersection(Measure(natures: [.publicUse]))
        func itemNames(_ m: Measure) -> String {
            let list = cr.economicCodes.filter { $0.utf8.count == CodeSet.economic.lineLevel && cr.total(.economic($0), m) != .zero }
                .map { current.codes.name(.economic, $0) ?? $0 }
            return list.isEmpty ? "无" : list.joined(separator: "、") + "等"
        }
        sections.append(Section(title: "六、一般公共预算基本支出情况说明", paragraphs: [
            "\(who)一般公共预算安排基本支出\(Narrative.grouped(d(gpBasic)))万元,其中:",
            "人员经费\(Narrative.grouped(d(personnel)))万元,主要包括:\(itemNames(personnel));",
            "公用经费\(Narrative.grouped(d(publicUse)))万元,主要包括:\(itemNames(publicUse))。",
        ], sources: ["\(cite("basic-economic", "表6")) 合计行：合计、人员经费、公用经费列；经济分类款名称：\(cite("basic-economic", "表6")) 各行"]))

        // 七
        let three = PriorComparison.threePublicTotal(cr, codes: ["30212", "30217", "31013", "30231"])
        let threePrior = PriorComparison.threePublicTotal(pr, codes: ["30212", "30217", "31013", "30231"])
        var seven: [String]
        if three == .zero {
            seven = ["本部门无“三公”经费预算。"]
        } else {
            let parts = PriorComparison.threePublic.filter { $0.name != "合计" }.map {
                "\($0.name)\(Narrative.grouped(PriorComparison.threePublicTotal(cr, codes: $0.codes)))万元"
            }
            seven = ["\(y)年“三公”经费财政拨款预算\(Narrative.grouped(three))万元，\(Narrative.change(prior: threePrior, current: three, comma: "，"))。其中：" + parts.joined(separator: "，") + "。增减变化的主要原因是\(blank)。"]
        }
        sections.append(Section(title: "七、“三公”经费增减变动原因说明", paragraphs: seven,
                                sources: ["\(cite("three-public", "表10")) 合计；上年数：\(py)年 \(Narrative.plain(threePrior)) 万元"]))

        // 八
        let organ = PriorComparison.organOperation(cr, current), organPrior = PriorComparison.organOperation(pr, prior)
        let organChange: String
        if organPrior == .zero {
            organChange = "\(py)年无机关运行经费预算"
        } else if PriorChange(prior: organPrior, current: organ).change == 0 {
            organChange = "与\(py)年预算安排持平"
        } else {
            let c = PriorChange(prior: organPrior, current: organ)
            let up = c.change > 0
            organChange = "较\(py)年预算安排\(up ? "增加" : "减少")\(Money.hundredthsText(c.change.magnitudeInt64))万元,\(up ? "增长" : "下降")\(Percent.text(c.rate.map { $0.magnitudeInt64 }))%"
        }
        sections.append(Section(title: "八、机关运行经费增减变动原因说明", paragraphs: [
            "本单位机关运行经费财政拨款\(Narrative.grouped(organ))万元,\(organChange),原因是\(blank)。",
        ], sources: [(citations == nil || citations?["organ-operation"] != nil ? "\(cite("organ-operation", "表11")) 部门合计行" : "按明细计算（所选公开表中没有机关运行经费表）")
                     + "；上年数：\(py)年 \(Narrative.plain(organPrior)) 万元"]))

        // 九: the workbook has no procurement data; say so rather than invent a figure.
        sections.append(Section(title: "九、政府采购情况", paragraphs: [
            "本预算未记录政府采购预算数据（工作簿中没有政府采购明细），请按政府采购预算据实填写本节。",
        ], sources: []))
        self.sections = sections
    }

    // MARK: - Formats, as the seed prints them

    /// `13,487.42`, `7,500.00`; zero prints `0` (the seed: `国有资本经营预算拨款收入0万元`).
    public static func grouped(_ m: Money) -> String {
        let h = m.wanHundredths
        return h == 0 ? "0" : Money.hundredthsText(h, grouped: true)
    }

    /// `16703.12`: no separators.
    public static func plain(_ m: Money) -> String { Money.hundredthsText(m.wanHundredths) }

    /// `3950.4`, `13487.42`: no separators, no trailing zeros.
    public static func trimmed(_ m: Money) -> String {
        var s = plain(m)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// `40.79`, `5.80`, of the printed figures; a zero share (or a zero total) prints `0`.
    public static func share(_ part: Money, _ whole: Money) -> String {
        guard let h = Percent.share(part, of: whole), h != 0 else { return "0" }
        return Money.hundredthsText(h)
    }

    /// `比上年减少16703.12万元，下降55.33%`: from the printed figures (`PriorChange`), so the printed
    /// 本年 − printed 上年 is the printed 增减额; equal printed figures are 持平.
    public static func change(prior: Money, current: Money, comma: String) -> String {
        let c = PriorChange(prior: prior, current: current)
        if c.priorIsZero { return c.current == 0 ? "与上年持平" : "上年无此项预算" }
        if c.change == 0 { return "与上年持平" }
        let up = c.change > 0
        let rate = c.rate.map { $0.magnitudeInt64 }
        return "比上年\(up ? "增加" : "减少")\(Money.hundredthsText(c.change.magnitudeInt64))万元\(comma)\(up ? "增长" : "下降")\(Percent.text(rate))%"
    }

    // MARK: - Rendering

    /// Plain text, as staff paste it into their document.
    public func renderText(withSources: Bool = true) -> String {
        var out = title + "\n"
        for s in sections {
            out += "\n" + s.title + "\n\n" + s.paragraphs.joined(separator: "\n\n") + "\n"
        }
        if withSources { out += "\n" + sourceNotes(bullet: "  ") }
        return out
    }

    /// Markdown: a heading per section.
    public func renderMarkdown(withSources: Bool = true) -> String {
        var out = "# " + title + "\n"
        for s in sections {
            out += "\n## " + s.title + "\n\n" + s.paragraphs.map { $0.hasPrefix("(") ? "### " + $0 : $0 }.joined(separator: "\n\n") + "\n"
        }
        if withSources { out += "\n" + sourceNotes(bullet: "- ") }
        return out
    }

    func sourceNotes(bullet: String) -> String {
        var out = "附：数字来源（核对用，粘贴正文时不需要）\n"
        for s in sections where !s.sources.isEmpty {
            out += "\(bullet)\(s.title.prefix(2))\(s.sources.joined(separator: "；"))\n"
        }
        return out
    }
}

extension Int64 {
    /// |self| as Int64; the printed figures here are at most Int64.max / 10^4, so it cannot trap.
    var magnitudeInt64: Int64 { Int64(clamping: magnitude) }
}
