import ArgumentParser
import Foundation
import LesionMTR
import TrialStats

/// `lesionmtr power`: patients per arm for a target effect, from variance components.
struct Power: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Patients per arm for a target treatment effect, from variance components (closed form, or simulated).",
        discussion: """
            Closed form (two-sided test, normal approximation): n per arm = 2 (z_{1−α/2} + z_{1−β})² \
            σ²_patient / Δ², with σ²_patient = σ²_subject + σ²_lesion / m + σ²_residual / (m k): the \
            variance of a patient's mean over m lesions (--lesions-per-patient) of k rows each \
            (--rows-per-lesion; 1 for lesion-level models, whose residual is lesion-to-lesion). \
            Variance components come from a fitted model (--from-model FILE.json written by \
            'lesionmtr model -o', its subject, nested and residual variances) or are given as SDs. \
            --simulate-components N checks the closed form by Monte Carlo from the same variance-\
            component model (REML fit of y ~ arm per replicate); --simulate N simulates N whole \
            trials with 'lesionmtr simulate' (2 × per-arm subjects), analyses them with 'batch' and \
            fits the --preset model, and counts p < α for --term: the empirical power of the real \
            pipeline (slow: seconds per trial at 2 mm). The simulated trials' effect is the \
            simulator's --trial-effect (a rim gain), not Δ, so --simulate needs it given; the mean \
            estimate of --term shows the effect those trials have. Monte-Carlo SE = √(p(1 − p)/N), \
            not shown below 20 replicates or when all or no replicates reject (the rule-of-three \
            interval is given then). Options that would be ignored are refused: --split needs \
            --from-model; --trial-effect, --preset, --where, --term, --grid, --anatomy and \
            --threads need --simulate; --seed needs a simulation. A negative Δ may be written \
            --effect -0.5.
            """)

    @Option(parsing: .unconditional, help: ArgumentHelp("Target difference between arms Δ, in the response's units (pu for MTR); may be negative.", valueName: "Δ"))
    var effect: Double

    @Option(help: "Two-sided significance level α.")
    var alpha = 0.05

    @Option(help: "Target power 1 − β.")
    var power = 0.8

    @Option(name: .customLong("from-model"), help: ArgumentHelp("Variance components from 'lesionmtr model -o FILE.json'.", valueName: "file"))
    var fromModel: String?

    @Option(help: ArgumentHelp("With --from-model: the split to use when the model was fitted --by (e.g. tissue_class=wm → give wm).", valueName: "level"))
    var split: String?

    @Option(name: .customLong("sd-subject"), help: ArgumentHelp("SD of the patient random intercept (response units; default 0).", valueName: "sd"))
    var sdSubject: Double?

    @Option(name: .customLong("sd-lesion"), help: ArgumentHelp("SD of the lesion-within-patient intercept, for component/voxel rows (default 0).", valueName: "sd"))
    var sdLesion: Double?

    @Option(name: .customLong("sd-residual"), help: ArgumentHelp("Residual SD of one row (response units).", valueName: "sd"))
    var sdResidual: Double?

    @Option(name: .customLong("lesions-per-patient"), help: ArgumentHelp("Lesions analysed per patient, m.", valueName: "m"))
    var lesionsPerPatient: Double

    @Option(name: .customLong("rows-per-lesion"), help: ArgumentHelp("Rows per lesion, k (components or voxels per lesion).", valueName: "k"))
    var rowsPerLesion = 1.0

    @Option(name: .customLong("per-arm"), help: ArgumentHelp("Also give the power at this many patients per arm (and simulate at it).", valueName: "n"))
    var perArm: Int?

    @Option(name: .customLong("simulate-components"), help: ArgumentHelp("Monte-Carlo replicates from the variance-component model (0: none).", valueName: "N"))
    var simulateComponents = 0

    @Option(help: ArgumentHelp("Whole simulated trials (simulate → batch → model) for the empirical power (0: none).", valueName: "N"))
    var simulate = 0

    @Option(help: "With --simulate: the model fitted to each trial (default: lesion).")
    var preset: ModelPreset?

    @Option(name: .customLong("where"), help: ArgumentHelp("With --simulate: keep rows where column=value, e.g. tissue_class=wm (repeatable).", valueName: "column=value"))
    var filters: [RowFilter] = []

    @Option(help: ArgumentHelp("With --simulate: the coefficient tested (default: arm[T.treated]).", valueName: "name"))
    var term: String?

    @Option(name: .customLong("trial-effect"), parsing: .unconditional, help: ArgumentHelp("Required with --simulate: the simulator's --effect, the rim gain of a WM lesion far from CSF (pu) — not Δ: the trials' mean estimate of --term shows the effect it gives.", valueName: "pu"))
    var trialEffect: Double?

    @Option(help: "With --simulate: voxel size of the simulated trials (default: 2mm).")
    var grid: Simulate.GridChoice?

    @Option(help: ArgumentHelp("With --simulate or --simulate-components: first random seed (replicate r uses seed + r; default 1).", valueName: "seed"))
    var seed: UInt64?

    @Option(help: ArgumentHelp("With --simulate: folder with the MNI gm.nii.gz and wm.nii.gz (default: sample-data/anatomy).", valueName: "dir"))
    var anatomy: String?

    @Option(help: "With --simulate: worker threads (default: all cores).")
    var threads: Int?

    @Option(name: .shortAndLong, help: ArgumentHelp("Also write the results as JSON to this file.", valueName: "file"))
    var output: String?

    func validate() throws {
        if fromModel != nil, sdResidual != nil {
            throw ValidationError("--from-model and --sd-residual: give one, not both (the model's variance components, or SDs of your own)")
        }
        guard fromModel != nil || sdResidual != nil else {
            throw ValidationError("give --from-model FILE.json or --sd-residual (with optional --sd-subject, --sd-lesion)")
        }
        if split != nil, fromModel == nil { throw ValidationError("--split goes with --from-model (it picks a fit of a model run with --by); drop it") }
        if simulate == 0 {
            let given = [("--trial-effect", trialEffect != nil), ("--preset", preset != nil), ("--where", !filters.isEmpty), ("--term", term != nil),
                         ("--grid", grid != nil), ("--anatomy", anatomy != nil), ("--threads", threads != nil)]
            if let (name, _) = given.first(where: \.1) {
                throw ValidationError("\(name) is used only by --simulate N (whole simulated trials), which is not given; add --simulate N or drop \(name)")
            }
        } else if trialEffect == nil {
            throw ValidationError("--simulate needs --trial-effect: the simulated trials' effect is the simulator's rim gain in pu, not --effect \(effect) (the closed form's Δ); give it (e.g. --trial-effect 0.25 gave a WM mean gain near 0.2 pu)")
        }
        if seed != nil, simulate == 0, simulateComponents == 0 { throw ValidationError("--seed is used only by --simulate or --simulate-components; add one or drop --seed") }
        if fromModel != nil, sdSubject != nil || sdLesion != nil { throw ValidationError("--sd-subject/--sd-lesion go with --sd-residual, not --from-model") }
        for (name, v) in [("--sd-subject", sdSubject), ("--sd-lesion", sdLesion), ("--sd-residual", sdResidual)] {
            if let v, !(v >= 0 && v.isFinite) { throw ValidationError("\(name) must be ≥ 0") }
        }
        guard lesionsPerPatient >= 1, rowsPerLesion >= 1 else { throw ValidationError("--lesions-per-patient and --rows-per-lesion must be ≥ 1") }
        guard simulateComponents >= 0, simulate >= 0 else { throw ValidationError("simulation counts must be ≥ 0") }
        if let perArm, perArm < 2 { throw ValidationError("--per-arm must be at least 2") }
    }

    struct Result: Encodable {
        var effect, alpha, targetPower: Double
        var varianceSubject, varianceLesion, varianceResidual: Double
        var lesionsPerPatient, rowsPerLesion: Double
        var patientVariance: Double
        var perArmExact: Double
        var perArm: Int
        var powerAtPerArm: Double
        var evaluatedPerArm: Int
        var simulatedComponents: EmpiricalPower?
        var simulatedTrials: TrialPowerSimulation.Outcome?
    }

    func run() throws {
        try exitingOnError {
            let vc = try fromModel.map { path throws(ModelError) in try FittedVarianceComponents.read(path, split: split) }
                ?? FittedVarianceComponents(subject: pow(sdSubject ?? 0, 2), lesion: pow(sdLesion ?? 0, 2), residual: pow(sdResidual!, 2))
            let variance = TwoArmPower.patientVariance(subject: vc.subject, lesion: vc.lesion, residual: vc.residual,
                                                       lesionsPerPatient: lesionsPerPatient, rowsPerLesion: rowsPerLesion)
            let exact = try TwoArmPower.perArm(effect: effect, alpha: alpha, power: power, patientVariance: variance)
            let n = Int(exact.rounded(.up))
            let at = perArm ?? n
            var result = Result(effect: effect, alpha: alpha, targetPower: power, varianceSubject: vc.subject, varianceLesion: vc.lesion,
                                varianceResidual: vc.residual, lesionsPerPatient: lesionsPerPatient, rowsPerLesion: rowsPerLesion,
                                patientVariance: variance, perArmExact: exact, perArm: n,
                                powerAtPerArm: TwoArmPower.power(effect: effect, alpha: alpha, perArm: Double(at), patientVariance: variance),
                                evaluatedPerArm: at)
            let f = { (x: Double) in String(format: "%.4g", x) }
            print("two-arm sample size: two-sided α = \(f(alpha)), power \(f(power)), normal approximation")
            print("  σ²_patient = σ²_subject + σ²_lesion/m + σ²_residual/(m·k) = \(f(vc.subject)) + \(f(vc.lesion))/\(f(lesionsPerPatient)) + \(f(vc.residual))/(\(f(lesionsPerPatient))·\(f(rowsPerLesion))) = \(f(variance))")
            print("  n per arm = 2 (z_{1−α/2} + z_{1−β})² σ²_patient / Δ² = 2 × (\(f(Normal.quantile(1 - alpha / 2))) + \(f(Normal.quantile(power))))² × \(f(variance)) / \(effect < 0 ? "(\(f(effect)))" : f(effect))² = \(f(exact)) → \(n) per arm (\(2 * n) patients)")
            print("  power at \(at) per arm: \(f(result.powerAtPerArm))")
            if simulateComponents > 0 {
                let sim = VarianceComponentPowerSimulation(
                    effect: effect, alpha: alpha, perArm: at, sdSubject: vc.subject.squareRoot(), sdLesion: vc.lesion.squareRoot(),
                    sdResidual: vc.residual.squareRoot(), lesionsPerPatient: Int(lesionsPerPatient.rounded()), rowsPerLesion: Int(rowsPerLesion.rounded()))
                let o = try sim.run(replicates: simulateComponents, seed: seed ?? 1)
                result.simulatedComponents = o
                print("  simulated from the variance components (\(o.replicates) replicates, REML y ~ arm, Wald z): \(o.summary)")
            }
            if simulate > 0 {
                var p = SimulationParameters()
                p.subjects = 2 * at
                p.gridMM = grid == .oneMM ? 1 : 2
                p.effect = trialEffect!
                var sim = TrialPowerSimulation(parameters: p, preset: preset ?? .lesion)
                sim.filters = filters
                if let term { sim.term = term }
                sim.alpha = alpha
                let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lesionmtr-power-\(getpid())").path
                defer { try? FileManager.default.removeItem(atPath: scratch) }
                let progress = ProgressReporter(label: "power", quiet: false)
                let o = try sim.run(replicates: simulate, firstSeed: seed ?? 1, anatomy: anatomy ?? "sample-data/anatomy", scratch: scratch,
                                    threads: threads ?? ProcessInfo.processInfo.activeProcessorCount) { done, total in
                    progress.update(done: done, total: total, item: "trial \(done)")
                }
                result.simulatedTrials = o
                print("  simulated trials (\(o.power.replicates) × simulate --subjects \(2 * at) --effect \(f(p.effect)) → batch → model --preset \(sim.preset.rawValue)\(filters.isEmpty ? "" : " --where " + filters.map(\.description).joined(separator: " --where ")), \(sim.term)): \(o.power.summary); mean estimate \(f(o.meanEstimate)) (the trials' effect; the closed form assumed Δ = \(f(effect))), mean SE \(f(o.meanStandardError))")
            }
            if let output {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                encoder.keyEncodingStrategy = .convertToSnakeCase
                try writeResult(String(decoding: try encoder.encode(result), as: UTF8.self) + "\n", to: output)
            }
        }
    }
}
