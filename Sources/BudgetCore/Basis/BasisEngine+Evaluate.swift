extension BasisEngine {
    /// The amount of a basis line in 分: its exact value rounded once, half up. A negative value
    /// or one beyond `BasisLimits.amountFen` is a problem of the whole expression.
    func evaluate(row r: Int) throws(BasisIssue) -> Int64 {
        let p = Int(programOf[r])
        let v = try value(row: r, program: p)
        if v.isNegative {
            throw BasisIssue(.negative, at: 0, length: programs[p].text.unicodeScalars.count,
                             "结果为负数（\(v.decimalText) 元），金额不得小于 0", result: true)
        }
        guard let fen = try? v.roundedToFen(), fen <= BasisLimits.amountFen else {
            throw BasisIssue(.tooLarge, at: 0, length: programs[p].text.unicodeScalars.count,
                             "结果超出金额上限（10^16 元）", result: true)
        }
        return fen
    }

    /// The exact value of a basis line's expression (program `p`), on a stack in temporary memory.
    func value(row r: Int, program p: Int) throws(BasisIssue) -> Rational {
        let ops = programs[p].ops
        let depth = programs[p].stackDepth
        return try withUnsafeTemporaryAllocation(of: Rational.self, capacity: depth) { stack throws(BasisIssue) -> Rational in
            var top = 0, cursor = 0
            for i in ops.indices {
                let op = ops[i]
                switch op {
                case .add, .subtract, .multiply, .divide:
                    let b = stack[top - 1], a = stack[top - 2]
                    top -= 1
                    do throws(Rational.Failure) {
                        switch op {
                        case .add: stack[top - 1] = try a.adding(b)
                        case .subtract: stack[top - 1] = try a.subtracting(b)
                        case .multiply: stack[top - 1] = try a.multiplied(by: b)
                        default: stack[top - 1] = try a.divided(by: b)
                        }
                    } catch {
                        throw issue(error, p, i)
                    }
                case .negate:
                    stack[top - 1] = -stack[top - 1]
                case .percent:
                    do throws(Rational.Failure) {
                        stack[top - 1] = try stack[top - 1].divided(by: Rational(unchecked: 100, 1))
                    } catch {
                        throw issue(error, p, i)
                    }
                case .number(let v):
                    stack[top] = v
                    top += 1
                default:
                    stack[top] = try term(op, row: r, program: p, at: i, cursor: &cursor)
                    top += 1
                }
            }
            return stack[0]
        }
    }

    /// The value of one operand: a number, a name, or a function call.
    func term(_ op: BasisProgram.Op, row r: Int, program p: Int, at i: Int, cursor: inout Int) throws(BasisIssue) -> Rational {
        let unit = unitOf[r]
        switch op {
        case .number(let v):
            return v
        case .name(let s):
            if let v = parameterValues[BasisEngine.parameterDep(unit, s)] ?? standardValues[s] { return v }
            throw place(p, i, .unknownName, "未知的名称：不是单位 `\(unitCodes[Int(unit)])` 的参数，也不是标准")
        case .headcount(let c):
            let n = staffSums[BasisEngine.staffKey(unit, c, BasisEngine.all)]?.int64 ?? 0
            guard let v = try? Rational(n) else { throw place(p, i, .tooLarge, "人数超出上限") }
            return v
        case .wage(let f, let c):
            guard fieldRows[f] != nil else {
                throw place(p, i, .unknownField, "人员信息中没有字段 `\(symbolTexts[Int(f)])`")
            }
            let fen = staffSums[BasisEngine.staffKey(unit, c, f)] ?? .zero
            guard let n = fen.int64, let v = try? Rational(fen: n) else { throw place(p, i, .tooLarge, "工资合计超出上限") }
            return v
        case .economic(let count):
            var sum = Wide.zero
            let used = usedGroupsOf[r]
            for k in cursor..<(cursor + Int(count)) { sum = sum.plus(groupSum[Int(used[k])]) }
            cursor += Int(count)
            guard let n = sum.int64, let v = try? Rational(fen: n) else { throw place(p, i, .tooLarge, "经济分类合计超出上限") }
            return v
        default:
            return .zero
        }
    }

    private func issue(_ f: Rational.Failure, _ p: Int, _ i: Int) -> BasisIssue {
        switch f {
        case .divisionByZero: return place(p, i, .divisionByZero, "除数为零")
        case .tooLarge: return place(p, i, .tooLarge, "计算超出精确计算的上限（分子、分母不得超过 10^18）")
        }
    }

    private func place(_ p: Int, _ i: Int, _ kind: BasisIssue.Kind, _ detail: String) -> BasisIssue {
        let r = programs[p].expression?.places[i] ?? 0..<0
        return BasisIssue(kind, at: r.lowerBound, length: r.count, detail)
    }
}

// MARK: - Explanation (`budget explain`)

/// How a line's amount comes out: the expression, and each name or function in it with its
/// value and where that value comes from.
public struct BasisExplanation: Hashable, Sendable {
    public struct Term: Hashable, Sendable {
        public enum Origin: Hashable, Sendable {
            /// A parameter of the line's unit.
            case parameter(Parameter)
            /// A standard (no parameter of the unit has the name).
            case standard(Standard)
            /// 人数(类别): the roster rows of the unit, of the category (nil = all), and how many rows.
            case headcount(category: String?, rows: Int)
            /// 工资(字段, 类别): Σ field × count over those rows.
            case wage(field: String, category: String?, rows: Int)
            /// 经济(…): the sum of the unit's lines with these codes (same source, carryover, kind), and how many lines.
            case economic(codes: [String], lines: Int)
        }
        /// The term as written, and its place (scalar offsets).
        public var text: String
        public var offset: Int
        public var length: Int
        public var value: Rational
        public var origin: Origin
    }

    public var id: Int64
    public var expression: String
    /// The exact value before rounding, and the amount (rounded once to the 分, half up).
    public var value: Rational
    public var amount: Money
    public var terms: [Term]
}

extension BasisEngine {
    /// The explanation of a line's amount, or nil when it has no basis.
    public func explain(_ id: Int64) -> BasisExplanation? {
        guard let row = rows[id], programOf[Int(row)] >= 0 else { return nil }
        let r = Int(row)
        let pi = Int(programOf[r])
        let p = programs[pi]
        guard let e = p.expression, let value = try? value(row: r, program: pi) else { return nil }
        let scalars = Array(p.text.unicodeScalars)
        let unit = unitOf[r]
        var terms: [BasisExplanation.Term] = []
        var cursor = 0
        for (i, op) in p.ops.enumerated() {
            let origin: BasisExplanation.Term.Origin
            switch op {
            case .name(let s):
                if let rec = parameterRecords[BasisEngine.parameterDep(unit, s)] { origin = .parameter(rec) }
                else if let rec = standardRecords[s] { origin = .standard(rec) }
                else { continue }
            case .headcount(let c):
                origin = .headcount(category: c == BasisEngine.all ? nil : symbolTexts[Int(c)], rows: staffRows(unit: unit, category: c))
            case .wage(let f, let c):
                origin = .wage(field: symbolTexts[Int(f)], category: c == BasisEngine.all ? nil : symbolTexts[Int(c)],
                               rows: staffRows(unit: unit, category: c))
            case .economic(let count):
                let range = cursor..<(cursor + Int(count))
                origin = .economic(codes: p.codeSymbols[range].map { symbolTexts[Int($0)] },
                                   lines: usedGroupsOf[r][range].reduce(0) { $0 + Int(groupLines[Int($1)]) })
            default:
                continue
            }
            guard let v = try? term(op, row: r, program: pi, at: i, cursor: &cursor) else { continue }
            let place = e.places[i]
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars[place])
            terms.append(BasisExplanation.Term(text: String(text), offset: place.lowerBound, length: place.count,
                                               value: v, origin: origin))
        }
        return BasisExplanation(id: id, expression: p.text, value: value, amount: Money(fen: amount[r]), terms: terms)
    }

    private func staffRows(unit: Int32, category: Int32) -> Int {
        staffLinked.values.reduce(0) { $0 + ($1.unit == unit && (category == BasisEngine.all || $1.category == category) ? 1 : 0) }
    }
}
