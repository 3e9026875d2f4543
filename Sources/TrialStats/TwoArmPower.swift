import Foundation

/// Sample size and power of a two-arm trial whose outcome is a patient-level mean, by the
/// closed-form normal approximation:
///
///   n per arm = 2 (z₁₋α/₂ + z₁₋β)² σ²_patient / Δ²,
///   σ²_patient = σ²_subject + σ²_lesion / m + σ²_residual / (m k),
///
/// where Δ is the target difference between arms (response units, e.g. pu), m the lesions per
/// patient and k the rows per lesion (1 for lesion-level models, whose residual is the
/// lesion-to-lesion variance; components or voxels per lesion for component- and voxel-level
/// models, whose `lesion` variance component is σ²_lesion). This is the variance of the mean
/// of a patient's m × k rows under the random-intercept model, so a Wald test of the arm effect
/// in that model has the stated power when the variance components are known.
public enum TwoArmPower {
    /// σ²_patient from the variance components (variances, response units²). m, k ≥ 1.
    public static func patientVariance(subject: Double, lesion: Double, residual: Double,
                                       lesionsPerPatient m: Double, rowsPerLesion k: Double = 1) -> Double {
        subject + lesion / m + residual / (m * k)
    }

    /// The exact (fractional) n per arm for a two-sided test at `alpha` with power `power`.
    /// Throws `ModelError.invalidArgument` unless 0 < alpha < 1, 0 < power < 1, Δ ≠ 0, σ² > 0.
    public static func perArm(effect: Double, alpha: Double, power: Double, patientVariance: Double) throws(ModelError) -> Double {
        guard alpha > 0, alpha < 1 else { throw .invalidArgument("alpha must be between 0 and 1 (got \(alpha))") }
        guard power > 0, power < 1 else { throw .invalidArgument("power must be between 0 and 1 (got \(power))") }
        guard effect != 0, effect.isFinite else { throw .invalidArgument("the effect must be a non-zero number (got \(effect))") }
        guard patientVariance > 0, patientVariance.isFinite else { throw .invalidArgument("the patient-level variance must be positive (got \(patientVariance))") }
        let z = Normal.quantile(1 - alpha / 2) + Normal.quantile(power)
        return 2 * z * z * patientVariance / (effect * effect)
    }

    /// The power of the two-sided test at `alpha` with `n` patients per arm (both tails counted):
    /// Φ(|Δ|/se − z₁₋α/₂) + Φ(−|Δ|/se − z₁₋α/₂), se = √(2 σ²_patient / n).
    public static func power(effect: Double, alpha: Double, perArm n: Double, patientVariance: Double) -> Double {
        let se = (2 * patientVariance / n).squareRoot()
        let z = Normal.quantile(1 - alpha / 2)
        return Normal.cdf(abs(effect) / se - z) + Normal.cdf(-abs(effect) / se - z)
    }
}
