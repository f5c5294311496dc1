/// The documented limits of the basis of calculation (docs/basis.md, "Limits"). An input beyond
/// one is a problem that names the limit, never a crash, a hang or unbounded memory.
public enum BasisLimits {
    /// Characters (Unicode scalars) in one expression.
    public static let expressionLength = 2_000
    /// Nesting of brackets and signs (`((…))`, `--x`).
    public static let depth = 32
    /// Operands in one expression: numbers, names and function calls.
    public static let terms = 200
    /// Economic codes in one `经济(…)`.
    public static let economicCodes = 50
    /// |numerator| and denominator of every exact intermediate value (`Rational.limit`).
    public static let rational = Rational.limit
    /// A computed amount, in 分 (10^16 元).
    public static let amountFen: Int64 = 1_000_000_000_000_000_000
    /// `count` of one roster row (人员信息).
    public static let staffCount: Int64 = 1_000_000
    /// Rows of one parameters, standards or roster table (a file or a sheet of the input template).
    public static let tableRows = 1_000_000
    /// Monthly amount fields (columns) of a roster.
    public static let staffFields = 100
    /// Distinct units, and distinct names, categories, fields and codes, the engine can intern.
    public static let units = 65_535
    public static let symbols = 4_000_000
    /// Problems collected by one evaluation before it stops.
    public static let problems = 200
}
