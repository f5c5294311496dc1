import BudgetCore

/// What an import will do to a workspace, decided before anything is written.
public enum ImportPlan: Sendable {
    /// Add (or, with `replace`, replace all) line items in one transaction.
    case addItems([LineItem], replace: Bool)
    /// The workspace is empty (no unit, project, item, revenue or change): build it anew with the
    /// workbook's units, projects, revenue and items, keeping its department, year and codes.
    case rebuild(Budget)
}

extension FileImporter {
    /// Checks what was read against the workspace's codes, units and projects (LineItemValidator,
    /// the rules of `budget load`) and decides how to apply it. Throws every problem found.
    ///
    /// The 单位, 项目 and 收入 sheets of an input workbook fill an empty workspace. A workspace that
    /// already has units keeps them: the sheets must then agree with it, since import changes line
    /// items only (a unit or project added in the sheet is reported, never silently dropped).
    public static func plan(_ file: ImportedFile, current: Budget, currentIsEmpty: Bool,
                            replace: Bool) throws(ProblemsError) -> ImportPlan {
        var problems = file.problems
        var context = current
        let rebuild = currentIsEmpty && file.units != nil
        if rebuild {
            context.units = file.units ?? []
            context.projects = file.projects ?? []
            context.revenue = file.revenue ?? []
            let unitCodes = Set(context.units.map(\.code))
            for (i, p) in context.projects.enumerated() where !unitCodes.contains(p.unit) {
                problems.add(Problem(rule: "unknown-unit", location: loc(file.projectCells, file.projectRows, i, "unit"), value: p.unit,
                                     message: "单位 `\(p.unit)` 不在单位表中"))
            }
        } else {
            compareWithWorkspace(file, current, &problems)
        }
        let v = LineItemValidator(codes: context.codes, units: context.units, projects: context.projects)
        v.validate(file.items, at: { file.itemLocation($0, $1) }, into: &problems)
        if rebuild {
            for (i, r) in context.revenue.enumerated() {
                v.validate(r, at: { loc(file.revenueCells, file.revenueRows, i, $0) }, into: &problems)
            }
        }
        try problems.throwIfErrors()
        if rebuild {
            context.items = replace ? file.items : current.items + file.items
            return .rebuild(context)
        }
        return .addItems(file.items, replace: replace)
    }

    static func loc(_ cells: CellLocator?, _ rows: [Int32], _ i: Int, _ key: String) -> Location {
        let row = i < rows.count ? Int(rows[i]) : nil
        guard let cells, let row else { return Location(line: row, column: key) }
        return cells.location(row: row, key: key)
    }

    /// The sheets of a workbook imported into a workspace that has its own units: they must agree.
    static func compareWithWorkspace(_ file: ImportedFile, _ current: Budget, _ problems: inout ProblemCollector) {
        let how = "（导入只增改支出明细，不改单位、项目和收入；请在工作簿文件夹中修改后用 budget load 重建工作区）"
        if let units = file.units {
            let known = Dictionary(current.units.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
            for (i, u) in units.enumerated() {
                if let k = known[u.code] {
                    if k.name != u.name || k.type != u.type {
                        problems.add(Problem(rule: "unit-differs", location: loc(file.unitCells, file.unitRows, i, "name"), value: u.code,
                                             message: "单位 `\(u.code)` 在工作区中是“\(k.name)，\(k.type.name)”，表中是“\(u.name)，\(u.type.name)”\(how)"))
                    }
                } else {
                    problems.add(Problem(rule: "unit-not-in-workspace", location: loc(file.unitCells, file.unitRows, i, "code"), value: u.code,
                                         message: "工作区中没有单位 `\(u.code)`\(how)"))
                }
            }
        }
        if let projects = file.projects {
            let known = Dictionary(current.projects.map { ("\($0.unit)/\($0.code)", $0) }, uniquingKeysWith: { a, _ in a })
            for (i, p) in projects.enumerated() {
                if let k = known["\(p.unit)/\(p.code)"] {
                    if k.name != p.name || k.category != p.category {
                        problems.add(Problem(rule: "project-differs", location: loc(file.projectCells, file.projectRows, i, "name"), value: p.code,
                                             message: "项目 `\(p.code)` 在工作区中是“\(k.name)”，表中是“\(p.name)”\(how)"))
                    }
                } else {
                    problems.add(Problem(rule: "project-not-in-workspace", location: loc(file.projectCells, file.projectRows, i, "code"), value: p.code,
                                         message: "工作区中没有单位 `\(p.unit)` 的项目 `\(p.code)`\(how)"))
                }
            }
        }
        if let revenue = file.revenue {
            let sheet = revenue.sorted(by: RevenueLine.canonicalOrder)
            let stored = current.revenue.sorted(by: RevenueLine.canonicalOrder)
            if sheet != stored {
                problems.add(Problem(rule: "revenue-differs", location: Location(file: FileImporter.revenueSheet),
                                     message: "收入表与工作区中的收入不同（表中 \(sheet.count) 行，工作区中 \(stored.count) 行）\(how)"))
            }
        }
    }
}
