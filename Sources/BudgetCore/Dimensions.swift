/// 资金来源: the funding source of a line item, in the order the tables print the columns.
public enum Source: Int, CaseIterable, Sendable, Hashable, Codable {
    case generalPublic = 0     // 一般公共预算
    case governmentFund        // 政府性基金预算
    case stateCapital          // 国有资本经营预算
    case specialAccount        // 财政专户管理资金
    case unitFunds             // 单位资金

    public var name: String {
        switch self {
        case .generalPublic: return "一般公共预算"
        case .governmentFund: return "政府性基金预算"
        case .stateCapital: return "国有资本经营预算"
        case .specialAccount: return "财政专户管理资金"
        case .unitFunds: return "单位资金"
        }
    }

    /// 财政拨款 = the first three sources (docs/domain.md).
    public var isFiscal: Bool { rawValue <= 2 }

    /// Chinese names, and English aliases accepted on input.
    public init?(name: String) {
        switch name.trimmingSpaces {
        case "一般公共预算", "一般公共预算拨款", "general-public", "general": self = .generalPublic
        case "政府性基金预算", "政府性基金", "政府性基金预算拨款", "government-fund", "fund": self = .governmentFund
        case "国有资本经营预算", "国有资本经营", "state-capital": self = .stateCapital
        case "财政专户管理资金", "special-account": self = .specialAccount
        case "单位资金", "unit-funds": self = .unitFunds
        default: return nil
        }
    }
}

/// 当年 or 上年结转.
public enum Carryover: Int, CaseIterable, Sendable, Hashable, Codable {
    case currentYear = 0   // 当年
    case carriedOver       // 上年结转

    public var name: String { self == .currentYear ? "当年" : "上年结转" }

    public init?(name: String) {
        switch name.trimmingSpaces {
        case "当年", "本年", "current": self = .currentYear
        case "上年结转", "结转", "carryover": self = .carriedOver
        default: return nil
        }
    }
}

/// 基本支出 or 项目支出.
public enum ExpenditureKind: Int, CaseIterable, Sendable, Hashable, Codable {
    case basic = 0     // 基本支出
    case project       // 项目支出

    public var name: String { self == .basic ? "基本支出" : "项目支出" }

    public init?(name: String) {
        switch name.trimmingSpaces {
        case "基本支出", "基本", "basic": self = .basic
        case "项目支出", "项目", "project": self = .project
        default: return nil
        }
    }
}

/// 人员经费 or 公用经费, derived from the economic 类: "人员经费 = economic 类 301 and 303;
/// 公用经费 = every other 类" (docs/domain.md). Only meaningful for basic lines.
public enum CostNature: Int, CaseIterable, Sendable, Hashable {
    case personnel = 0   // 人员经费
    case publicUse       // 公用经费

    public init(economic: String) {
        self = economic.hasPrefix("301") || economic.hasPrefix("303") ? .personnel : .publicUse
    }
}

/// The type of a budget unit, which picks the government economic map.
public enum UnitType: Int, CaseIterable, Sendable, Hashable, Codable {
    case administrative = 0   // 行政单位
    case civilServiceManaged  // 参公事业单位
    case institution          // 事业单位

    public var name: String {
        switch self {
        case .administrative: return "行政单位"
        case .civilServiceManaged: return "参公事业单位"
        case .institution: return "事业单位"
        }
    }

    /// 机关 (行政 and 参公) use the 机关 column of the economic map, and count for 机关运行经费.
    public var isOrgan: Bool { self != .institution }

    public init?(name: String) {
        switch name.trimmingSpaces {
        case "行政单位", "行政", "administrative": self = .administrative
        case "参公事业单位", "参公", "参照公务员法管理事业单位", "civil-service-managed": self = .civilServiceManaged
        case "事业单位", "事业", "institution": self = .institution
        default: return nil
        }
    }
}

/// 项目类别, as the performance sheets group projects.
public enum ProjectCategory: Int, CaseIterable, Sendable, Hashable, Codable {
    case none = 0
    case operating      // 其他运转类
    case specificGoal   // 特定目标类

    public var name: String {
        switch self {
        case .none: return ""
        case .operating: return "其他运转类"
        case .specificGoal: return "特定目标类"
        }
    }

    public init?(name: String) {
        switch name.trimmingSpaces {
        case "": self = .none
        case "其他运转类", "operating": self = .operating
        case "特定目标类", "specific": self = .specificGoal
        default: return nil
        }
    }
}
