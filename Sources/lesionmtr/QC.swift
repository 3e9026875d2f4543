import ArgumentParser
import Foundation
import LesionMTR

/// The options of the QC report, shared by `qc` and `batch --qc`.
struct QCArguments: ParsableArguments {
    @Option(help: ArgumentHelp("QC report: give this many of each subject's largest lesions their own views (the mosaic and tables show all).", valueName: "n"))
    var maxLesions = 30

    func validate() throws {
        guard maxLesions >= 0 else { throw ValidationError("--max-lesions must be ≥ 0") }
    }
}

/// `lesionmtr qc`: the quality-control report of a batch folder.
struct QC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qc",
        abstract: "Build an HTML quality-control report of a batch output folder: OUT/qc/index.html.",
        discussion: """
            One self-contained page per subject (OUT/qc/subjects/<subject>.html): orthogonal slices \
            through each lesion (the largest --max-lesions) of the baseline MTR with core, rim and \
            perilesional shell outlined, an axial mosaic with every lesion, MTR distributions by \
            component at each session, and the subject's table rows; an index with one line per \
            subject. Images come from the inputs recorded in each subject's complete.json (relative \
            paths resolve against the current directory, as in the batch); components are \
            recomputed with the batch's options. Neurological convention (the patient's left on the \
            screen's left). Open OUT/qc/index.html in any browser; the folder can be copied anywhere.
            """)

    @Argument(help: ArgumentHelp("The batch output folder.", valueName: "out"))
    var output: String

    @OptionGroup var report: QCArguments

    @Option(help: ArgumentHelp("Cores to use (default: all cores): up to N subjects rendered at once; with fewer subjects than N they share the spare cores. Output does not depend on it.", valueName: "N"))
    var jobs: Int?

    @Flag(help: "No progress output (errors still go to stderr).")
    var quiet = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        try buildReport(output, arguments: report, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, quiet: quiet)
    }
}

/// Builds the QC report of the batch folder `output`, reporting progress and failures; exit
/// status 1 if a subject has no page.
func buildReport(_ output: String, arguments: QCArguments, jobs: Int, quiet: Bool) throws {
    var options = QCOptions()
    options.maxLesions = arguments.maxLesions
    options.jobs = jobs
    let progress = ProgressReporter(label: "qc", quiet: quiet)
    let summary: QCSummary
    do {
        summary = try QCReport.build(BatchFolder(output), options: options) { done, total, subject in
            progress.update(done: done, total: total, item: subject)
        }
    } catch {
        printError(error.description)
        throw ExitCode(error.exitCode)
    }
    for f in summary.failures { printError("\(f.subject): \(f.reason)") }
    let total = summary.rendered.count + summary.failures.count
    if !summary.failures.isEmpty {
        printError("qc: \(summary.failures.count) of \(total) subject pages could not be made (reasons above): the inputs recorded in each subject's complete.json must still be readable — relative paths resolve against the current directory, as in the batch")
    }
    if !quiet {
        FileHandle.standardError.write(Data("qc: \(summary.rendered.count) of \(total) subject pages; open \(summary.folder)/index.html\n".utf8))
    }
    if !summary.failures.isEmpty { throw ExitCode(1) }
}
