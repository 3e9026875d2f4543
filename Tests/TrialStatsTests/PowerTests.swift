import Testing
import TrialStats

/// Sample size and power of a two-arm trial.
struct PowerTests {
    @Test("n per arm = 2 (z_.975 + z_.8)² σ² / Δ²: 62.79 for Δ = 1, σ² = 4")
    func closedForm() throws {
        let n = try TwoArmPower.perArm(effect: 1, alpha: 0.05, power: 0.8, patientVariance: 4)
        let z = 1.959963984540054 + 0.8416212335729143
        #expect(abs(n - 2 * z * z * 4) < 1e-9)
        #expect(abs(n - 62.79103788) < 1e-6)
        // The power at that n is the target plus the far tail, Φ(−(2 z_.975 + z_.8)) = Φ(−4.7615) ≈ 9.6e-7.
        let farTail = Normal.cdf(-(2 * 1.959963984540054 + 0.8416212335729143))
        #expect(abs(TwoArmPower.power(effect: 1, alpha: 0.05, perArm: n, patientVariance: 4) - (0.8 + farTail)) < 1e-12)
    }

    @Test("σ²_patient = σ²_subject + σ²_lesion/m + σ²_residual/(m·k)")
    func patientVariance() {
        #expect(abs(TwoArmPower.patientVariance(subject: 1, lesion: 0.5, residual: 2, lesionsPerPatient: 4, rowsPerLesion: 5) - 1.225) < 1e-15)
    }

    @Test("inputs out of range are refused")
    func invalid() {
        #expect(throws: ModelError.self) { try TwoArmPower.perArm(effect: 0, alpha: 0.05, power: 0.8, patientVariance: 1) }
        #expect(throws: ModelError.self) { try TwoArmPower.perArm(effect: 1, alpha: 1.5, power: 0.8, patientVariance: 1) }
        #expect(throws: ModelError.self) { try TwoArmPower.perArm(effect: 1, alpha: 0.05, power: 0.8, patientVariance: 0) }
    }

    @Test("simulated power from the variance-component model agrees with the closed form within 3 Monte-Carlo SEs",
          arguments: [(0.3, 0.3, 0.0, 1.0, 5, 1), (0.25, 0.2, 0.4, 0.8, 4, 3)])
    func simulationAgrees(effect: Double, sdSubject: Double, sdLesion: Double, sdResidual: Double, m: Int, k: Int) throws {
        // Effects chosen so that 35–50 patients per arm are needed: the closed form is a
        // large-sample formula (Wald z with known variances).
        let variance = TwoArmPower.patientVariance(subject: sdSubject * sdSubject, lesion: sdLesion * sdLesion,
                                                   residual: sdResidual * sdResidual, lesionsPerPatient: Double(m), rowsPerLesion: Double(k))
        let n = Int(try TwoArmPower.perArm(effect: effect, alpha: 0.05, power: 0.8, patientVariance: variance).rounded(.up))
        let expected = TwoArmPower.power(effect: effect, alpha: 0.05, perArm: Double(n), patientVariance: variance)
        let sim = VarianceComponentPowerSimulation(effect: effect, alpha: 0.05, perArm: n, sdSubject: sdSubject, sdLesion: sdLesion,
                                                   sdResidual: sdResidual, lesionsPerPatient: m, rowsPerLesion: k)
        let replicates = 200
        let outcome = try sim.run(replicates: replicates, seed: 11)
        print("power: n \(n) per arm, closed form \(expected), simulated \(outcome.power) ± \(outcome.monteCarloSE)")
        #expect(abs(outcome.power - expected) <= 3 * (expected * (1 - expected) / Double(replicates)).squareRoot(),
                "closed form \(expected), simulated \(outcome.power) ± \(outcome.monteCarloSE), seed 11")
    }
    @Test("a Monte-Carlo SE from fewer than 20 replicates is not shown: 3 of 3 reads 'power 1 (3 of 3 rejected; no Monte-Carlo SE …)'")
    func fewReplicates() {
        let p = EmpiricalPower(replicates: 3, rejections: 3)
        #expect(p.standardErrorCaveat != nil)
        #expect(p.summary.hasPrefix("power 1 (3 of 3 rejected; no Monte-Carlo SE"))
        #expect(!p.summary.contains("±"))
    }

    @Test("all or no rejections give the rule-of-three interval instead of an SE of 0: 40 of 40 → [0.925, 1], 0 of 60 → [0, 0.05]")
    func allOrNone() {
        #expect(EmpiricalPower(replicates: 40, rejections: 40).summary.contains("95% interval about [0.925, 1] (rule of three)"))
        #expect(EmpiricalPower(replicates: 60, rejections: 0).summary.contains("[0, 0.05]"))
    }

    @Test("from 20 replicates with some but not all rejecting, the SE √(p(1 − p)/N) is shown: 10 of 40 → 0.25 ± 0.06847")
    func usableSE() {
        let p = EmpiricalPower(replicates: 40, rejections: 10)
        #expect(p.standardErrorCaveat == nil)
        // √(0.25 × 0.75 / 40) = √0.0046875 = 0.068465
        #expect(p.summary == "power 0.25 ± 0.06847 (MC SE)")
    }
}
