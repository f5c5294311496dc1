/// The texts of the disclosure that are not in the figures: 第一部分 (duties and organisation),
/// the reasons the narrative asks for, section 十二, and 第四部分 (the glossary).
public struct DisclosureTexts: Hashable, Sendable {
    /// 一、本部门职责: paragraphs.
    public var duties: [String]
    /// 二、机构设置情况: paragraphs.
    public var organisation: [String]
    /// The reasons behind a change ("主要原因是……"), by narrative sentence.
    public var reasons: [ReasonKey: String]
    /// 十二（一）政府购买服务指导性目录: the paragraph before the generated figure.
    public var purchasedServicesNote: [String]
    /// 十二（二）其他.
    public var otherNotes: [String]
    /// 第四部分 名词解释: the terms in order; from the workbook or, when it has none, the template.
    public var glossary: [GlossaryEntry]

    public init(duties: [String] = [], organisation: [String] = [], reasons: [ReasonKey: String] = [:],
                purchasedServicesNote: [String] = [], otherNotes: [String] = [], glossary: [GlossaryEntry] = []) {
        self.duties = duties; self.organisation = organisation; self.reasons = reasons
        self.purchasedServicesNote = purchasedServicesNote; self.otherNotes = otherNotes; self.glossary = glossary
    }
}

/// The narrative sentences that end in "主要原因是……" (or "原因是……"): the clerk's reason for each
/// is stored under this key, so the text is filled when the figures are generated again.
public enum ReasonKey: String, CaseIterable, Hashable, Sendable {
    /// 一、收入总计比上年增减的原因.
    case incomeChange = "income-change"
    /// 一、支出总计比上年增减的原因.
    case expenditureChange = "expenditure-change"
    /// 七、“三公”经费增减变化的原因.
    case threePublicChange = "three-public-change"
    /// 八、机关运行经费增减变动的原因.
    case officeRunningChange = "office-running-change"

    /// Where the sentence is, for the clerk.
    public var place: String {
        switch self {
        case .incomeChange: return "一、部门预算收支数据变动情况及原因（收入）"
        case .expenditureChange: return "一、部门预算收支数据变动情况及原因（支出）"
        case .threePublicChange: return "七、“三公”经费增减变动原因说明"
        case .officeRunningChange: return "八、机关运行经费增减变动原因说明"
        }
    }
}

/// One term of 第四部分 名词解释: `一、**基本支出**：指……` prints as term and definition.
public struct GlossaryEntry: Hashable, Sendable {
    public var term: String
    /// The definition; may hold more than one paragraph.
    public var definition: [String]
    public init(term: String, definition: [String]) { self.term = term; self.definition = definition }
}
