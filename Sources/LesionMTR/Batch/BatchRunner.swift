import Foundation
import NIfTI

/// What a batch run did: subjects analysed, skipped by `--resume`, and failures.
public struct BatchSummary: Sendable {
    public var analysed = 0
    public var skipped = 0
    public var failures: [BatchFailure] = []
    /// Subjects this run was responsible for (its shard).
    public var total = 0
    /// The merge at the end of an unsharded run.
    public var merge: MergeSummary?
}

/// `lesionmtr batch` (README, What a batch folder holds): every subject of a manifest into `OUT/subjects/<subject>/`,
/// each through a temporary folder and a rename; failures recorded per row and in errors.tsv;
/// the merged tables built at the end (unless sharded: then `lesionmtr merge` builds them).
public enum BatchRunner {
    /// What the progress callback is told after each subject: analysed (with the warnings
    /// about its inputs, one line each, as `stats` prints them), skipped, or failed.
    public enum Outcome: Sendable {
        case analysed(warnings: [String]), skipped, failed(BatchFailure)
    }

    /// Runs the batch. `manifestPath` names the manifest in failure rows of rejected lines and in
    /// the run's record (`OUT/batch.json`, which says what the merge takes: the manifest's
    /// subjects, all of them whatever the shard, with these parameters).
    /// Throws only when the output folder or the record cannot be written.
    public static func run(
        _ manifest: Manifest, manifestPath: String, output: String, options: BatchOptions,
        progress: @escaping @Sendable (_ done: Int, _ total: Int, _ subject: String, _ outcome: Outcome) -> Void = { _, _, _, _ in }
    ) throws(NIfTIError) -> BatchSummary {
        let folder = BatchFolder(output)
        try folder.create()
        folder.removeStaleTemporaries()
        var options = options
        // The CLI decides the baseline first (`Manifest.baseline`); a refused choice leaves it to
        // each subject's maps, where `MapPlan` refuses it again.
        if options.analysis.baseline == nil { options.analysis.baseline = try? manifest.baseline(given: nil, source: manifestPath)?.session }
        try BatchRecord(manifest: manifestPath, subjects: manifest.entries.map(\.subject), parameters: BatchParameters(options))
            .write(to: folder)
        let rows = manifest.entries.indices.filter { options.shard?.contains($0) ?? true }
        let summary = Locked(BatchSummary())
        summary.withLock { $0.total = rows.count }
        let next = Locked(0)
        let threads = options.threadsPerSubject(subjects: rows.count)
        let frozen = options
        DispatchQueue.concurrentPerform(iterations: max(1, min(options.jobs, rows.count))) { _ in
            while true {
                let slot = next.withLock { n -> Int in defer { n += 1 }; return n }
                guard slot < rows.count else { return }
                let row = rows[slot]
                let entry = manifest.entries[row]
                let outcome = process(entry, row: row, folder: folder, manifestPath: manifestPath, options: frozen, threads: threads)
                let done = summary.withLock { s -> Int in
                    switch outcome {
                    case .analysed: s.analysed += 1
                    case .skipped: s.skipped += 1
                    case .failed(let f): s.failures.append(f)
                    }
                    return s.analysed + s.skipped + s.failures.count
                }
                progress(done, rows.count, entry.subject, outcome)
            }
        }
        let merge = options.shard == nil ? try Merge.run(folder) : nil
        return summary.withLock { s in
            var out = s
            out.merge = merge
            out.failures.sort { $0.subject < $1.subject }
            return out
        }
    }

    /// Analyses (or skips, or fails) one manifest row, with `threads` worker threads.
    static func process(_ entry: Manifest.Entry, row: Int, folder: BatchFolder, manifestPath: String,
                        options: BatchOptions, threads: Int) -> Outcome {
        let record = folder.failureRecord(row: row)
        func fail(_ failure: BatchFailure) -> Outcome {
            try? Data((failure.row + "\n").utf8).write(to: URL(fileURLWithPath: record), options: .atomic)
            return .failed(failure)
        }
        guard case .subject(let inputs) = entry else {
            if case .rejected(let subject, let reason) = entry {
                return fail(BatchFailure(subject: subject, file: manifestPath, reason: reason))
            }
            return .skipped
        }
        let fingerprint = CompletionMarker.fingerprint(inputs, options: options)
        if options.resume, let marker = folder.marker(of: inputs.subject), marker.fingerprint == fingerprint, marker.row == row {
            unlink(record)
            return .skipped
        }
        let temp = folder.temporaryFolder(for: inputs.subject)
        do throws(AnalysisError) {
            let result = try SubjectAnalysis.run(inputs, options: options.analysis, voxels: options.voxels,
                                                 threads: threads)
            let files = [inputs.lesions, inputs.tissue] + (inputs.csf.map { [$0] } ?? []) + inputs.maps.map(\.path)
            let provenance = Provenance(commandLine: options.commandLine, parameters: options.analysis, inputFiles: files)
            try SubjectOutput.write(result, inputs: inputs, to: temp, provenance: provenance, masks: options.writeMasks, threads: threads)
            let marker = CompletionMarker(row: row, subject: inputs.subject, fingerprint: fingerprint)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try SubjectOutput.writeText(String(decoding: (try? encoder.encode(marker)) ?? Data(), as: UTF8.self) + "\n",
                                        to: temp + "/complete.json")
            do { try folder.publish(temp, as: inputs.subject) } catch { throw .file(error) }
            unlink(record)
            return .analysed(warnings: result.warnings)
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            // A subject that fails now has no valid earlier result either.
            try? FileManager.default.removeItem(atPath: folder.subjects + "/" + inputs.subject)
            return fail(BatchFailure(subject: inputs.subject, file: error.path ?? "-", reason: error.reason))
        }
    }
}
