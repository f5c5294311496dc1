/// An exact fraction for the basis of calculation (测算依据): "expressions exact (rationals),
/// rounded once to the 分, half up". Always in lowest terms with a positive denominator.
///
/// Bounded: the numerator's magnitude and the denominator are at most `Rational.limit` (10^18)
/// after every operation; an operation whose exact result in lowest terms is larger fails with
/// `.tooLarge` instead of trapping or losing precision. Intermediate products inside one
/// addition are formed in 128 bits, so a result within the limit is never refused.
public struct Rational: Hashable, Sendable, CustomStringConvertible {
    public let numerator: Int64
    public let denominator: Int64

    /// The documented bound on numerator and denominator (docs/basis.md, "Limits").
    public static let limit: Int64 = 1_000_000_000_000_000_000

    public enum Failure: Error, Equatable, Sendable {
        case tooLarge
        case divisionByZero
    }

    public static let zero = Rational(unchecked: 0, 1)
    public static let one = Rational(unchecked: 1, 1)

    /// A fraction already in lowest terms and within the limit.
    init(unchecked n: Int64, _ d: Int64) { numerator = n; denominator = d }

    /// An integer; fails beyond the limit.
    public init(_ n: Int64) throws(Failure) {
        guard n.magnitude <= Rational.limit.magnitude else { throw .tooLarge }
        self.init(unchecked: n, 1)
    }

    /// n / d reduced; fails on d == 0 or beyond the limit.
    public init(_ n: Int64, _ d: Int64) throws(Failure) {
        guard d != 0 else { throw .divisionByZero }
        let g = Rational.gcd(n.magnitude, d.magnitude)
        let nm = n.magnitude / g
        let dm = nm == 0 ? 1 : d.magnitude / g
        guard nm <= Rational.limit.magnitude, dm <= Rational.limit.magnitude else { throw .tooLarge }
        let negative = (n < 0) != (d < 0) && nm != 0
        self.init(unchecked: negative ? -Int64(nm) : Int64(nm), Int64(dm))
    }

    /// 分 as 元: `fen / 100`.
    public init(fen: Int64) throws(Failure) { try self.init(fen, 100) }

    public var isNegative: Bool { numerator < 0 }
    public var isZero: Bool { numerator == 0 }
    public var isInteger: Bool { denominator == 1 }

    public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }

    // MARK: - Arithmetic

    public static prefix func - (a: Rational) -> Rational { Rational(unchecked: -a.numerator, a.denominator) }

    public func adding(_ o: Rational) throws(Failure) -> Rational {
        let a = numerator, b = denominator, c = o.numerator, d = o.denominator
        if b == 1 && d == 1 {
            let (s, overflow) = a.addingReportingOverflow(c)
            guard !overflow, s.magnitude <= Rational.limit.magnitude else { throw .tooLarge }
            return Rational(unchecked: s, 1)
        }
        // Knuth 4.5.1: g = gcd(b, d); t = a·(d/g) + c·(b/g); g2 = gcd(t, g);
        // the sum is (t/g2) / ((b/g)·(d/g2)), already in lowest terms.
        let g = Int64(Rational.gcd(b.magnitude, d.magnitude))
        let bg = b / g, dg = d / g
        let t = Wide.product(a, dg).plus(Wide.product(c, bg))
        if t.isZero { return .zero }
        let g2 = Rational.gcd(t.remainder(dividingBy: UInt64(g)), UInt64(g))
        guard let n = t.quotient(dividingBy: g2) else { throw .tooLarge }
        let (den, overflow) = bg.multipliedReportingOverflow(by: d / Int64(g2))
        guard !overflow, den <= Rational.limit, n.magnitude <= Rational.limit.magnitude else { throw .tooLarge }
        return Rational(unchecked: n, den)
    }

    public func subtracting(_ o: Rational) throws(Failure) -> Rational { try adding(-o) }

    public func multiplied(by o: Rational) throws(Failure) -> Rational {
        if numerator == 0 || o.numerator == 0 { return .zero }
        if denominator == 1 && o.denominator == 1 {
            let (p, overflow) = numerator.multipliedReportingOverflow(by: o.numerator)
            guard !overflow, p.magnitude <= Rational.limit.magnitude else { throw .tooLarge }
            return Rational(unchecked: p, 1)
        }
        // Cross-cancel first: the product of the reduced factors is itself in lowest terms, so an
        // overflow here means the exact result is beyond the limit.
        let g1 = Int64(Rational.gcd(numerator.magnitude, o.denominator.magnitude))
        let g2 = Int64(Rational.gcd(o.numerator.magnitude, denominator.magnitude))
        let (n, o1) = (numerator / g1).multipliedReportingOverflow(by: o.numerator / g2)
        let (d, o2) = (denominator / g2).multipliedReportingOverflow(by: o.denominator / g1)
        guard !o1, !o2, n.magnitude <= Rational.limit.magnitude, d <= Rational.limit else { throw .tooLarge }
        return Rational(unchecked: n, d)
    }

    public func divided(by o: Rational) throws(Failure) -> Rational {
        guard o.numerator != 0 else { throw .divisionByZero }
        let reciprocal = o.numerator < 0 ? Rational(unchecked: -o.denominator, -o.numerator)
                                         : Rational(unchecked: o.denominator, o.numerator)
        return try multiplied(by: reciprocal)
    }

    // MARK: - Rounding

    /// The value as 元 rounded once to the 分, half up (四舍五入, half away from zero).
    /// Fails when the 分 figure is beyond `Rational.limit`.
    public func roundedToFen() throws(Failure) -> Int64 {
        let m = numerator.magnitude, d = denominator.magnitude
        let (high, low) = m.multipliedFullWidth(by: 100)
        guard high < d else { throw .tooLarge }
        let (q, r) = d.dividingFullWidth((high, low))
        let rounded = r >= d - r ? q + 1 : q // r ≥ d/2 without overflow
        guard rounded <= Rational.limit.magnitude else { throw .tooLarge }
        return numerator < 0 ? -Int64(rounded) : Int64(rounded)
    }

    /// The exact decimal text when the value is a finite decimal (`0.16`, `8000`), else `n/d`.
    public var decimalText: String {
        var d = denominator.magnitude
        while d % 2 == 0 { d /= 2 }
        while d % 5 == 0 { d /= 5 }
        guard d == 1 else { return description }
        let den = denominator.magnitude
        var text = (numerator < 0 ? "-" : "") + String(numerator.magnitude / den)
        var r = numerator.magnitude % den
        if r != 0 { text += "." }
        while r != 0 { // r < den ≤ 10^18, so r × 10 fits in 64 bits
            r *= 10
            text += String(r / den)
            r %= den
        }
        return text
    }

    /// Binary GCD; gcd(0, x) = x.
    static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        if a == 0 { return b }
        if b == 0 { return a }
        var u = a, v = b
        let shift = (u | v).trailingZeroBitCount
        u >>= u.trailingZeroBitCount
        repeat {
            v >>= v.trailingZeroBitCount
            if u > v { swap(&u, &v) }
            v -= u
        } while v != 0
        return u << shift
    }
}

/// A signed 128-bit value in sign and magnitude, for the one place an exact intermediate may
/// exceed 64 bits (the cross products of an addition) and for sums that must not wrap.
struct Wide: Sendable, Equatable {
    var negative: Bool
    var high: UInt64
    var low: UInt64

    init(_ m: UInt64) { negative = false; high = 0; low = m }
    init(negative: Bool, high: UInt64, low: UInt64) {
        self.negative = negative && (high != 0 || low != 0); self.high = high; self.low = low
    }
    init(_ v: Int64) { self.init(negative: v < 0, high: 0, low: v.magnitude) }

    static let zero = Wide(0 as UInt64)

    var isZero: Bool { high == 0 && low == 0 }

    /// a × b exactly.
    static func product(_ a: Int64, _ b: Int64) -> Wide {
        let (h, l) = a.magnitude.multipliedFullWidth(by: b.magnitude)
        return Wide(negative: (a < 0) != (b < 0), high: h, low: l)
    }

    /// The sum; both operands are below 2^126 in magnitude wherever it is used, so it cannot overflow.
    func plus(_ o: Wide) -> Wide {
        if negative == o.negative {
            let (l, c) = low.addingReportingOverflow(o.low)
            return Wide(negative: negative, high: high &+ o.high &+ (c ? 1 : 0), low: l)
        }
        // Different signs: subtract the smaller magnitude from the larger.
        let selfLarger = high > o.high || (high == o.high && low >= o.low)
        let (big, small) = selfLarger ? (self, o) : (o, self)
        let (l, b) = big.low.subtractingReportingOverflow(small.low)
        return Wide(negative: big.negative, high: big.high &- small.high &- (b ? 1 : 0), low: l)
    }

    func plus(_ v: Int64) -> Wide { plus(Wide(v)) }

    /// |self| mod m, for m > 0.
    func remainder(dividingBy m: UInt64) -> UInt64 {
        let r = high % m
        return m.dividingFullWidth((r, low)).remainder
    }

    /// self / m as Int64 when the quotient fits (m divides self exactly where it is used).
    func quotient(dividingBy m: UInt64) -> Int64? {
        guard high / m == 0 else { return nil }
        let q = m.dividingFullWidth((high % m, low)).quotient
        guard q <= UInt64(Int64.max) else { return nil }
        return negative ? -Int64(q) : Int64(q)
    }

    /// The value when it fits in Int64.
    var int64: Int64? {
        guard high == 0, low <= UInt64(Int64.max) else { return nil }
        return negative ? -Int64(low) : Int64(low)
    }
}
