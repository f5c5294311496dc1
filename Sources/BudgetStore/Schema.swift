import GRDB

/// The workspace schema. Migrations are registered by name and never edited once shipped:
/// a change is a new migration (GRDB's Migrations guide).
enum Schema {
    /// Marks an SQLite file as a budget workspace ("BDGT"), so a foreign database is refused.
    static let applicationID: Int32 = 0x4244_4754

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-workspace") { db in
            try db.execute(sql: """
                CREATE TABLE meta (
                    key   TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                ) WITHOUT ROWID;

                -- 政府收支分类科目: the code sets in force; origin 'workbook' rows are written back to codes.csv.
                CREATE TABLE code (
                    code_set TEXT NOT NULL CHECK (code_set IN ('function','economic','government-economic','revenue')),
                    code     TEXT NOT NULL CHECK (length(code) BETWEEN 3 AND 9 AND code NOT GLOB '*[^0-9]*'),
                    name     TEXT NOT NULL CHECK (name <> ''),
                    origin   TEXT NOT NULL CHECK (origin IN ('default','workbook')),
                    PRIMARY KEY (code_set, code)
                ) WITHOUT ROWID;

                CREATE TABLE economic_map (
                    economic               TEXT PRIMARY KEY NOT NULL CHECK (length(economic) = 5),
                    government_admin       TEXT NOT NULL CHECK (length(government_admin) = 5),
                    government_institution TEXT NOT NULL CHECK (length(government_institution) = 5),
                    origin                 TEXT NOT NULL CHECK (origin IN ('default','workbook'))
                ) WITHOUT ROWID;

                CREATE TABLE unit (
                    code TEXT PRIMARY KEY NOT NULL CHECK (code <> ''),
                    name TEXT NOT NULL CHECK (name <> ''),
                    type INTEGER NOT NULL CHECK (type BETWEEN 0 AND 2)  -- 0 行政单位, 1 参公事业单位, 2 事业单位
                ) WITHOUT ROWID;

                CREATE TABLE project (
                    unit     TEXT NOT NULL REFERENCES unit(code) ON UPDATE CASCADE,
                    code     TEXT NOT NULL CHECK (code <> ''),
                    name     TEXT NOT NULL CHECK (name <> ''),
                    category INTEGER NOT NULL DEFAULT 0 CHECK (category BETWEEN 0 AND 2),
                    PRIMARY KEY (unit, code)
                ) WITHOUT ROWID;

                -- 支出明细. Money is integer 分. A version per line lets an editor refuse a stale write.
                CREATE TABLE item (
                    id           INTEGER PRIMARY KEY,
                    unit         TEXT NOT NULL REFERENCES unit(code) ON UPDATE CASCADE,
                    function     TEXT NOT NULL CHECK (length(function) = 7),
                    economic     TEXT NOT NULL CHECK (length(economic) = 5),
                    source       INTEGER NOT NULL CHECK (source BETWEEN 0 AND 4),
                    carryover    INTEGER NOT NULL CHECK (carryover IN (0, 1)),
                    kind         INTEGER NOT NULL CHECK (kind IN (0, 1)),
                    project      TEXT,
                    amount       INTEGER NOT NULL CHECK (amount >= 0),
                    gov_economic TEXT CHECK (gov_economic IS NULL OR length(gov_economic) = 5),
                    memo         TEXT NOT NULL DEFAULT '',
                    version      INTEGER NOT NULL DEFAULT 1,
                    CHECK ((kind = 1) = (project IS NOT NULL)),
                    FOREIGN KEY (unit, project) REFERENCES project(unit, code)
                );
                CREATE INDEX item_by_unit_project ON item(unit, project);

                CREATE TABLE revenue (
                    id     INTEGER PRIMARY KEY,
                    source INTEGER NOT NULL CHECK (source IN (1, 2)),
                    code   TEXT NOT NULL,
                    amount INTEGER NOT NULL CHECK (amount >= 0)
                );

                -- Who changed which line, when, from what to what (JSON of the line before and after).
                CREATE TABLE change_log (
                    id      INTEGER PRIMARY KEY,
                    item_id INTEGER NOT NULL,
                    at      TEXT NOT NULL,
                    author  TEXT NOT NULL,
                    action  TEXT NOT NULL CHECK (action IN ('add','set','rm')),
                    before  TEXT,
                    after   TEXT
                );
                CREATE INDEX change_log_by_item ON change_log(item_id);
                """)
        }
        m.registerMigration("v2-revision") { db in
            // A running server must see units, projects, codes and revenue that another process
            // (`budget import` in a terminal) changed. Line items are followed through change_log,
            // which every line write appends to; the rest bumps this counter through triggers, so
            // every writer of the file counts, whatever code path it took.
            var sql = """
                CREATE TABLE revision (
                    id      INTEGER PRIMARY KEY CHECK (id = 1),
                    context INTEGER NOT NULL
                );
                INSERT INTO revision(id, context) VALUES (1, 0);

                """
            // Part of this migration: never edit the list (a new table gets its triggers in a new migration).
            for table in ["meta", "code", "economic_map", "unit", "project", "revenue"] {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    sql += "CREATE TRIGGER \(table)_\(event.lowercased())_bumps_revision AFTER \(event) ON \(table) "
                        + "BEGIN UPDATE revision SET context = context + 1; END;\n"
                }
            }
            try db.execute(sql: sql)
        }
        m.registerMigration("v3-disclosure-files") { db in
            // The workbook folder's disclosure files (performance-targets.csv, texts/duties.md …) as
            // `budget load` read them, in BudgetDisclosure's canonical form: the store keeps their bytes
            // and knows nothing of their format, so `budget save` writes back exactly what was loaded.
            try db.execute(sql: """
                CREATE TABLE disclosure_file (
                    name    TEXT PRIMARY KEY NOT NULL CHECK (name <> ''),
                    content BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE TRIGGER disclosure_file_insert_bumps_revision AFTER INSERT ON disclosure_file BEGIN UPDATE revision SET context = context + 1; END;
                CREATE TRIGGER disclosure_file_update_bumps_revision AFTER UPDATE ON disclosure_file BEGIN UPDATE revision SET context = context + 1; END;
                CREATE TRIGGER disclosure_file_delete_bumps_revision AFTER DELETE ON disclosure_file BEGIN UPDATE revision SET context = context + 1; END;
                """)
        }
        m.registerMigration("v4-basis") { db in
            // 测算依据 (docs/basis.md): a line's basis, and what bases read. The stored amount of a
            // line with a basis is the computed one, so every reader sees amounts as before.
            var sql = """
                ALTER TABLE item ADD COLUMN basis TEXT CHECK (basis IS NULL OR basis <> '');
                CREATE INDEX item_with_basis ON item(id) WHERE basis IS NOT NULL;

                -- 参数: a unit's named quantities. Values are the text BasisNumber writes (exact).
                CREATE TABLE parameter (
                    unit  TEXT NOT NULL REFERENCES unit(code) ON UPDATE CASCADE,
                    name  TEXT NOT NULL CHECK (name <> ''),
                    value TEXT NOT NULL CHECK (value <> ''),
                    memo  TEXT NOT NULL DEFAULT '',
                    PRIMARY KEY (unit, name)
                ) WITHOUT ROWID;

                -- 标准: the county's rates and quotas.
                CREATE TABLE standard (
                    name  TEXT PRIMARY KEY NOT NULL CHECK (name <> ''),
                    value TEXT NOT NULL CHECK (value <> ''),
                    memo  TEXT NOT NULL DEFAULT ''
                ) WITHOUT ROWID;

                -- 人员信息: roster rows and their monthly amounts (分) by field.
                CREATE TABLE staff (
                    id       INTEGER PRIMARY KEY,
                    unit     TEXT NOT NULL REFERENCES unit(code) ON UPDATE CASCADE,
                    name     TEXT NOT NULL CHECK (name <> ''),
                    category TEXT NOT NULL CHECK (category <> ''),
                    count    INTEGER NOT NULL CHECK (count BETWEEN 0 AND 1000000)
                );
                CREATE TABLE staff_amount (
                    staff  INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
                    field  TEXT NOT NULL CHECK (field <> ''),
                    amount INTEGER NOT NULL CHECK (amount >= 0),
                    PRIMARY KEY (staff, field)
                ) WITHOUT ROWID;

                -- Who changed a parameter, a standard or a roster row, when, from what to what (JSON).
                -- The lines that moved with it are logged in change_log, in the same transaction.
                CREATE TABLE basis_log (
                    id     INTEGER PRIMARY KEY,
                    at     TEXT NOT NULL,
                    author TEXT NOT NULL,
                    target TEXT NOT NULL CHECK (target IN ('parameter','standard','staff')),
                    action TEXT NOT NULL CHECK (action IN ('add','set','rm')),
                    key    TEXT NOT NULL,
                    before TEXT,
                    after  TEXT
                );

                """
            // Part of this migration: never edit the list.
            for table in ["parameter", "standard", "staff", "staff_amount"] {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    sql += "CREATE TRIGGER \(table)_\(event.lowercased())_bumps_revision AFTER \(event) ON \(table) "
                        + "BEGIN UPDATE revision SET context = context + 1; END;\n"
                }
            }
            try db.execute(sql: sql)
        }
        m.registerMigration("v5-subtotals") { db in
            // The kept roll-up (docs/workspace.md): per node of the engine's Rollup, how many lines
            // reach it, and its nonzero slot sums (Slot: source × carryover × kind × nature), in 分.
            // Every write of `item` moves them in its transaction; an old workspace gets them here.
            try db.execute(sql: """
                CREATE TABLE rollup_node (
                    id    INTEGER PRIMARY KEY,
                    kind  TEXT NOT NULL CHECK (kind IN ('department','function','economic','pair','unit','project','unit-function')),
                    a     TEXT NOT NULL,
                    b     TEXT NOT NULL,
                    lines INTEGER NOT NULL CHECK (lines >= 0),
                    UNIQUE (kind, a, b)
                );
                CREATE TABLE rollup_sum (
                    node INTEGER NOT NULL REFERENCES rollup_node(id),
                    slot INTEGER NOT NULL CHECK (slot BETWEEN 0 AND 39),
                    fen  INTEGER NOT NULL CHECK (fen >= 0),
                    PRIMARY KEY (node, slot)
                ) WITHOUT ROWID;
                """)
            // The sums of an old workspace's lines are computed by v7-slot-blob, into the table it
            // makes (this migration once computed them itself, and then v6-slot-lines did).
        }
        m.registerMigration("v6-slot-lines") { db in
            // How many lines are in each kept slot: a rule that lists lines (personnel codes on
            // project lines, 三公 codes) counts them from here, and a slot row stays while a line is
            // in it, even at 0 分.
            try db.execute(sql: "ALTER TABLE rollup_sum ADD COLUMN lines INTEGER NOT NULL DEFAULT 0 CHECK (lines >= 0)")
            // The counts (and sums) of an old workspace's lines are computed by v7-slot-blob, which
            // runs next (this migration once computed them itself, into the tables v7 replaces).
        }
        m.registerMigration("v7-slot-blob") { db in
            // A kept node's slots as one BLOB (KeptSlots: a 17-byte record per slot with a line),
            // not a `rollup_sum` row each: a load wrote 1.5 × 10^5 slot rows for 10^5 lines. The
            // kept roll-up is recomputed from the lines, into the new table.
            try db.execute(sql: """
                DROP TABLE rollup_sum;
                DROP TABLE rollup_node;
                CREATE TABLE rollup_node (
                    id    INTEGER PRIMARY KEY,
                    kind  TEXT NOT NULL CHECK (kind IN ('department','function','economic','pair','unit','project','unit-function')),
                    a     TEXT NOT NULL,
                    b     TEXT NOT NULL,
                    lines INTEGER NOT NULL CHECK (lines > 0),
                    slots BLOB NOT NULL CHECK (typeof(slots) = 'blob' AND length(slots) % 17 = 0 AND length(slots) <= 680),
                    UNIQUE (kind, a, b)
                );
                """)
            try Workspace.rebuildKeptRollup(db)
        }
        return m
    }
}
