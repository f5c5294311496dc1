import BudgetCore

/// Everything the disclosure needs beyond the line items: what a workbook folder's disclosure
/// files (performance-targets.csv, indicators.csv, procurement.csv, assets.csv, texts/) hold.
///
/// Each part is optional: nil means the clerk has not entered it yet, which the document marks
/// for the clerk instead of printing a zero (a missing asset count is not "0 vehicles").
public struct DisclosureData: Hashable, Sendable {
    /// 项目支出绩效目标表, in the order they are published.
    public var targets: [PerformanceTarget]?
    public var procurement: [ProcurementLine]?
    public var assets: AssetHoldings?
    public var texts: DisclosureTexts

    public init(targets: [PerformanceTarget]? = nil, procurement: [ProcurementLine]? = nil,
                assets: AssetHoldings? = nil, texts: DisclosureTexts = DisclosureTexts()) {
        self.targets = targets; self.procurement = procurement; self.assets = assets; self.texts = texts
    }

    /// The target sheet of a project, if any.
    public func target(ofProject code: String) -> PerformanceTarget? {
        targets?.first { $0.project == code }
    }
}
