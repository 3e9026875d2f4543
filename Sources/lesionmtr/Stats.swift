import ArgumentParser
import Foundation
import LesionMTR

/// `lesionmtr stats`: the tables of one subject.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Per-lesion, per-component, per-band (and per-voxel) MTR tables for one subject.",
        discussion: """
            All images must share one grid (dims and affine within 1e-4 mm). Maps are given as \
            name:session=file (e.g. --map mtr:base=mtr0.nii.gz --map mtr:m6=mtr6.nii.gz \
            --map t1:base=t1.nii.gz); mton:S and mtoff:S pairs give mtr:S = 100 × (MToff − MTon) / \
            MToff. Writes lesions.tsv, subjects.tsv, bands.tsv (+ voxels.tsv with --voxels), each \
            with a JSON sidecar, into the output folder. The baseline is --baseline, else the \
            session of the first --map (refused when a later session is named like a baseline: \
            base, bl, m0, pre, …); with two or more sessions it is printed, and it is recorded in \
            the sidecars. Definitions and columns: docs/tables.md.
            """)

    @Option(help: ArgumentHelp("Lesion image: binary mask (> 0 is lesion) or ids with --labelled.", valueName: "file"))
    var lesions: String

    @Option(help: ArgumentHelp("Tissue segmentation: integer labels, at most 254 distinct besides 0 (see --tissue-labels).", valueName: "file"))
    var tissue: String

    @Option(name: .customLong("map"), help: ArgumentHelp("A map at a session: name:session=file. Repeat for each.", valueName: "name:ses=file"))
    var maps: [String] = []

    @Option(help: ArgumentHelp("Optional CSF mask (> 0 is CSF) for distances, instead of the tissue label.", valueName: "file"))
    var csf: String?

    @Option(help: ArgumentHelp("Subject label ([A-Za-z0-9]+).", valueName: "id"))
    var subject: String

    @Option(name: .customLong("covariate"), help: ArgumentHelp("A covariate copied into every row: name=value. Repeat for each.", valueName: "name=value"))
    var covariates: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Output folder (created if missing).", valueName: "dir"))
    var output: String

    @OptionGroup var analysis: AnalysisArguments

    @OptionGroup var extras: ExtraOutputArguments

    @Option(help: "Worker threads (default: all cores). Output does not depend on it.")
    var threads: Int?

    @Flag(help: "Do not print the baseline session in use (errors and warnings still go to stderr).")
    var quiet = false

    /// The thread count in use.
    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    func validate() throws {
        guard isLabel(subject) else { throw ValidationError("--subject must match [A-Za-z0-9]+ (got '\(subject)')") }
        guard !maps.isEmpty else {
            throw ValidationError("give at least one map: --map mtr:base=FILE (or t1:SES=FILE, or mton:SES=FILE with mtoff:SES=FILE)")
        }
        for m in maps where MapSpec(parsing: m) == nil {
            throw ValidationError("--map '\(m)' is not name:session=file with [A-Za-z0-9]+ labels")
        }
        for c in covariates where Covariate(parsing: c) == nil {
            throw ValidationError("--covariate '\(c)' is not name=value (name: letters, digits, _; no tabs)")
        }
        guard threadCount >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let inputs = SubjectInputs(
            subject: subject, lesions: lesions, tissue: tissue, csf: csf,
            maps: maps.compactMap(MapSpec.init(parsing:)),
            covariates: covariates.compactMap(Covariate.init(parsing:)))
        var options = analysis.options
        let baseline: BaselineChoice?
        do throws(BaselineChoice.Refusal) {
            baseline = try BaselineChoice.decide(maps: inputs.maps, given: options.baseline, source: "--map")
        } catch {
            printError(error.description)
            throw ExitCode(error.exitCode)
        }
        options.baseline = baseline?.session
        do {
            let result = try SubjectAnalysis.run(inputs, options: options, voxels: extras.voxels, threads: threadCount)
            for w in result.warnings { printError("warning: \(w)") }
            let files = [lesions, tissue] + (csf.map { [$0] } ?? []) + inputs.maps.map(\.path)
            let provenance = Provenance(commandLine: reproducibleCommandLine(), parameters: options, inputFiles: files)
            try SubjectOutput.write(result, inputs: inputs, to: output, provenance: provenance, masks: extras.writeMasks,
                                   threads: threadCount)
        } catch {
            printError(error.description)
            throw ExitCode(error.exitCode)
        }
        if let baseline, !quiet, BaselineChoice.sessions(of: inputs.maps).count > 1 {
            FileHandle.standardError.write(Data("stats: baseline session \(baseline)\n".utf8))
        }
    }
}
