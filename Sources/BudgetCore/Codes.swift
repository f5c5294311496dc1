/// The four classification code sets (政府收支分类科目) a budget uses.
public enum CodeSet: String, CaseIterable, Sendable, Hashable, Codable {
    /// 支出功能分类: 类 3 digits, 款 5, 项 7.
    case function
    /// 部门预算支出经济分类: 类 3, 款 5.
    case economic
    /// 政府预算支出经济分类: 类 3, 款 5.
    case governmentEconomic = "government-economic"
    /// 收入分类: 类 3, 款 5, 项 7 (and 目 9 in the full official list).
    case revenue

    /// The code lengths of the levels of this tree, top first.
    public var levels: [Int] {
        switch self {
        case .function: return [3, 5, 7]
        case .economic, .governmentEconomic: return [3, 5]
        case .revenue: return [3, 5, 7, 9]
        }
    }

    /// True for a code of the top level (类) of this tree.
    public func isClass(_ code: some StringProtocol) -> Bool { code.utf8.count == levels[0] }

    /// The length a line item's code must have (项 for function, 款 for economic).
    public var lineLevel: Int {
        switch self {
        case .function: return 7
        case .economic, .governmentEconomic: return 5
        case .revenue: return 7
        }
    }

    public var chineseName: String {
        switch self {
        case .function: return "支出功能分类"
        case .economic: return "部门预算支出经济分类"
        case .governmentEconomic: return "政府预算支出经济分类"
        case .revenue: return "收入分类"
        }
    }

    /// The parent of a code in this tree, or nil for a 类.
    public func parent(of code: String) -> String? {
        let n = code.utf8.count
        var previous: Int?
        for l in levels {
            if l >= n { break }
            previous = l
        }
        guard let p = previous else { return nil }
        return String(code.prefix(p))
    }

    /// The code and all its ancestors, top first: `2080501` → `208`, `20805`, `2080501`.
    public func path(of code: String) -> [String] {
        var out: [String] = []
        for l in levels where l < code.utf8.count { out.append(String(code.prefix(l))) }
        out.append(code)
        return out
    }

    /// A code of this set is digits only, of one of the level lengths.
    public func isWellFormed(_ code: String) -> Bool {
        levels.contains(code.utf8.count) && code.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }
}

/// The government economic 款 a department economic 款 maps to, for 机关 and for 事业单位.
public struct EconomicMapping: Hashable, Sendable, Codable {
    public var administrative: String
    public var institution: String
    public init(administrative: String, institution: String) {
        self.administrative = administrative; self.institution = institution
    }
}

/// Where a code came from: the shipped defaults, or the workbook (added or renamed there).
public enum CodeOrigin: String, Sendable, Hashable, Codable {
    case defaults = "default"
    case workbook
}

/// The code sets in force for one budget, with the economic map.
public struct CodeBook: Sendable, Equatable {
    public struct Entry: Hashable, Sendable {
        public var name: String
        public var origin: CodeOrigin
    }
    public struct MapEntry: Hashable, Sendable {
        public var mapping: EconomicMapping
        public var origin: CodeOrigin
    }

    public private(set) var entries: [CodeSet: [String: Entry]] = [:]
    public private(set) var economicMap: [String: MapEntry] = [:]
    /// Codes that have at least one child, per set: a line's code must not be among them.
    private var parents: [CodeSet: Set<String>] = [:]

    public init() {}

    /// Adds or renames a code.
    public mutating func define(_ set: CodeSet, code: String, name: String, origin: CodeOrigin) {
        entries[set, default: [:]][code] = Entry(name: name, origin: origin)
        if let p = set.parent(of: code) { parents[set, default: []].insert(p) }
    }

    public mutating func map(economic: String, to mapping: EconomicMapping, origin: CodeOrigin) {
        economicMap[economic] = MapEntry(mapping: mapping, origin: origin)
    }

    public func name(_ set: CodeSet, _ code: String) -> String? { entries[set]?[code]?.name }
    public func contains(_ set: CodeSet, _ code: String) -> Bool { entries[set]?[code] != nil }
    /// A code with no child code in its set.
    public func isLeaf(_ set: CodeSet, _ code: String) -> Bool { !(parents[set]?.contains(code) ?? false) }

    /// All codes of a set, sorted.
    public func codes(_ set: CodeSet) -> [(code: String, entry: Entry)] {
        (entries[set] ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The government economic 款 for a line: its override, else the map by unit type.
    public func governmentEconomic(for economic: String, unitType: UnitType, override: String?) -> String? {
        if let o = override, !o.isEmpty { return o }
        guard let m = economicMap[economic]?.mapping else { return nil }
        return unitType.isOrgan ? m.administrative : m.institution
    }
}
