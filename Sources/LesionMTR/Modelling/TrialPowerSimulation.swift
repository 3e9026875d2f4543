import Foundation
import NIfTI
import TrialStats

/// Empirical power by the whole pipeline: simulate a trial (`TrialSimulator`), analyse it
/// (`BatchRunner`), fit a preset model (`ModelPreset` + `LinearModel`) and test one coefficient,
/// for `replicates` seeds in a row. Slow (seconds per replicate at 2 mm) but it includes
/// everything the closed form leaves out: lesion counts and sizes that vary, measurement noise
/// that depends on lesion size, the effect rule of the simulator.
public struct TrialPowerSimulation: Sendable {
    /// The simulated trial (its `seed` is replaced by each replicate's).
    public var parameters: SimulationParameters
    public var preset: ModelPreset
    /// Extra row filters (e.g. `tissue_class=wm`), replacing the preset's on the same column.
    public var filters: [RowFilter] = []
    /// The coefficient tested (default `arm[T.treated]`).
    public var term = "arm[T.treated]"
    public var alpha = 0.05

    public init(parameters: SimulationParameters, preset: ModelPreset) {
        self.parameters = parameters
        self.preset = preset
    }

    /// The power of the test of `term`, with the mean estimate and mean standard error of the term.
    public struct Outcome: Sendable, Encodable {
        public var power: EmpiricalPower
        public var meanEstimate: Double
        public var meanStandardError: Double
    }

    /// Runs replicates with seeds `firstSeed`, `firstSeed + 1`, … in `scratch` (each replicate's
    /// files are removed after use). `progress(done, total)` after each.
    public func run(replicates: Int, firstSeed: UInt64, anatomy: String, scratch: String, threads: Int,
                    progress: (Int, Int) -> Void = { _, _ in }) throws -> Outcome {
        var rejections = 0, estimates = 0.0, ses = 0.0
        for r in 0..<replicates {
            var p = parameters
            p.seed = firstSeed + UInt64(r)
            let trial = scratch + "/trial-\(p.seed)", out = scratch + "/out-\(p.seed)"
            defer {
                try? FileManager.default.removeItem(atPath: trial)
                try? FileManager.default.removeItem(atPath: out)
            }
            try TrialSimulator.run(p, anatomyFolder: anatomy, output: trial, threads: threads)
            let manifest = try Manifest.read(trial + "/manifest.tsv")
            var options = BatchOptions()
            options.jobs = threads
            options.voxels = preset == .voxel
            let summary = try BatchRunner.run(manifest, manifestPath: trial + "/manifest.tsv", output: out, options: options)
            if let f = summary.failures.first { throw ModelError.invalidArgument("simulated trial seed \(p.seed): \(f.subject): \(f.reason)") }
            let prepared = try preset.prepare(out)
            let spec = prepared.specification.addingFilters(filters)
            let fit = try LinearModel.fit(spec, to: prepared.frame, table: prepared.table)[0].fit
            guard let c = fit.coefficient(term) else {
                throw ModelError.invalidArgument("no coefficient '\(term)' in '\(fit.formula)' (terms: \(fit.coefficients.map(\.name).joined(separator: ", ")))")
            }
            if c.pValue < alpha { rejections += 1 }
            estimates += c.estimate
            ses += c.standardError
            progress(r + 1, replicates)
        }
        return Outcome(power: EmpiricalPower(replicates: replicates, rejections: rejections), meanEstimate: estimates / Double(replicates),
                       meanStandardError: ses / Double(replicates))
    }
}
