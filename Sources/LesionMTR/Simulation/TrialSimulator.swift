import Foundation
import NIfTI

/// `lesionmtr simulate`: a two-arm remyelination trial on the MNI anatomy with known truth
/// (README, How the simulated trial is made), written as a BIDS-derivatives folder plus `manifest.tsv` (README, Manifest and BIDS input) and
/// `truth.json`.
///
/// Layout of `output`:
/// ```
/// manifest.tsv  participants.tsv  truth.json  dseg.nii.gz (the segmentation; each subject has a copy)
/// sub-<id>/anat/sub-<id>_label-lesion_mask.nii.gz, sub-<id>_dseg.nii.gz
/// sub-<id>/ses-<ses>/anat/sub-<id>_ses-<ses>_MTRmap.nii.gz (every session)
/// sub-<id>/ses-<base>/anat/sub-<id>_ses-<base>_T1map.nii.gz (baseline only)
/// ```
/// The same parameters give byte-identical files whatever `threads` is: each subject draws from
/// its own random stream, and files are written whole through a temporary name.
public enum TrialSimulator {
    /// The subject label of subject `index` (0-based) in a trial of `count`: `sim001` …
    public static func subjectLabel(_ index: Int, of count: Int) -> String {
        let width = max(3, String(count).count)
        let digits = String(index + 1)
        return "sim" + String(repeating: "0", count: width - digits.count) + digits
    }

    /// Simulates the trial into `output` (created if needed) from the anatomy in `anatomyFolder`.
    /// A non-empty `output` is refused (`NIfTIError`, `cannotWrite`) unless `replace`, which
    /// first removes the trial there (`TrialFolder.prepare`). Every file is written on its own
    /// (each subject's segmentation too: no file shares another's inode).
    /// `progress(done, total, subject)` is called after each subject (from worker threads).
    @discardableResult
    public static func run(
        _ p: SimulationParameters, anatomyFolder: String, output: String, threads: Int, replace: Bool = false,
        progress: @escaping @Sendable (Int, Int, String) -> Void = { _, _, _ in }
    ) throws -> TrialTruth {
        guard p.subjects >= 1, p.sessions.count >= 2, p.gridMM == 1 || p.gridMM == 2 else {
            preconditionFailure("parameters are validated by the caller")
        }
        try TrialFolder.prepare(output, replace: replace)
        let anatomy = try SimulatedAnatomy.derive(from: anatomyFolder, parameters: p, threads: threads)
        let ext = p.compress ? ".nii.gz" : ".nii"
        let level: Int32 = 2
        let dsegPath = output + "/dseg" + ext
        try NIfTIWriter.write(Volume(grid: anatomy.grid, voxels: anatomy.tissue), to: dsegPath,
                              description: "lesionmtr simulate: tissue", compressionLevel: level)
        // Each subject gets its own copy of these bytes.
        guard let dsegData = FileManager.default.contents(atPath: dsegPath) else {
            throw NIfTIError(.writeFailed, path: dsegPath, reason: "cannot read back the segmentation just written")
        }
        let dseg = [UInt8](dsegData)

        // Balanced arms in a seeded random order.
        var rng = SeededRandom(seed: p.seed, stream: 0)
        var shuffled = (0..<p.subjects).map { $0 < (p.subjects + 1) / 2 }
        for i in stride(from: shuffled.count - 1, to: 0, by: -1) { shuffled.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let arms = shuffled

        let simulator = SubjectSimulator(anatomy: anatomy, parameters: p)
        let results = Locked([SubjectTruth?](repeating: nil, count: p.subjects))
        let failures = Locked([Error]())
        let done = Locked(0)
        let workers = max(1, min(threads, p.subjects))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: p.subjects, by: workers) {
                let label = subjectLabel(index, of: p.subjects)
                let s = simulator.simulate(index: index, subject: label, treated: arms[index])
                do {
                    try writeSubject(s, label: label, grid: anatomy.grid, sessions: p.sessions, ext: ext,
                                     dseg: dseg, output: output, level: level)
                    results.withLock { $0[index] = s.truth }
                } catch {
                    failures.withLock { $0.append(error) }
                }
                let n = done.withLock { $0 += 1; return $0 }
                progress(n, p.subjects, label)
            }
        }
        if let error = failures.withLock({ $0.first }) { throw error }
        let subjects = results.withLock { $0.compactMap { $0 } }
        let truth = TrialTruth(
            generator: "lesionmtr simulate", parameters: p,
            effectRule: "treated follow-up gain (pu) = effect × (1 in WM lesions, gm_effect_ratio in CGM/DGM) × "
                + "(rim 1, core core_effect_ratio, perilesional perilesional_effect_ratio) × "
                + "max(0, 1 + low_mtr_slope × (low_mtr_reference − true baseline MTR)) × (1 − exp(−d_csf / csf_length_mm)); "
                + "session k of n−1 follow-ups gets k/(n−1) of it; placebo 0",
            subjects: subjects)
        try OutputFiles.write(manifest(subjects, sessions: p.sessions, ext: ext), to: output + "/manifest.tsv")
        try OutputFiles.write(participants(subjects), to: output + "/participants.tsv")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try OutputFiles.write(String(decoding: try encoder.encode(truth), as: UTF8.self) + "\n", to: output + "/truth.json")
        return truth
    }

    /// Relative paths of a subject's files.
    static func paths(_ label: String, session: String? = nil, suffix: String, ext: String) -> String {
        if let session {
            return "sub-\(label)/ses-\(session)/anat/sub-\(label)_ses-\(session)_\(suffix)\(ext)"
        }
        return "sub-\(label)/anat/sub-\(label)_\(suffix)\(ext)"
    }

    private static func writeSubject(
        _ s: SimulatedSubject, label: String, grid: Grid, sessions: [String], ext: String,
        dseg: [UInt8], output: String, level: Int32
    ) throws {
        let lesionPath = output + "/" + paths(label, suffix: "label-lesion_mask", ext: ext)
        try OutputFiles.createFolder((lesionPath as NSString).deletingLastPathComponent)
        try NIfTIWriter.write(Volume(grid: grid, voxels: s.lesionMask), to: lesionPath,
                              description: "lesionmtr simulate: lesions", compressionLevel: level)
        try OutputFiles.write(dseg, to: output + "/" + paths(label, suffix: "dseg", ext: ext))
        for (k, session) in sessions.enumerated() {
            let mtrPath = output + "/" + paths(label, session: session, suffix: "MTRmap", ext: ext)
            try OutputFiles.createFolder((mtrPath as NSString).deletingLastPathComponent)
            try NIfTIWriter.write(Volume(grid: grid, voxels: s.mtr[k]), to: mtrPath,
                                  description: "lesionmtr simulate: MTR (pu)", compressionLevel: level)
            if k == 0 {
                try NIfTIWriter.write(Volume(grid: grid, voxels: s.t1), to: output + "/" + paths(label, session: session, suffix: "T1map", ext: ext),
                                      description: "lesionmtr simulate: T1 (ms)", compressionLevel: level)
            }
        }
    }

    /// The batch manifest (README, Manifest and BIDS input): paths relative to its folder, covariates last.
    static func manifest(_ subjects: [SubjectTruth], sessions: [String], ext: String) -> String {
        var header = ["subject", "lesions", "tissue"]
        header += sessions.map { "mtr_\($0)" }
        header += ["t1_\(sessions[0])", "arm", "age", "sex", "edss", "site"]
        var lines = [header.joined(separator: "\t")]
        for s in subjects {
            var row = [s.subject, paths(s.subject, suffix: "label-lesion_mask", ext: ext), paths(s.subject, suffix: "dseg", ext: ext)]
            row += sessions.map { paths(s.subject, session: $0, suffix: "MTRmap", ext: ext) }
            row += [paths(s.subject, session: sessions[0], suffix: "T1map", ext: ext), s.arm, String(s.age), s.sex,
                    String(format: "%.1f", s.edss), s.site]
            lines.append(row.joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// BIDS `participants.tsv` with the covariates.
    static func participants(_ subjects: [SubjectTruth]) -> String {
        var lines = ["participant_id\tarm\tage\tsex\tedss\tsite"]
        for s in subjects {
            lines.append("sub-\(s.subject)\t\(s.arm)\t\(s.age)\t\(s.sex)\t\(String(format: "%.1f", s.edss))\t\(s.site)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
