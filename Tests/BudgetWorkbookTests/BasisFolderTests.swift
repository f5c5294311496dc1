import BudgetCore
import Foundation
import Testing
@testable import BudgetWorkbook

/// A small workbook drafted from a basis: two units, parameters, standards, a roster.
func basisFolder(_ name: String = #function, edit: (inout [String: String]) -> Void = { _ in }) throws -> URL {
    var files: [String: String] = [
        "workbook.json": "{\"department\": \"测试局\", \"department_code\": \"900\", \"year\": 2026}\n",
        "units.csv": "code,name,type\n900001,测试局,行政单位\n900002,测试中心,事业单位\n",
        "projects.csv": "code,unit,name,category\nP01,900001,设备购置,特定目标类\n",
        "items.csv": """
            unit,function,economic,source,carryover,kind,project,amount,gov_economic,memo,basis
            900001,2010101,30101,一般公共预算,当年,基本支出,,,,,工资(基本工资) × 12
            900001,2010101,30108,一般公共预算,当年,基本支出,,100.00,,,经济(30101) × 养老保险单位缴费比例
            900001,2010101,30201,一般公共预算,当年,基本支出,,,,,公用经费定额 × 人数(在职)
            900001,2010101,31002,一般公共预算,当年,项目支出,P01,,,,3 × 单价
            900002,2010101,30101,一般公共预算,当年,基本支出,,5000.00,,,

            """,
        "parameters.csv": "unit,name,value,memo\n900001,单价,4500.5,元/台\n",
        "standards.csv": "name,value,memo\n养老保险单位缴费比例,16%,县定\n公用经费定额,8000,元/人·年\n",
        "staff.csv": "unit,name,category,count,基本工资,津贴补贴\n900001,科员,在职,3,3000,\n900001,张三,退休,,2500.5,100\n",
    ]
    edit(&files)
    let dir = temporaryFolder(name)
    for (f, text) in files { try text.write(to: dir.appendingPathComponent(f), atomically: true, encoding: .utf8) }
    return dir
}

@Suite("Workbook folder: the basis of calculation")
struct BasisFolderTests {
    @Test("lines with a basis get their computed amounts; a differing stated amount is a warning naming the line")
    func computes() throws {
        let (b, warnings) = try WorkbookFolder.readReporting(try basisFolder(), defaults: try defaults())
        let amounts = b.items.map(\.amount.yuanText)
        // 3 × 3000 + 1 × 2500.5 = 11500.5 a month × 12; 16% of it; 8000 × 3 在职; 3 × 4500.5.
        #expect(amounts == ["138006.00", "22080.96", "24000.00", "13501.50", "5000.00"])
        #expect(b.parameters == [Parameter(unit: "900001", name: "单价", value: BasisNumber(try Rational(9001, 2)), memo: "元/台")])
        #expect(b.standards.map(\.value.text) == ["16%", "8000"])
        #expect(b.staff.map(\.count) == [3, 1])
        #expect(b.staff[0].amounts == ["基本工资": Money(fen: 300_000), "津贴补贴": .zero])
        #expect(warnings.count == 1)
        #expect(warnings.first?.rule == .basisAmountDiffers)
        #expect(warnings.first?.description == "items.csv 第 3 行 列 amount：金额 100.00 元与测算依据算出的 22080.96 元不同，按测算依据取 22080.96 元")
    }

    @Test("load → save → load → save is byte-identical with a basis, parameters, standards and a roster")
    func roundTrip() throws {
        let codes = try defaults()
        let a = temporaryFolder(), b = temporaryFolder()
        try WorkbookFolder.write(try WorkbookFolder.read(try basisFolder(), defaults: codes), to: a)
        try WorkbookFolder.write(try WorkbookFolder.read(a, defaults: codes), to: b)
        for f in ["items.csv", "parameters.csv", "standards.csv", "staff.csv"] {
            #expect(try Data(contentsOf: a.appendingPathComponent(f)) == Data(contentsOf: b.appendingPathComponent(f)), "\(f)")
        }
        #expect(try String(contentsOf: a.appendingPathComponent("staff.csv"), encoding: .utf8)
                == "unit,name,category,count,基本工资,津贴补贴\n900001,科员,在职,3,3000.00,0.00\n900001,张三,退休,1,2500.50,100.00\n")
        #expect(try String(contentsOf: a.appendingPathComponent("standards.csv"), encoding: .utf8)
                == "name,value,memo\n公用经费定额,8000,元/人·年\n养老保险单位缴费比例,16%,县定\n")
        let items = try String(contentsOf: a.appendingPathComponent("items.csv"), encoding: .utf8)
        #expect(items.hasPrefix("unit,function,economic,source,carryover,kind,project,amount,gov_economic,memo,basis\n"))
        #expect(items.contains("900001,2010101,30101,一般公共预算,当年,基本支出,,138006.00,,,工资(基本工资) × 12\n"))
        // A budget without any basis keeps items.csv as before, and writes none of the three files.
        let c = temporaryFolder()
        try WorkbookFolder.write(try WorkbookFolder.read(demoFolder, defaults: codes), to: c)
        #expect(!FileManager.default.fileExists(atPath: c.appendingPathComponent("staff.csv").path))
        #expect(try String(contentsOf: c.appendingPathComponent("items.csv"), encoding: .utf8).hasPrefix("unit,function,economic,source,carryover,kind,project,amount,gov_economic,memo\n"))
    }

    @Test("a bad basis is an error with file, line, column, the expression and the place in it")
    func badBasis() throws {
        let dir = try basisFolder { f in
            f["items.csv"] = f["items.csv"]!.replacingOccurrences(of: "公用经费定额 × 人数(在职)", with: "公用经费 × 人数(在职)")
        }
        let p = problems { _ = try WorkbookFolder.read(dir, defaults: try defaults()) }
        #expect(p.map(\.rule) == [.basisUnknownName])
        #expect(p.first?.location == Location(file: "items.csv", line: 4, column: "basis"))
        #expect(p.first?.description.contains("`公用经费 × 人数(在职)` 第 1 个字符 `公用经费`") == true)
    }

    @Test("bad parameters, standards and roster rows: every problem at once, with file, line and column")
    func badRows() throws {
        let dir = try basisFolder { f in
            f["parameters.csv"] = "unit,name,value,memo,extra\n900001,单价,1,,x\n"
            f["standards.csv"] = "name,value,memo\n养老保险单位缴费比例,16%,\n养老保险单位缴费比例,8%,\n公用经费定额,八千,\n2x,1,\n"
            f["staff.csv"] = "unit,name,category,count,基本工资,基本工资,奖金(元)\n"
        }
        let p = problems { _ = try WorkbookFolder.read(dir, defaults: try defaults()) }
        let found = Set(p.map { "\($0.location.file ?? "") \($0.location.line ?? 0) \($0.location.column ?? "") \($0.rule)" })
        #expect(found.contains("parameters.csv 1 extra unknown-column"))
        #expect(found.contains("standards.csv 3 name basis-duplicate-standard"))
        #expect(found.contains("standards.csv 4 value basis-value"))
        #expect(found.contains("standards.csv 5 name basis-bad-name"))
        #expect(found.contains("staff.csv 1 基本工资 duplicate-column"))
        #expect(found.contains("staff.csv 1 奖金(元) basis-bad-name"))

        let units = try basisFolder { f in
            f["parameters.csv"] = "unit,name,value,memo\n999999,单价,1,\n900001,单价,-1,\n"
            f["staff.csv"] = "unit,name,category,count,基本工资\n999999,科员,在职,1,1\n900001,科员,在职,两个,1\n900001,,在职,1,abc\n"
        }
        let q = problems { _ = try WorkbookFolder.read(units, defaults: try defaults()) }
        let got = Set(q.map { "\($0.location.file ?? "") \($0.location.line ?? 0) \($0.location.column ?? "") \($0.rule)" })
        #expect(got.contains("parameters.csv 2 unit unknown-unit"))
        #expect(got.contains("parameters.csv 3 value basis-negative-value"))
        #expect(got.contains("staff.csv 2 unit unknown-unit"))
        #expect(got.contains("staff.csv 3 count basis-staff-count"))
        #expect(got.contains("staff.csv 4 name empty-value"))
        #expect(got.contains("staff.csv 4 基本工资 amount"))
    }

    @Test("a cycle of 经济() references is refused, naming the line")
    func cycle() throws {
        let dir = try basisFolder { f in
            f["items.csv"] = f["items.csv"]!.replacingOccurrences(of: "经济(30101) × 养老保险单位缴费比例", with: "经济(301) × 养老保险单位缴费比例")
        }
        let p = problems { _ = try WorkbookFolder.read(dir, defaults: try defaults()) }
        #expect(p.map(\.rule) == [.basisCycle])
        #expect(p.first?.location.file == "items.csv" && p.first?.location.line == 3)
    }
}

@Suite("The sample drafted from its basis (Workbooks/shifan-agriculture-2026)")
struct BasisSampleTests {
    let folder = projectRoot.appendingPathComponent("Workbooks/shifan-agriculture-2026")

    @Test("it loads without a warning, is already canonical, and every 人员经费 line is computed")
    func sample() throws {
        let codes = try defaults()
        let (b, warnings) = try WorkbookFolder.readReporting(folder, defaults: codes)
        #expect(warnings.isEmpty)
        #expect(b.units.map(\.type) == [.administrative, .institution])
        #expect(b.staff.count >= 38 && b.staff.count <= 45)
        #expect(b.standards.first { $0.name == "养老保险单位缴费比例" }?.value.text == "16%")
        #expect(b.standards.first { $0.name == "职业年金单位缴费比例" }?.value.text == "8%")
        #expect(b.standards.first { $0.name == "住房公积金比例" }?.value.text == "12%")
        for i in b.items where i.kind == .basic && (i.economic.hasPrefix("301") || i.economic.hasPrefix("303")) {
            #expect(i.basis != nil, "\(i.unit) \(i.economic) has no basis")
        }
        #expect(b.items.filter { $0.kind == .project && $0.basis != nil }.count >= 4)
        let out = temporaryFolder()
        try WorkbookFolder.write(b, to: out)
        for f in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            #expect(try Data(contentsOf: out.appendingPathComponent(f)) == Data(contentsOf: folder.appendingPathComponent(f)), "\(f)")
        }
        // 16% of the administrative unit's wage 款 (30101, 30102, 30103), to the 分.
        let admin = b.items.filter { $0.unit == "121001" && $0.kind == .basic }
        let wages = admin.filter { ["30101", "30102", "30103"].contains($0.economic) }.reduce(Int64(0)) { $0 + $1.amount.fen }
        let pension = try #require(admin.first { $0.economic == "30108" }).amount.fen
        #expect(pension == (wages * 16 + 50) / 100)
    }
}
