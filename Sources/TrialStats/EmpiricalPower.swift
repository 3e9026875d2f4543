/// A Monte-Carlo power estimate: rejections out of replicates, the power and its Monte-Carlo
/// standard error √(p(1 − p)/N). Encoded with `power` and `monte_carlo_se` included.
public struct EmpiricalPower: Sendable, Encodable, Equatable {
    public var replicates: Int
    public var rejections: Int
    public var power: Double { Double(rejections) / Double(replicates) }
    public var monteCarloSE: Double { (power * (1 - power) / Double(replicates)).squareRoot() }

    public init(replicates: Int, rejections: Int) {
        self.replicates = replicates
        self.rejections = rejections
    }

    enum CodingKeys: String, CodingKey { case replicates, rejections, power, monteCarloSE }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(replicates, forKey: .replicates)
        try c.encode(rejections, forKey: .rejections)
        try c.encode(power, forKey: .power)
        try c.encode(monteCarloSE, forKey: .monteCarloSE)
    }
}
