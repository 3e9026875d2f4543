/// Empirical power of the arm test by Monte Carlo from the variance-component model itself (no
/// images): each replicate draws n patients per arm with m lesions and k rows per lesion,
/// y = Δ·treated + u_subject + u_lesion + e with the given SDs, fits the mixed model
/// `y ~ arm` (random intercept for subject, plus lesion within subject when k > 1) by REML and
/// counts two-sided Wald tests with p < α. It checks the closed form (`TwoArmPower`) and shows
/// what the normal approximation misses at small n.
public struct VarianceComponentPowerSimulation: Sendable {
    public var effect: Double
    public var alpha: Double
    public var perArm: Int
    public var sdSubject: Double
    public var sdLesion: Double
    public var sdResidual: Double
    public var lesionsPerPatient: Int
    public var rowsPerLesion: Int

    public init(effect: Double, alpha: Double, perArm: Int, sdSubject: Double, sdLesion: Double, sdResidual: Double,
                lesionsPerPatient: Int, rowsPerLesion: Int = 1) {
        self.effect = effect
        self.alpha = alpha
        self.perArm = perArm
        self.sdSubject = sdSubject
        self.sdLesion = sdLesion
        self.sdResidual = sdResidual
        self.lesionsPerPatient = lesionsPerPatient
        self.rowsPerLesion = rowsPerLesion
    }

    /// Runs `replicates` trials from `seed` (replicate r uses its own stream, seed + r).
    public func run(replicates: Int, seed: UInt64) throws(ModelError) -> EmpiricalPower {
        guard replicates >= 1, perArm >= 2, lesionsPerPatient >= 1, rowsPerLesion >= 1 else {
            throw .invalidArgument("the simulation needs ≥ 1 replicate, ≥ 2 patients per arm, ≥ 1 lesion and row per lesion")
        }
        let nested = rowsPerLesion > 1
        var spec = ModelSpecification(formula: try Formula("y ~ arm"), group: "subject", nested: nested ? "lesion" : nil)
        spec.method = .reml
        var rejections = 0
        for r in 0..<replicates {
            var rng = SeededNormal(seed: seed &+ UInt64(r))
            var rows: [[String]] = []
            for s in 0..<(2 * perArm) {
                let treated = s % 2 == 1
                let us = sdSubject * rng.normal()
                for l in 0..<lesionsPerPatient {
                    let ul = sdLesion * rng.normal()
                    for _ in 0..<rowsPerLesion {
                        let y = (treated ? effect : 0) + us + ul + sdResidual * rng.normal()
                        rows.append(["s\(s)", String(l), treated ? "treated" : "placebo", String(y)])
                    }
                }
            }
            let frame = DataFrame(columns: ["subject", "lesion", "arm", "y"], rows: rows)
            let fit = try LinearModel.fit(spec, to: frame, table: "simulated replicate \(r)")[0].fit
            if let p = fit.coefficient("arm[T.treated]")?.pValue, p < alpha { rejections += 1 }
        }
        return EmpiricalPower(replicates: replicates, rejections: rejections)
    }
}
