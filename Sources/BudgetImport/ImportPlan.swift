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
    /// The 参数, 标准 and 人员 sheets: each table as it will be after the import (`basisTables`).
    public var basis = BasisTables()
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
            context.parameters = file.parameters ?? []
            context.standards = file.standards ?? []
            context.staff = file.staff ?? []
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
            changes.basis = basisTables(file, current, replace: replace, &problems)
            context.parameters = changes.basis.parameters ?? context.parameters
            context.standards = changes.basis.standards ?? context.standards
            context.staff = changes.basis.staff ?? context.staff
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
            checkBasisUnits(file, units: Set(context.units.map(\.code)), &problems)
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
        // With every line replaced, the file's bases are computed here against the tables as they
        // will be, so a problem names its sheet and row (the store computes them again in its
        // transaction, with the workspace's own lines when they stay).
        if (rebuild || replace) && !problems.hasErrors {
            var after = context
            after.items = file.items
            do { try after.computeBasisAmounts(locate: { file.itemLocation(Int($0), "basis") }) } catch {
                for p in error.problems { problems.add(p) }
                if error.truncated { problems.markTruncated() }
            }
        }
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

extension FileImporter {
    /// The 参数, 标准 and 人员 sheets against the workspace's tables: with `replace`, each sheet the
    /// file has replaces its table; without it, a parameter or standard of a name the workspace has
    /// is set, a new one added, and none is removed. Roster rows pair by (unit, category, name): a
    /// new one is added; rows the workspace holds exactly so stay; one row each side is set; any
    /// other pairing (the workspace has two 科员 rows and the sheet one) is a problem asking for
    /// `--replace`, never a guess.
    static func basisTables(_ file: ImportedFile, _ current: Budget, replace: Bool,
                            _ problems: inout ProblemCollector) -> BasisTables {
        var out = BasisTables()
        if let sheet = file.parameters {
            if replace { out.parameters = sheet } else {
                var all = current.parameters
                for p in sheet {
                    if let k = all.firstIndex(where: { $0.unit == p.unit && $0.name == p.name }) { all[k] = p } else { all.append(p) }
                }
                out.parameters = all
            }
        }
        if let sheet = file.standards {
            if replace { out.standards = sheet } else {
                var all = current.standards
                for s in sheet {
                    if let k = all.firstIndex(where: { $0.name == s.name }) { all[k] = s } else { all.append(s) }
                }
                out.standards = all
            }
        }
        if let sheet = file.staff, let table = file.staffTable {
            if replace { out.staff = sheet } else {
                func key(_ r: StaffRow) -> [String] { [r.unit, r.category, r.name] }
                var stored: [[String]: [Int]] = [:]
                for (k, r) in current.staff.enumerated() { stored[key(r), default: []].append(k) }
                var given: [[String]: [Int]] = [:], order: [[String]] = []
                for (i, r) in sheet.enumerated() {
                    if given[key(r)] == nil { order.append(key(r)) }
                    given[key(r), default: []].append(i)
                }
                var all = current.staff
                for k in order {
                    let rows = given[k]!.map { sheet[$0] }, mine = (stored[k] ?? []).map { current.staff[$0] }
                    if mine.isEmpty {
                        all += rows
                    } else if mine.count == 1 && rows.count == 1 {
                        all[stored[k]![0]] = rows[0]
                    } else if Dictionary(rows.map { ($0, 1) }, uniquingKeysWith: +) != Dictionary(mine.map { ($0, 1) }, uniquingKeysWith: +) {
                        problems.add(Problem(rule: .staffAmbiguous, location: table.location(given[k]![0], "name"), value: k[2],
                                             message: "单位 `\(k[0])` 的人员“\(k[2])（\(k[1])）”工作区中有 \(mine.count) 行，表中有 \(rows.count) 行，"
                                                 + "不加 --replace 时无法确定表中各行改的是工作区的哪一行；请用 --replace 导入（人员表替换工作区的全部人员信息）"))
                    }
                }
                out.staff = all
            }
        }
        return out
    }

    /// Every parameter and roster row of the sheets names a unit of the workspace or of the 单位 sheet.
    static func checkBasisUnits(_ file: ImportedFile, units: Set<String>, _ problems: inout ProblemCollector) {
        for (i, p) in (file.parameters ?? []).enumerated() where !units.contains(p.unit) {
            problems.add(Problem(rule: .unknownUnit, location: file.parameterTable!.location(i, "unit"), value: p.unit,
                                 message: "单位 `\(p.unit)` 不在工作区中，也不在单位表中"))
        }
        for (i, r) in (file.staff ?? []).enumerated() where !units.contains(r.unit) {
            problems.add(Problem(rule: .unknownUnit, location: file.staffTable!.location(i, "unit"), value: r.unit,
                                 message: "单位 `\(r.unit)` 不在工作区中，也不在单位表中"))
        }
    }
}
