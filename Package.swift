// swift-tools-version: 6.1
import PackageDescription

/// Dependencies point one way: BudgetCore knows nothing of files, SQLite, XLSX or HTTP;
/// every other target depends on it.
let package = Package(
    name: "BudgetWorkbench",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "budget", targets: ["budget"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        // The domain model and the recalculation engine: pure, no I/O.
        .target(name: "BudgetCore"),
        // Atomic file replacement (temporary file, fsync, rename, fsync of the folder), for every writer.
        .target(name: "BudgetFiles"),
        // The workbook folder: CSV text form of one budget, and the input rules every reader shares.
        .target(name: "BudgetWorkbook", dependencies: ["BudgetCore", "BudgetFiles"]),
        // The SQLite workspace.
        .target(name: "BudgetStore", dependencies: [
            "BudgetCore", "BudgetFiles",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        // libxlsxwriter, as Debian's libxlsxwriter-dev installs it.
        .systemLibrary(name: "CXlsxWriter", pkgConfig: "xlsxwriter",
                       providers: [.apt(["libxlsxwriter-dev"])]),
        // A thin, checked Swift layer over libxlsxwriter, and an XLSX reader.
        .target(name: "BudgetXLSX", dependencies: [
            "CXlsxWriter", "BudgetFiles",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        // Disclosure table templates (data under Templates/tables) and the tables they describe.
        .target(name: "BudgetTables", dependencies: ["BudgetCore", "BudgetXLSX"]),
        // The disclosure tables written as XLSX.
        .target(name: "BudgetExport", dependencies: ["BudgetCore", "BudgetTables", "BudgetXLSX"]),
        // Reconciliation checks, prior-year comparison and the narrative.
        .target(name: "BudgetChecks", dependencies: ["BudgetCore", "BudgetTables", "BudgetXLSX"]),
        // Excel in: the input workbook and XLSX/CSV import of line items and code lists.
        .target(name: "BudgetImport", dependencies: ["BudgetCore", "BudgetWorkbook", "BudgetXLSX"]),
        // The local web workbench.
        .target(name: "BudgetServer", dependencies: [
            "BudgetCore", "BudgetStore", "BudgetTables", "BudgetExport", "BudgetChecks", "BudgetWorkbook",
            .product(name: "Hummingbird", package: "hummingbird"),
        ], exclude: ["Public", "embed-assets.py"]),
        // The rest of the disclosure (绩效目标, 政府采购, 国有资产, texts): model, folder files, checks.
        .target(name: "BudgetDisclosure", dependencies: ["BudgetCore", "BudgetFiles"]),
        // A small deterministic WordprocessingML (.docx) writer.
        .target(name: "BudgetDocx", dependencies: [
            "BudgetFiles",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        // The disclosure document (DOCX) and the performance-target sheets (XLSX) written out.
        .target(name: "BudgetPublish", dependencies: [
            "BudgetCore", "BudgetChecks", "BudgetDisclosure", "BudgetDocx", "BudgetTables", "BudgetXLSX",
        ]),
        .executableTarget(name: "budget", dependencies: [
            "BudgetCore", "BudgetFiles", "BudgetWorkbook", "BudgetStore", "BudgetXLSX", "BudgetTables", "BudgetExport",
            "BudgetChecks", "BudgetImport", "BudgetServer", "BudgetDisclosure", "BudgetPublish",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "BudgetCoreTests", dependencies: ["BudgetCore"]),
        .testTarget(name: "BudgetWorkbookTests", dependencies: ["BudgetCore", "BudgetFiles", "BudgetWorkbook"]),
        .testTarget(name: "BudgetStoreTests", dependencies: ["BudgetCore", "BudgetStore", "BudgetWorkbook", "BudgetChecks", "BudgetTables"]),
        .testTarget(name: "BudgetXLSXTests", dependencies: ["BudgetXLSX"], exclude: ["Fixtures"]),
        .testTarget(name: "BudgetTablesTests", dependencies: [
            "BudgetCore", "BudgetWorkbook", "BudgetTables", "BudgetExport", "BudgetXLSX",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .testTarget(name: "BudgetChecksTests", dependencies: [
            "BudgetCore", "BudgetWorkbook", "BudgetTables", "BudgetChecks", "BudgetXLSX",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .testTarget(name: "BudgetImportTests", dependencies: [
            "BudgetCore", "BudgetWorkbook", "BudgetStore", "BudgetImport", "BudgetXLSX",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "BudgetDisclosureTests", dependencies: [
            "BudgetCore", "BudgetWorkbook", "BudgetDisclosure", "BudgetDocx", "BudgetPublish", "BudgetXLSX",
            "BudgetTables", "BudgetChecks",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ], exclude: ["Fixtures"]),
        // The command line: help and error texts as snapshots, through ArgumentParser's parseAsRoot.
        .testTarget(name: "BudgetCLITests", dependencies: [
            "budget", "BudgetCore", "BudgetWorkbook", "BudgetStore", "BudgetXLSX",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], exclude: ["Snapshots"]),
        .testTarget(name: "BudgetServerTests", dependencies: [
            "BudgetCore", "BudgetWorkbook", "BudgetStore", "BudgetServer", "BudgetXLSX",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ]
)
