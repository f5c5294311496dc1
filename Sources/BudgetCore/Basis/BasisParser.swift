/// A parsed basis expression: postfix operations, each with its place in the text, so that an
/// evaluation problem (a division by zero, an unknown name) names where it happened.
public struct BasisExpression: Sendable, Equatable {
    public enum Operation: Sendable, Equatable {
        case number(Rational)
        /// A parameter of the line's unit, or a standard.
        case name(String)
        /// `人数(类别)`: nil category = every roster row of the unit.
        case headcount(category: String?)
        /// `工资(字段, 类别)`: Σ field × count over the unit's roster rows (元 a month).
        case wage(field: String, category: String?)
        /// `经济(30101, 302, …)`: 3-digit 类 or 5-digit 款, none inside another.
        case economic([String])
        case add, subtract, multiply, divide, negate, percent
    }

    /// The text as given (the leading `=` included).
    public let text: String
    public internal(set) var operations: [Operation] = []
    /// Per operation: its place (scalar offsets, end exclusive).
    public internal(set) var places: [Range<Int>] = []
    /// Per `经济` code, in order of appearance: its place.
    public internal(set) var codePlaces: [Range<Int>] = []
    /// The deepest the evaluation stack gets.
    public internal(set) var stackDepth = 0

    /// Function names; a parameter or standard may not be named so.
    public static let functions = ["人数", "工资", "经济"]
}

/// Recursive descent over the grammar of docs/basis.md:
///
///     basis   = [ "=" ] sum
///     sum     = product { ("+" | "-") product }
///     product = unary { ("*" | "/") unary }
///     unary   = ("+" | "-") unary | primary [ "%" ]
///     primary = number | name | call | "(" sum ")"
///     call    = ("人数" | "工资" | "经济") "(" [ argument { "," argument } ] ")"
///
/// Bounded by `BasisLimits`: length before lexing, depth and terms while parsing.
public struct BasisParser {
    private var lexer: BasisLexer
    private var token: BasisToken
    private var out: BasisExpression
    private var depth = 0
    private var terms = 0
    private var stack = 0

    public static func parse(_ text: String) throws(BasisIssue) -> BasisExpression {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count <= BasisLimits.expressionLength else {
            throw BasisIssue(.limit, at: BasisLimits.expressionLength, length: scalars.count - BasisLimits.expressionLength,
                             "测算依据过长（\(scalars.count) 个字符，上限 \(BasisLimits.expressionLength)）")
        }
        var p = try BasisParser(scalars: scalars, text: text)
        return try p.run()
    }

    private init(scalars: [Unicode.Scalar], text: String) throws(BasisIssue) {
        lexer = BasisLexer(scalars)
        token = BasisToken(kind: .end, start: 0, end: 0)
        out = BasisExpression(text: text)
        token = try lexer.next()
    }

    private mutating func advance() throws(BasisIssue) { token = try lexer.next() }

    private mutating func run() throws(BasisIssue) -> BasisExpression {
        if token.kind == .equals { try advance() }
        if token.kind == .end {
            throw BasisIssue(.syntax, at: token.start, length: 0, out.text.unicodeScalars.contains { !BasisCharacters.isSpace($0) }
                             ? "等号后面没有算式" : "测算依据为空")
        }
        try sum()
        switch token.kind {
        case .end: break
        case .close: throw BasisIssue(.syntax, at: token.start, length: 1, "多余的右括号")
        case .equals: throw BasisIssue(.syntax, at: token.start, length: 1, "等号只能写在最前面")
        case .comma: throw BasisIssue(.syntax, at: token.start, length: 1, "逗号只能分隔函数的参数")
        case .percent: throw BasisIssue(.syntax, at: token.start, length: 1, "百分号重复")
        default:
            throw BasisIssue(.syntax, at: token.start, length: token.end - token.start, "前面缺少运算符（+ - × ÷）")
        }
        out.stackDepth = max(out.stackDepth, 1)
        return out
    }

    private mutating func emit(_ op: BasisExpression.Operation, _ place: Range<Int>) {
        out.operations.append(op)
        out.places.append(place)
        switch op {
        case .number, .name, .headcount, .wage, .economic:
            stack += 1
            out.stackDepth = max(out.stackDepth, stack)
        case .add, .subtract, .multiply, .divide:
            stack -= 1
        case .negate, .percent:
            break
        }
    }

    private mutating func enter(_ at: BasisToken) throws(BasisIssue) {
        depth += 1
        guard depth <= BasisLimits.depth else {
            throw BasisIssue(.limit, at: at.start, length: 1, "括号或正负号嵌套过深（上限 \(BasisLimits.depth) 层）")
        }
    }

    private mutating func sum() throws(BasisIssue) {
        try product()
        while token.kind == .plus || token.kind == .minus {
            let op = token
            try advance()
            try product()
            emit(op.kind == .plus ? .add : .subtract, op.start..<op.end)
        }
    }

    private mutating func product() throws(BasisIssue) {
        try unary()
        while token.kind == .times || token.kind == .divide {
            let op = token
            try advance()
            try unary()
            emit(op.kind == .times ? .multiply : .divide, op.start..<op.end)
        }
    }

    private mutating func unary() throws(BasisIssue) {
        if token.kind == .plus || token.kind == .minus {
            let op = token
            try enter(op)
            try advance()
            try unary()
            if op.kind == .minus { emit(.negate, op.start..<op.end) }
            depth -= 1
            return
        }
        let start = token.start
        try primary()
        if token.kind == .percent {
            emit(.percent, start..<token.end)
            try advance()
        }
    }

    private mutating func operand(_ at: BasisToken) throws(BasisIssue) {
        terms += 1
        guard terms <= BasisLimits.terms else {
            throw BasisIssue(.limit, at: at.start, length: at.end - at.start,
                             "测算依据的数字、名称和函数过多（上限 \(BasisLimits.terms) 个）")
        }
    }

    private mutating func primary() throws(BasisIssue) {
        let t = token
        switch t.kind {
        case .number(let v, _):
            try operand(t)
            try advance()
            emit(.number(v), t.start..<t.end)
        case .name(let name):
            try operand(t)
            try advance()
            if token.kind == .open {
                try call(name, at: t)
            } else if BasisExpression.functions.contains(name) {
                throw BasisIssue(.syntax, at: t.start, length: t.end - t.start,
                                 "`\(name)` 是函数，应写成 \(BasisParser.usage(name))")
            } else {
                emit(.name(name), t.start..<t.end)
            }
        case .open:
            try enter(t)
            try advance()
            if token.kind == .close { throw BasisIssue(.syntax, at: token.start, length: 1, "括号里没有算式") }
            try sum()
            guard token.kind == .close else {
                if token.kind == .end { throw BasisIssue(.syntax, at: t.start, length: 1, "括号没有配对：缺少右括号") }
                throw BasisIssue(.syntax, at: token.start, length: max(1, token.end - token.start), "此处应为右括号或运算符")
            }
            depth -= 1
            try advance()
        case .text:
            throw BasisIssue(.syntax, at: t.start, length: t.end - t.start, "带引号的文字只能作函数的参数，如 人数(\"遗属\")")
        case .end:
            throw BasisIssue(.syntax, at: t.start, length: 0, "算式不完整：末尾缺少数字或名称")
        case .close:
            throw BasisIssue(.syntax, at: t.start, length: 1, "此处应为数字、名称或括号，却是右括号")
        case .percent:
            throw BasisIssue(.syntax, at: t.start, length: 1, "百分号应写在数字之后，如 16%")
        default:
            throw BasisIssue(.syntax, at: t.start, length: t.end - t.start, "此处应为数字、名称或括号")
        }
    }

    static func usage(_ function: String) -> String {
        switch function {
        case "人数": return "人数(类别) 或 人数()"
        case "工资": return "工资(字段, 类别) 或 工资(字段)"
        default: return "经济(30101, 30102, …)"
        }
    }

    /// The arguments of a call, after its name; the current token is `(`.
    private mutating func call(_ name: String, at nameToken: BasisToken) throws(BasisIssue) {
        guard BasisExpression.functions.contains(name) else {
            throw BasisIssue(.unknownFunction, at: nameToken.start, length: nameToken.end - nameToken.start,
                             "`\(name)` 不是函数（函数只有 人数、工资、经济）")
        }
        let open = token
        try advance()
        var args: [BasisToken] = []
        if token.kind != .close {
            while true {
                switch token.kind {
                case .name, .text, .number: args.append(token)
                case .end: throw BasisIssue(.syntax, at: open.start, length: 1, "括号没有配对：缺少右括号")
                default:
                    throw BasisIssue(.syntax, at: token.start, length: max(1, token.end - token.start),
                                     "\(name)() 的参数应为\(name == "经济" ? "经济分类科目" : "名称或带引号的文字")")
                }
                guard args.count <= BasisLimits.economicCodes else {
                    throw BasisIssue(.limit, at: token.start, length: token.end - token.start,
                                     "\(name)() 的参数过多（上限 \(BasisLimits.economicCodes) 个）")
                }
                try advance()
                if token.kind == .comma { try advance(); continue }
                if token.kind == .close { break }
                if token.kind == .end { throw BasisIssue(.syntax, at: open.start, length: 1, "括号没有配对：缺少右括号") }
                throw BasisIssue(.syntax, at: token.start, length: max(1, token.end - token.start), "参数之间应以逗号分隔")
            }
        }
        let place = nameToken.start..<token.end
        try advance()
        switch name {
        case "人数":
            guard args.count <= 1 else {
                throw BasisIssue(.syntax, at: args[1].start, length: args[1].end - args[1].start, "人数() 最多一个参数：人员类别")
            }
            var category: String?
            if let a = args.first { category = try text(a, "人员类别") }
            emit(.headcount(category: category), place)
        case "工资":
            guard (1...2).contains(args.count) else {
                throw BasisIssue(.syntax, at: nameToken.start, length: place.count, "工资() 需要一或两个参数：工资(字段, 类别)")
            }
            let field = try text(args[0], "工资字段")
            let category = try args.count == 2 ? text(args[1], "人员类别") : nil
            emit(.wage(field: field, category: category), place)
        default:
            guard !args.isEmpty else {
                throw BasisIssue(.syntax, at: nameToken.start, length: place.count, "经济() 至少要一个经济分类科目，如 经济(30101)")
            }
            var codes: [String] = []
            for a in args {
                guard case .number(_, let digits?) = a.kind, digits.count == 3 || digits.count == 5 else {
                    throw BasisIssue(.syntax, at: a.start, length: a.end - a.start,
                                     "经济() 的参数应为经济分类的类（3 位数字）或款（5 位数字）")
                }
                for other in codes {
                    let clash = other == digits ? "科目 `\(digits)` 重复"
                        : digits.hasPrefix(other) ? "款 `\(digits)` 已含在类 `\(other)` 中"
                        : other.hasPrefix(digits) ? "类 `\(digits)` 已含有前面的款 `\(other)`" : nil
                    if let clash {
                        throw BasisIssue(.syntax, at: a.start, length: a.end - a.start, clash + "，同一笔明细不能计两次")
                    }
                }
                codes.append(digits)
                out.codePlaces.append(a.start..<a.end)
            }
            emit(.economic(codes), place)
        }
    }

    /// A category or field argument: a name, or quoted text.
    private func text(_ a: BasisToken, _ what: String) throws(BasisIssue) -> String {
        switch a.kind {
        case .name(let s), .text(let s): return s
        default:
            throw BasisIssue(.syntax, at: a.start, length: a.end - a.start, "\(what)应为名称或带引号的文字，如 \"\(what == "人员类别" ? "在职" : "岗位工资")\"")
        }
    }
}

/// The lexical rule for the names of parameters, standards and roster fields.
public enum BasisName {
    /// Why `name` cannot be a parameter, standard or field name, or nil when it can: a name
    /// starts with a letter (any script) or `_` and continues with letters, digits or `_`; it is
    /// not a function name. Names are compared exactly as written.
    public static func problem(_ name: String) -> String? {
        let s = Array(name.unicodeScalars)
        guard let first = s.first else { return "名称为空" }
        guard BasisCharacters.isNameStart(first) else { return "名称 `\(name)` 应以文字或字母开头" }
        if let bad = s.first(where: { !BasisCharacters.isNameContinue($0) }) {
            return "名称 `\(name)` 含有不能用于名称的字符 `\(Character(bad))`（只能用文字、字母、数字和 _）"
        }
        if BasisExpression.functions.contains(name) { return "`\(name)` 是函数名，不能作名称" }
        return nil
    }
}
