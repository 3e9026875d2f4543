/// A Monte-Carlo power estimate: rejections out of replicates, the power and its Monte-Carlo
/// standard error √(p(1 − p)/N). Encoded with `power` and `monte_carlo_se` included, and
/// `monte_carlo_se_note` when that SE says little (`standardErrorCaveat`).
public struct EmpiricalPower: Sendable, Encodable, Equatable {
    public var replicates: Int
    public var rejections: Int
    public var power: Double { Double(rejections) / Double(replicates) }
    public var monteCarloSE: Double { (power * (1 - power) / Double(replicates)).squareRoot() }

    /// Fewer replicates than this give no usable Monte-Carlo SE: the binomial SE √(p(1 − p)/N)
    /// is itself too uncertain (and p is 0 or 1 by chance too often) to be read as a ± .
    public static let minimumReplicatesForSE = 20

    public init(replicates: Int, rejections: Int) {
        self.replicates = replicates
        self.rejections = rejections
    }

    /// Why `monteCarloSE` should not be read as the uncertainty of `power`, or nil when it can:
    /// fewer than `minimumReplicatesForSE` replicates, or every or no replicate rejecting (the SE
    /// is then 0 whatever N; the rule of three gives the 95 % interval [1 − 3/N, 1] or [0, 3/N]).
    public var standardErrorCaveat: String? {
        if replicates < Self.minimumReplicatesForSE {
            return "no Monte-Carlo SE: \(replicates) replicate\(replicates == 1 ? " is" : "s are") too few to estimate it; give at least \(Self.minimumReplicatesForSE)"
        }
        if rejections == replicates || rejections == 0 {
            let bound = 3 / Double(replicates)
            let interval = rejections == 0 ? "[0, \(Self.format(bound))]" : "[\(Self.format(1 - bound)), 1]"
            return "the Monte-Carlo SE is 0 when \(rejections == 0 ? "no" : "every") replicate rejects; 95% interval about \(interval) (rule of three)"
        }
        return nil
    }

    /// `power 0.8 ± 0.04 (MC SE)`, or the power with the rejections and the caveat instead of a
    /// misleading ± (`standardErrorCaveat`).
    public var summary: String {
        if let caveat = standardErrorCaveat {
            return "power \(Self.format(power)) (\(rejections) of \(replicates) rejected; \(caveat))"
        }
        return "power \(Self.format(power)) ± \(Self.format(monteCarloSE)) (MC SE)"
    }

    static func format(_ x: Double) -> String { String(format: "%.4g", x) }

    enum CodingKeys: String, CodingKey { case replicates, rejections, power, monteCarloSE, monteCarloSENote }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(replicates, forKey: .replicates)
        try c.encode(rejections, forKey: .rejections)
        try c.encode(power, forKey: .power)
        try c.encode(monteCarloSE, forKey: .monteCarloSE)
        try c.encodeIfPresent(standardErrorCaveat, forKey: .monteCarloSENote)
    }
}
