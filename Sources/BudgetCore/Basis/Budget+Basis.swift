/// The budget as the basis engine sees it: lines are numbered by their position in `items`,
/// roster rows by their position in `staff`.
extension Budget {
    /// Whether anything in the budget is drafted from a basis: a line with one, or a parameter,
    /// standard or roster row it could read.
    public var usesBasis: Bool {
        !parameters.isEmpty || !standards.isEmpty || !staff.isEmpty || items.contains { $0.basis != nil }
    }

    /// The engine over this budget; `locate` places a line (by its position) in a problem.
    public func basisEngine(locate: (Int64) -> Location = BasisEngine.itemLocation) throws(ProblemsError) -> BasisEngine {
        try BasisEngine(items: items, parameters: parameters, standards: standards, staff: staff, codes: codes, locate: locate)
    }

    /// Sets the amount of every line with a basis to the amount it computes, and returns the lines
    /// whose amount as given differed (positions in `items`, the given and the computed amount).
    /// Throws every problem of every basis at once, and then changes nothing.
    @discardableResult
    public mutating func computeBasisAmounts(locate: (Int64) -> Location = BasisEngine.itemLocation) throws(ProblemsError) -> [AmountChange] {
        guard usesBasis else { return [] }
        let engine = try basisEngine(locate: locate)
        for k in items.indices where items[k].basis != nil {
            if let a = engine.amount(of: Int64(k)) { items[k].amount = a }
        }
        return engine.initialDifferences
    }
}

/// What an import sets of the tables a basis reads, each as the whole table after the import;
/// nil leaves that table as it is (the file had no such sheet).
public struct BasisTables: Sendable, Equatable {
    public var parameters: [Parameter]?
    public var standards: [Standard]?
    public var staff: [StaffRow]?

    public init(parameters: [Parameter]? = nil, standards: [Standard]? = nil, staff: [StaffRow]? = nil) {
        self.parameters = parameters; self.standards = standards; self.staff = staff
    }

    /// Nothing to set.
    public var isEmpty: Bool { parameters == nil && standards == nil && staff == nil }
}
