import ArgumentParser
import Foundation
import LesionMTR
import NIfTI

/// `lesionmtr batch`: a whole trial from a manifest or a BIDS folder.
struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse every subject of a manifest (or BIDS folder): resumable, shardable, one bad subject fails alone.",
        discussion: """
            Each subject's tables go to OUT/subjects/<subject>/ through a temporary folder and a \
            rename, so a killed run never leaves a half-written subject. Without --shard the \
            merged OUT/lesions.tsv, subjects.tsv, bands.tsv (+ sidecars) and OUT/errors.tsv are \
            built at the end; with --shard each task does its share and 'lesionmtr merge OUT' \
            builds them. A subject with bad input is reported on stderr and in errors.tsv and \
            the batch goes on; the exit status is then 1. Output is byte-identical whatever \
            --jobs is. Manifest columns: subject, lesions, tissue, mtr_<ses>, t1_<ses>, \
            mton_<ses> + mtoff_<ses>, optional csf; any other column is a covariate (a column of \
            NIfTI files that is not named so is refused). The baseline is --baseline, else the \
            first session of the header (--bids: of the sorted ses- folders), printed at the start \
            when there are two or more sessions.
            """)

    @Argument(help: ArgumentHelp("Manifest TSV (omit with --bids).", valueName: "manifest"))
    var manifest: String?

    @Option(help: ArgumentHelp("BIDS derivatives folder to read instead of a manifest.", valueName: "dir"))
    var bids: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Output folder (created if missing).", valueName: "dir"))
    var output: String

    @OptionGroup var analysis: AnalysisArguments

    @OptionGroup var extras: ExtraOutputArguments

    @Option(help: ArgumentHelp("Cores to use (default: all cores): up to N subjects at once, one core each; with fewer subjects than N they share the spare cores. --jobs 1 keeps to one core. Output does not depend on it.", valueName: "N"))
    var jobs: Int?

    /// The number of cores the batch uses (subjects at once, at most).
    var jobCount: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }

    @Flag(help: "Skip subjects already complete with the same parameters and unchanged inputs.")
    var resume = false

    @Option(help: ArgumentHelp("Process only shard K of N (K = 0…N−1, rows with row % N = K), or 'slurm' to take K and N from SLURM_ARRAY_TASK_ID/COUNT.", valueName: "K/N|slurm"))
    var shard: String?

    @Option(name: .customLong("participant-label"), parsing: .upToNextOption,
            help: ArgumentHelp("Only these subjects (labels; a leading sub- is dropped, as BIDS apps do). A label that matches no subject is an error.", valueName: "id"))
    var participantLabels: [String] = []

    @Flag(help: "No progress output (errors still go to stderr).")
    var quiet = false

    @Flag(help: "Also build the QC report (OUT/qc/index.html) after the batch, as 'lesionmtr qc OUT' does.")
    var qc = false

    @OptionGroup var report: QCArguments

    func validate() throws {
        guard (manifest == nil) != (bids == nil) else { throw ValidationError("give a manifest or --bids DIR (one of them)") }
        if qc, shard != nil { throw ValidationError("--qc needs the whole batch: run 'lesionmtr qc OUT' after 'lesionmtr merge OUT'") }
        guard jobCount >= 1 else { throw ValidationError("--jobs must be at least 1") }
        if let shard, shard != "slurm", Shard(parsing: shard) == nil {
            throw ValidationError("--shard must be K/N with 0 ≤ K < N, or slurm")
        }
    }

    func run() throws {
        var options = BatchOptions()
        options.analysis = analysis.options
        options.voxels = extras.voxels
        options.writeMasks = extras.writeMasks
        options.jobs = jobCount
        options.resume = resume
        options.commandLine = reproducibleCommandLine()
        if let shard {
            guard let s = shard == "slurm" ? Shard(slurmEnvironment: ProcessInfo.processInfo.environment) : Shard(parsing: shard) else {
                printError("--shard slurm: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (or _MIN/_MAX) are not set")
                throw ExitCode(64)
            }
            options.shard = s
        }
        let source = manifest ?? bids!
        let table: Manifest
        do throws(Manifest.Failure) {
            let all = try manifest == nil ? BIDSDataset.scan(source) : Manifest.read(source)
            table = try all.selecting(participants: participantLabels, source: source)
        } catch {
            printError(error.description)
            throw ExitCode(error.exitCode)
        }
        for w in table.warnings { printError("warning: \(w)") }
        do throws(BaselineChoice.Refusal) {
            let baseline = try table.baseline(given: options.analysis.baseline, source: source)
            options.analysis.baseline = baseline?.session
            if let baseline, !quiet, table.sessions.count > 1 { FileHandle.standardError.write(Data("batch: baseline session \(baseline)\n".utf8)) }
        } catch {
            printError(error.description)
            throw ExitCode(error.exitCode)
        }
        let progress = ProgressReporter(label: "batch", quiet: quiet)
        let summary: BatchSummary
        do {
            summary = try BatchRunner.run(table, manifestPath: source, output: output, options: options) { done, total, subject, outcome in
                let word: String
                switch outcome {
                case .analysed(let warnings):
                    word = "analysed"
                    for w in warnings { progress.message(errorLine("warning: \(w)")) }
                case .skipped: word = "skipped (already done with these parameters)"
                case .failed(let f):
                    word = "failed"
                    progress.message(errorLine("\(f.subject): \(f.file): \(f.reason)"))
                }
                progress.update(done: done, total: total, item: subject, outcome: word)
            }
        } catch {
            printError(error.description)
            throw ExitCode(error.exitCode)
        }
        if !quiet {
            let line = "batch: \(summary.analysed) analysed, \(summary.skipped) skipped, \(summary.failures.count) failed of \(summary.total)"
                + (options.shard == nil ? "; tables in \(output)" : "; run 'lesionmtr merge \(output)' when every shard is done")
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        if let merge = summary.merge {
            reportMerge(merge, output: output, quiet: true, reported: Set(summary.failures.map(\.subject)))
        }
        if qc { try buildReport(output, arguments: report, jobs: jobCount, quiet: quiet) }
        if !summary.failures.isEmpty || summary.merge?.failures.isEmpty == false { throw ExitCode(1) }
    }
}

/// `lesionmtr merge`: the batch tables from the subject folders.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Build OUT/lesions.tsv, subjects.tsv, bands.tsv (+ sidecars) and errors.tsv from OUT/subjects/*.",
        discussion: """
            Run after the shards of a batch have finished. The subjects and parameters are those of \
            the batch run recorded in OUT/batch.json: only its subjects, analysed with its \
            parameters, are merged (rows in manifest order; the sidecars record the parameters). \
            A subject of the run that failed, has not been analysed (a shard that did not finish) \
            or was analysed with other parameters is named, listed in errors.tsv, and makes the \
            exit status 1. Subject folders that are not part of the run are left out and named. \
            A merged table no subject has (an old voxels.tsv) is removed, and so is an old QC \
            report (OUT/qc) once the tables change.
            """)

    @Argument(help: ArgumentHelp("The batch output folder.", valueName: "out"))
    var output: String

    func run() throws {
        let folder = BatchFolder(output)
        guard FileManager.default.fileExists(atPath: folder.subjects) else {
            printError("\(output): no subjects/ folder: not a batch output")
            throw ExitCode(66)
        }
        let summary: MergeSummary
        do {
            summary = try Merge.run(folder)
        } catch {
            printError(error.description)
            throw ExitCode(error.exitCode)
        }
        reportMerge(summary, output: output, quiet: false)
        if !summary.failures.isEmpty { throw ExitCode(1) }
    }
}

/// Tells what a merge did: one line for the subjects merged, one naming the run's subjects that
/// have no result (failed, not analysed, or analysed with other parameters: their reasons are in
/// errors.tsv), and one naming the subject folders left out because they are not in the run.
/// Subjects in `reported` (already named by the batch as they failed) are not named again.
func reportMerge(_ summary: MergeSummary, output: String, quiet: Bool, reported: Set<String> = []) {
    func names(_ list: [String]) -> String {
        list.prefix(8).joined(separator: ", ") + (list.count > 8 ? " and \(list.count - 8) more" : "")
    }
    let unresolved = summary.failures.map(\.subject).filter { !reported.contains($0) }
    if !unresolved.isEmpty {
        printError("\(output): \(unresolved.count) of \(summary.failures.count + summary.merged.count) subjects are not in the merged tables (\(names(unresolved))): reasons in \(output)/errors.tsv")
    }
    if !summary.leftOut.isEmpty {
        printError("warning: \(output)/subjects: \(summary.leftOut.count) subject folder(s) not part of this run left out of the merged tables (\(names(summary.leftOut)))")
    }
    if !quiet {
        FileHandle.standardError.write(Data("merge: \(summary.merged.count) subjects into \(output)\n".utf8))
    }
}
