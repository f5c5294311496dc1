/// 国有资产占有使用情况 (section 十一): the figures the clerk enters for the end of the year
/// before the budget year (the seed: 截至2024年12月31日 for the 2025 budget).
public struct AssetHoldings: Hashable, Sendable {
    /// 公务用车编制 (vehicles the establishment allows).
    public var vehicleQuota: Int
    /// 实有 vehicles by category (zero counts absent); 实有 total is their sum.
    public private(set) var vehicles: [VehicleCategory: Int]
    /// 办公用房建筑总面积 in hundredths of a square metre (3234.56 平方米 = 323456).
    public var officeAreaHundredths: Int64
    /// 价值50万元（原值）以上的通用设备, 台（套）.
    public var equipmentOver500k: Int
    /// 价值100万元（原值）以上的通用设备, 台（套）.
    public var equipmentOver1m: Int

    public init(vehicleQuota: Int = 0, vehicles: [VehicleCategory: Int] = [:], officeAreaHundredths: Int64 = 0,
                equipmentOver500k: Int = 0, equipmentOver1m: Int = 0) {
        // Zero counts are not stored, so two holdings with the same figures are equal.
        self.vehicleQuota = vehicleQuota; self.vehicles = vehicles.filter { $0.value != 0 }; self.officeAreaHundredths = officeAreaHundredths
        self.equipmentOver500k = equipmentOver500k; self.equipmentOver1m = equipmentOver1m
    }

    public subscript(category: VehicleCategory) -> Int {
        get { vehicles[category] ?? 0 }
        set { vehicles[category] = newValue == 0 ? nil : newValue }
    }

    /// 实有 vehicles: the sum of the categories (so the two can never disagree).
    public var vehiclesHeld: Int { VehicleCategory.allCases.reduce(0) { $0 + self[$1] } }

    /// `3234.56`: the area as printed, two decimals.
    public var officeAreaText: String {
        let cents = officeAreaHundredths % 100
        return "\(officeAreaHundredths / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}

/// The vehicle categories section 十一 lists, in its order.
public enum VehicleCategory: String, CaseIterable, Hashable, Sendable {
    case leadership = "领导用车"
    case confidential = "机要通信用车"
    case emergency = "应急保障用车"
    case lawEnforcement = "执法执勤用车"
    case specialTechnical = "特种专业技术用车"
    case institutionBusiness = "事业单位业务用车"
    case other = "其他公务用车"
}
