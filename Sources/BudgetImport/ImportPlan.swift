import BudgetCore

/// What an import will do to a workspace, decided before anything is written.
public enum ImportPlan: Sendable {
    /// Add (or, with `replace`, replace all) line items in one transaction, with the units and
    /// projects the workbook adds and, with `replace`, its revenue.
    case addItems(ImportChanges)
    /// The workspace is empty (no unit, project, item, revenue or change): build it anew with the
    /// workbook's units, projects, revenue and items, keeping its department, year and codes.
    case rebuild(Budget)
}

/// The changes of an import into a workspace that has its own units.
public struct ImportChanges: Sendable, Equatable {
    public var items: [LineItem]
    public var replace: Bool
    /// Units and projects of the workbook's 单位/项目 sheets that the workspace does not have yet.
    public var newUnits: [BudgetUnit] = []
    public var newProjects: [Project] = []
    /// The 收入 sheet, when it replaces the workspace's revenue (only with `replace`).
    public var revenue: [RevenueLine]?
}

extension FileImporter {
    /// Checks what was read against the workspace's codes, units and projects (LineItemValidator,
    /// the rules of `budget load`) and decides how to apply it. Throws every problem found.
    ///
    /// The 单位, 项目 and 收入 sheets of an input workbook fill an empty workspace. A workspace that
    /// already has units keeps them: a unit or project new in the sheets is added; one that differs
    /// from the workspace is refused (a unit's type decides how its lines map, so it is changed in
    /// the workbook folder, not by an import); the 收入 sheet replaces the revenue with `--replace`
    /// and must otherwise agree. Nothing is ever removed by omission.
    public static func plan(_ file: ImportedFile, current: Budget, currentIsEmpty: Bool,
                            replace: Bool) throws(ProblemsError) -> ImportPlan {
        var problems = file.problems
        var context = current
        var changes = ImportChanges(items: file.items, replace: replace)
        let rebuild = currentIsEmpty && file.units != nil
        if rebuild {
            context.units = file.units ?? []
            context.projects = file.projects ?? []
            context.revenue = file.revenue ?? []
        } else {
            let new = compareWithWorkspace(file, current, replace: replace, &problems)
            context.units += new.units
            context.projects += new.projects
            changes.newUnits = new.units
            changes.newProjects = new.projects
            if replace, let revenue = file.revenue {
                context.revenue = revenue
                changes.revenue = revenue
            }
        }
        // Lines are checked against the units and projects only when those sheets read cleanly (as
        // `budget load` does): a unit row that failed would make each of its projects and lines a
        // second, false problem.
        let unitsSound = file.unitTable?.clean ?? true, projectsSound = file.projectTable?.clean ?? true
        let v = LineItemValidator(codes: context.codes, units: context.units, projects: context.projects)
        if unitsSound {
            // The 项目 sheet's projects must belong to a unit of the workspace or of the 单位 sheet.
            for (i, p) in (file.projects ?? []).enumerated() {
                v.validate(p, at: { file.projectTable!.location(i, $0) }, into: &problems)
            }
            if projectsSound { v.validate(file.items, at: { file.itemLocation($0, $1) }, into: &problems) }
        }
        let revenueReplaced = rebuild || changes.revenue != nil
        if revenueReplaced, file.revenueTable?.clean ?? true {
            for (i, r) in context.revenue.enumerated() {
                v.validate(r, at: { file.revenueTable?.location(i, $0) ?? Location(column: $0) }, into: &problems)
            }
        }
        // The lines of the file alone must be within the budget's limit (the store checks the total
        // with the workspace's own lines in the same transaction as the write).
        LineValueRules.checkTotals(items: file.items, revenue: revenueReplaced ? context.revenue : [],
                                   itemsAt: Location(file: file.itemSource), revenueAt: Location(file: revenueSheet),
                                   into: &problems)
        try problems.throwIfErrors()
        if rebuild {
            context.items = file.items // the workspace has no line (currentIsEmpty)
            return .rebuild(context)
        }
        return .addItems(changes)
    }

    /// The sheets of a workbook imported into a workspace that has its own units: units and
    /// projects it adds are returned; ones that differ, and revenue that differs without `replace`, are problems.
    static func compareWithWorkspace(_ file: ImportedFile, _ current: Budget, replace: Bool,
                                     _ problems: inout ProblemCollector) -> (units: [BudgetUnit], projects: [Project]) {
        let how = "（导入不修改已有的单位和项目；请在工作簿文件夹中修改后用 budget load 重建工作区）"
        var newUnits: [BudgetUnit] = [], newProjects: [Project] = []
        if let units = file.units {
            // A unit that failed to read is not among `units`: it is neither new nor compared.
            let known = Dictionary(current.units.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
            for (i, u) in units.enumerated() {
                if let k = known[u.code] {
                    if k.name != u.name || k.type != u.type {
                        problems.add(Problem(rule: .unitDiffers, location: file.unitTable!.location(i, "name"), value: u.code,
                                             message: "单位 `\(u.code)` 在工作区中是“\(k.name)，\(k.type.name)”，表中是“\(u.name)，\(u.type.name)”\(how)"))
                    }
                } else {
                    newUnits.append(u)
                }
            }
        }
        if let projects = file.projects {
            let known = Dictionary(current.projects.map { ("\($0.unit)/\($0.code)", $0) }, uniquingKeysWith: { a, _ in a })
            for (i, p) in projects.enumerated() {
                if let k = known["\(p.unit)/\(p.code)"] {
                    if k.name != p.name || k.category != p.category {
                        problems.add(Problem(rule: .projectDiffers, location: file.projectTable!.location(i, "name"), value: p.code,
                                             message: "项目 `\(p.code)` 在工作区中是“\(k.name)”，表中是“\(p.name)”\(how)"))
                    }
                } else {
                    newProjects.append(p)
                }
            }
        }
        if let revenue = file.revenue, file.revenueTable?.clean == true {
            let sheet = revenue.sorted(by: RevenueLine.canonicalOrder)
            let stored = current.revenue.sorted(by: RevenueLine.canonicalOrder)
            if sheet != stored && !replace {
                problems.add(Problem(rule: .revenueDiffers, location: Location(file: FileImporter.revenueSheet),
                                     message: "收入表与工作区中的收入不同（表中 \(sheet.count) 行，工作区中 \(stored.count) 行）；用 --replace 导入时收入表替换工作区中的收入"))
            }
        }
        return (newUnits, newProjects)
    }
}
