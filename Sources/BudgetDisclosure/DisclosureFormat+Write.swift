import BudgetCore

extension DisclosureFormat {
    /// The disclosure files of `data` (path → bytes), in a defined order and form, so that
    /// read → write → read → write gives byte-identical files. A nil part writes no file; the
    /// glossary is written only when `includeGlossary` (a folder normally uses the template's).
    public static func write(_ data: DisclosureData, includeGlossary: Bool = true) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        if let targets = data.targets {
            out[targetsFile] = Array(targetsCSV(targets).utf8)
            out[indicatorsFile] = Array(indicatorsCSV(targets).utf8)
        }
        if let p = data.procurement {
            let rows = p.sorted(by: ProcurementLine.canonicalOrder).map { l in
                [l.unit, l.project ?? "", l.economic ?? "", l.kind.rawValue, l.category?.rawValue ?? "", l.amount.yuanText, l.memo]
            }
            out[procurementFile] = Array(DisclosureCSV.write(header: procurementColumns, rows: rows).utf8)
        }
        if let a = data.assets {
            let rows: [[String]] = AssetItem.allCases.map { item in
                let value: String
                switch item {
                case .vehicleQuota: value = String(a.vehicleQuota)
                case .officeArea: value = a.officeAreaText
                case .equipmentOver500k: value = String(a.equipmentOver500k)
                case .equipmentOver1m: value = String(a.equipmentOver1m)
                default: value = String(a[item.vehicle!])
                }
                return [item.rawValue, value]
            }
            out[assetsFile] = Array(DisclosureCSV.write(header: assetColumns, rows: rows).utf8)
        }
        let t = data.texts
        if !t.duties.isEmpty { out[dutiesFile] = lines(t.duties) }
        if !t.organisation.isEmpty { out[organisationFile] = lines(t.organisation) }
        if !t.reasons.isEmpty {
            out[reasonsFile] = sectioned(ReasonKey.allCases.compactMap { k in t.reasons[k].map { (k.rawValue, [$0]) } })
        }
        var notes: [(String, [String])] = []
        if !t.purchasedServicesNote.isEmpty { notes.append(("政府购买服务指导性目录", t.purchasedServicesNote)) }
        if !t.otherNotes.isEmpty { notes.append(("其他", t.otherNotes)) }
        if !notes.isEmpty { out[otherNotesFile] = sectioned(notes) }
        if includeGlossary, !t.glossary.isEmpty { out[glossaryFile] = sectioned(t.glossary.map { ($0.term, $0.definition) }) }
        return out
    }

    static func targetsCSV(_ targets: [PerformanceTarget]) -> String {
        let rows = targets.map { t -> [String] in
            var r = [t.sheet, t.project ?? "", t.title, t.name, t.department, t.implementingUnit, t.attribute, t.term]
            for f in [t.periodFunds, t.yearFunds] {
                r.append(f.total.text)
                for level in FundLevel.allCases { r.append(f[level].text) }
            }
            r += [t.overview, t.basis, t.necessity, t.measures, t.plan, t.periodGoal, t.yearGoal,
                  t.signature.responsible, t.signature.handler, t.signature.phone, t.signature.filledAt]
            return r
        }
        return DisclosureCSV.write(header: targetColumns, rows: rows)
    }

    static func indicatorsCSV(_ targets: [PerformanceTarget]) -> String {
        var rows: [[String]] = []
        for t in targets {
            for g in t.indicators {
                if g.period.isEmpty, g.year.isEmpty { rows.append([t.sheet, g.level1, g.level2, "", "", ""]) }
                for side in IndicatorSide.allCases {
                    for i in g.indicators(side) { rows.append([t.sheet, g.level1, g.level2, side.rawValue, i.name, i.value]) }
                }
            }
        }
        return DisclosureCSV.write(header: indicatorColumns, rows: rows)
    }

    static func lines(_ paragraphs: [String]) -> [UInt8] {
        Array(paragraphs.map { $0 + "\n" }.joined().utf8)
    }

    static func sectioned(_ sections: [(String, [String])]) -> [UInt8] {
        Array(sections.map { h, ps in "## \(h)\n\n" + ps.map { $0 + "\n" }.joined() }.joined(separator: "\n").utf8)
    }
}
