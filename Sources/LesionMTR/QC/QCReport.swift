import Foundation
import NIfTI
import VoxelKernels

/// Options of `lesionmtr qc` and `batch --qc`.
public struct QCOptions: Sendable {
    /// Lesions given their own views per subject: the largest this many (all others are in the
    /// mosaic and the tables).
    public var maxLesions = 30
    /// Cores used: up to `jobs` subjects rendered at once, sharing the spare cores when there
    /// are fewer subjects (as `BatchOptions.jobs`); output does not depend on it.
    public var jobs = defaultThreadCount
    public init() {}
}

/// What a report build did.
public struct QCSummary: Sendable {
    /// Subjects with a page.
    public var rendered: [String] = []
    /// Subjects without one: (subject, reason).
    public var failures: [(subject: String, reason: String)] = []
    /// The report folder (`OUT/qc`).
    public var folder = ""
}

/// `lesionmtr qc OUT` (and `batch --qc`): the quality-control report of a batch folder.
///
/// Finds the images from each complete subject's `complete.json`, which records the subject's
/// inputs (files, map names and sessions, covariates) and analysis options; reads them with
/// `SubjectImages` and recomputes the regions with `LesionRegions` (the same code and options as
/// the batch, so outlines are the voxels the tables measured), and takes the table rows from
/// `OUT/subjects/<subject>/`. Relative input paths resolve against the current directory, as they
/// did for the batch. Writes `OUT/qc/index.html` and `OUT/qc/subjects/<subject>.html` (images
/// inline as PNG data, plots as SVG: each page opens offline and the folder can be copied
/// anywhere), built in a hidden temporary folder and renamed into place. Byte-identical whatever
/// `jobs` is.
public enum QCReport {
    public static func build(_ folder: BatchFolder, options: QCOptions,
                             progress: @escaping @Sendable (_ done: Int, _ total: Int, _ subject: String) -> Void = { _, _, _ in })
        throws(NIfTIError) -> QCSummary {
        let fm = FileManager.default
        guard fm.fileExists(atPath: folder.subjects) else {
            throw NIfTIError(.missing, path: folder.root, reason: "no subjects/ folder: not a batch output")
        }
        for name in (try? fm.contentsOfDirectory(atPath: folder.root)) ?? [] where name.hasPrefix(".qc.tmp-") || name.hasPrefix(".qc.old-") {
            try? fm.removeItem(atPath: folder.root + "/" + name)
        }
        let temp = folder.root + "/.qc.tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try OutputFiles.createFolder(temp + "/subjects")
        // The subjects of the merged tables, and the run's failures, as the merge selects them.
        let selection = Merge.select(folder, record: try BatchRecord.read(from: folder))
        let markers = selection.merged
        let threads = threadsEach(cores: options.jobs, items: markers.count)
        let results = Locked([String: Result<IndexLine, QCFailure>]())
        let done = Locked(0)
        let next = Locked(0)
        DispatchQueue.concurrentPerform(iterations: max(1, min(options.jobs, markers.count))) { _ in
            while true {
                let slot = next.withLock { n -> Int in defer { n += 1 }; return n }
                guard slot < markers.count else { return }
                let marker = markers[slot]
                let result = Result { () throws(QCFailure) -> IndexLine in
                    try page(marker, folder: folder, into: temp, options: options, threads: threads)
                }
                results.withLock { $0[marker.subject] = result }
                let n = done.withLock { d -> Int in d += 1; return d }
                progress(n, markers.count, marker.subject)
            }
        }
        var summary = QCSummary()
        var lines: [IndexLine] = []
        let finished = results.withLock { $0 }
        for marker in markers {
            switch finished[marker.subject]! {
            case .success(let line):
                lines.append(line)
                summary.rendered.append(marker.subject)
            case .failure(let f):
                lines.append(IndexLine(subject: marker.subject, cells: [], warnings: [], failure: f.reason))
                summary.failures.append((marker.subject, f.reason))
            }
        }
        let batchErrors = selection.failures.map { [$0.subject, $0.file, $0.reason] }
        try OutputFiles.write(QCIndex.html(lines, batchErrors: batchErrors), to: temp + "/index.html")
        try BatchFolder.replaceFolder(folder.root + "/qc", with: temp)
        summary.folder = folder.root + "/qc"
        return summary
    }

    /// Why a subject has no page.
    struct QCFailure: Error {
        var reason: String
    }

    /// Renders one subject's page into `temp/subjects/` with `threads` worker threads; its line of the index.
    static func page(_ marker: CompletionMarker, folder: BatchFolder, into temp: String, options: QCOptions, threads: Int) throws(QCFailure) -> IndexLine {
        guard let facts = marker.facts else { throw QCFailure(reason: "complete.json does not record the inputs (made by another version?)") }
        let base = folder.subjects + "/" + marker.subject
        guard let lesionText = try? String(contentsOfFile: base + "/lesions.tsv", encoding: .utf8),
              let subjectText = try? String(contentsOfFile: base + "/subjects.tsv", encoding: .utf8) else {
            throw QCFailure(reason: "lesions.tsv or subjects.tsv missing in \(base)")
        }
        var warnings: [String] = []
        if CompletionMarker.fileFacts(facts.inputs) != facts.files {
            warnings.append("input files changed (size or time) since the batch analysed them: images may not match the tables")
        }
        var images: SubjectImages
        do throws(AnalysisError) {
            images = try SubjectImages.load(facts.inputs, options: facts.analysis, threads: threads)
        } catch {
            throw QCFailure(reason: "\(error.path ?? "-"): \(error.reason)")
        }
        // The components only: the distance to CSF (the costliest step) is not drawn.
        let regions = LesionRegions.compute(&images, options: facts.analysis, threads: threads)
        let subjectTable = Merge.parse(subjectText)
        let subject = QCSubject(subject: marker.subject, covariates: facts.inputs.covariates, images: images, regions: regions,
                                options: facts.analysis, lesionTable: Merge.parse(lesionText), subjectTable: subjectTable,
                                warnings: warnings)
        let built = SubjectReport.build(subject, maxLesions: options.maxLesions, threads: threads)
        do throws(NIfTIError) {
            try OutputFiles.write(built.html, to: temp + "/subjects/\(marker.subject).html")
        } catch {
            throw QCFailure(reason: error.description)
        }
        let row = subjectTable.rows.first ?? []
        func cell(_ c: String) -> String { SubjectReport.cell(row, c, subjectTable) ?? Cell.missing }
        let covariates = facts.inputs.covariates.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
        return IndexLine(subject: marker.subject, cells: [covariates, cell("n_lesions"), cell("lesion_volume_mm3")],
                         warnings: built.warnings, failure: nil)
    }
}
