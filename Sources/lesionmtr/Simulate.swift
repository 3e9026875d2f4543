import ArgumentParser
import Foundation
import LesionMTR
import NIfTI

/// `lesionmtr simulate`: a two-arm trial with known truth, on the bundled MNI anatomy.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a two-arm remyelination trial on the MNI anatomy, with known truth.",
        discussion: """
            Writes OUT/manifest.tsv (the input of 'lesionmtr batch'), OUT/participants.tsv, \
            OUT/truth.json (every parameter and each lesion's true MTR gain) and one BIDS-style \
            folder per subject: lesion mask, tissue segmentation (0 background, 1 CSF, 2 cortical \
            GM, 3 WM, 4 deep GM), MTR maps (pu) for every session and a baseline T1 map (ms). \
            Each subject has WM (periventricular, deep, juxtacortical), cortical GM and deep GM \
            lesions. The treated arm gains MTR at follow-up by the rule: effect × (1 in WM, \
            --gm-effect-ratio in GM lesions) × (rim 1, core --core-effect-ratio, perilesional \
            --perilesional-effect-ratio) × max(0, 1 + --low-mtr-slope × (35 − baseline MTR)) × \
            (1 − exp(−distance to CSF / --csf-length)). The same seed gives byte-identical files \
            whatever --threads is. OUT must be new or empty: a folder holding anything is refused \
            (exit 73) unless --force, which first removes the trial in it (manifest.tsv, \
            participants.tsv, truth.json, dseg.nii[.gz] and every sub-* entry) and leaves anything \
            else there. Every file is independent (no hard links).
            """)

    @Option(name: .shortAndLong, help: ArgumentHelp("Output folder (created if missing; must be empty unless --force).", valueName: "dir"))
    var output: String

    @Flag(help: "Replace the trial in a non-empty output folder: remove its manifest.tsv, participants.tsv, truth.json, dseg and sub-* entries first.")
    var force = false

    @Option(help: "Number of subjects (half treated, half placebo).")
    var subjects = 20

    @Option(help: "Random seed; the same seed gives the same trial.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Session labels, comma-separated; the first is the baseline.", valueName: "labels"))
    var sessions = "base,m6"

    @Option(help: "Voxel size of the simulated images: 1mm (the MNI grid, 197×233×189) or 2mm (quick demos).")
    var grid: GridChoice = .oneMM

    @Flag(inversion: .prefixedNo, help: "Write .nii.gz (default) or plain .nii.")
    var compress = true

    @Option(help: ArgumentHelp("Treatment gain at the last follow-up in a WM lesion rim far from CSF (pu).", valueName: "pu"))
    var effect = 3.0

    @Option(help: "Gain in cortical/deep GM lesions relative to WM lesions.")
    var gmEffectRatio = 1.5

    @Option(help: "Gain in lesion cores relative to rims.")
    var coreEffectRatio = 0.5

    @Option(help: "Gain in perilesional tissue relative to rims.")
    var perilesionalEffectRatio = 0.8

    @Option(help: ArgumentHelp("Relative gain per pu of baseline MTR below 35 pu (per pu).", valueName: "per-pu"))
    var lowMtrSlope = 0.04

    @Option(help: ArgumentHelp("Length scale of the smaller gain near CSF (mm).", valueName: "mm"))
    var csfLength = 4.0

    @Option(help: ArgumentHelp("Per-voxel MTR noise SD in every session (pu).", valueName: "pu"))
    var mtrNoise = 1.5

    @Option(help: ArgumentHelp("Per-voxel T1 noise SD (ms).", valueName: "ms"))
    var t1Noise = 40.0

    @Option(help: ArgumentHelp("Folder with the MNI gm.nii.gz and wm.nii.gz.", valueName: "dir"))
    var anatomy = "sample-data/anatomy"

    @Option(help: "Worker threads (default: all cores). Output does not depend on it.")
    var threads: Int?

    /// The thread count in use.
    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    @Flag(help: "No progress output.")
    var quiet = false

    enum GridChoice: String, ExpressibleByArgument, CaseIterable {
        case oneMM = "1mm", twoMM = "2mm"
    }

    var sessionList: [String] { sessions.split(separator: ",").map(String.init) }

    func validate() throws {
        guard subjects >= 1 else { throw ValidationError("--subjects must be at least 1") }
        guard sessionList.count >= 2 else { throw ValidationError("--sessions needs a baseline and at least one follow-up, e.g. base,m6") }
        guard Set(sessionList).count == sessionList.count,
              sessionList.allSatisfy(isLabel) else {
            throw ValidationError("--sessions: labels must be distinct and alphanumeric ([A-Za-z0-9]+)")
        }
        guard threadCount >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard mtrNoise >= 0, t1Noise >= 0, csfLength > 0 else {
            throw ValidationError("noise SDs must be ≥ 0 and --csf-length > 0")
        }
    }

    func run() throws {
        var p = SimulationParameters()
        p.subjects = subjects
        p.seed = seed
        p.sessions = sessionList
        p.gridMM = grid == .oneMM ? 1 : 2
        p.compress = compress
        p.effect = effect
        p.gmEffectRatio = gmEffectRatio
        p.coreEffectRatio = coreEffectRatio
        p.perilesionalEffectRatio = perilesionalEffectRatio
        p.lowMTRSlope = lowMtrSlope
        p.csfLengthMM = csfLength
        p.mtrNoiseSD = mtrNoise
        p.t1NoiseSD = t1Noise
        let progress = ProgressReporter(label: "simulate", quiet: quiet)
        do {
            try TrialSimulator.run(p, anatomyFolder: anatomy, output: output, threads: threadCount, replace: force) { done, total, subject in
                progress.update(done: done, total: total, item: subject)
            }
        } catch let error as NIfTIError {
            printError(error.description)
            throw ExitCode(error.exitCode)
        }
        if !quiet { FileHandle.standardError.write(Data("simulate: wrote \(output)/manifest.tsv and truth.json\n".utf8)) }
    }
}
