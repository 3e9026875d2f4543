import Foundation

/// A BIDS derivatives folder as batch input (DESIGN.md §2):
/// `sub-<id>[/ses-<ses>]/anat/…_MTRmap.nii[.gz]`, `…_T1map.nii[.gz]`,
/// `…_label-lesion_mask.nii[.gz]`, `…_dseg.nii[.gz]`; covariates from `participants.tsv`.
///
/// Subjects are taken in sorted order; sessions in sorted order (pass `--baseline` when the
/// baseline does not sort first). A subject without `ses-` folders has one session, `base`.
/// The lesion mask and segmentation are looked for in `sub-<id>/anat`, then in the session
/// folders (baseline first).
public enum BIDSDataset {
    /// The dataset at `root` as manifest entries, optionally only `participants` (labels
    /// without `sub-`).
    public static func scan(_ root: String, participants: [String] = []) throws(Manifest.Failure) -> Manifest {
        let fm = FileManager.default
        guard let top = try? fm.contentsOfDirectory(atPath: root) else {
            throw Manifest.Failure(path: root, reason: "not a readable folder")
        }
        let covariates = readParticipants(root + "/participants.tsv")
        var subjects = top.filter { $0.hasPrefix("sub-") }.map { String($0.dropFirst(4)) }.sorted()
        if !participants.isEmpty { subjects = subjects.filter { participants.contains($0) } }
        guard !subjects.isEmpty else { throw Manifest.Failure(path: root, reason: "no sub-<label> folder") }
        var entries: [Manifest.Entry] = []
        var allSessions = Set<String>()
        for id in subjects {
            guard isLabel(id) else {
                entries.append(.rejected(subject: id, reason: "subject folder 'sub-\(id)' is not a label ([A-Za-z0-9]+)"))
                continue
            }
            let subjectDir = root + "/sub-" + id
            let sessionNames = ((try? fm.contentsOfDirectory(atPath: subjectDir)) ?? [])
                .filter { $0.hasPrefix("ses-") }.map { String($0.dropFirst(4)) }.filter(isLabel).sorted()
            let sessionDirs: [(String, String)] = sessionNames.isEmpty
                ? [("base", subjectDir + "/anat")]
                : sessionNames.map { ($0, subjectDir + "/ses-\($0)/anat") }
            var maps: [MapSpec] = []
            for (session, dir) in sessionDirs {
                allSessions.insert(session)
                if let f = find(in: dir, suffix: "_MTRmap") { maps.append(MapSpec(name: "mtr", session: session, path: f)) }
                if let f = find(in: dir, suffix: "_T1map") { maps.append(MapSpec(name: "t1", session: session, path: f)) }
            }
            let searchDirs = [subjectDir + "/anat"] + sessionDirs.map(\.1)
            let lesion = searchDirs.lazy.compactMap { find(in: $0, suffix: "_label-lesion_mask") }.first
            let dseg = searchDirs.lazy.compactMap { find(in: $0, suffix: "_dseg") }.first
            guard let lesion, let dseg else {
                entries.append(.rejected(subject: id, reason: "no \(lesion == nil ? "_label-lesion_mask" : "_dseg") image under \(subjectDir)"))
                continue
            }
            entries.append(.subject(SubjectInputs(subject: id, lesions: lesion, tissue: dseg, maps: maps,
                                                  covariates: covariates[id] ?? covariates["sub-" + id] ?? [])))
        }
        return Manifest(entries: entries, sessions: allSessions.sorted())
    }

    /// The first `*<suffix>.nii.gz` or `*<suffix>.nii` in `dir` (sorted), or nil.
    static func find(in dir: String, suffix: String) -> String? {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return nil }
        return files.sorted().first { $0.hasSuffix(suffix + ".nii.gz") || $0.hasSuffix(suffix + ".nii") }.map { dir + "/" + $0 }
    }

    /// Covariates per participant id from `participants.tsv` (all columns but `participant_id`).
    static func readParticipants(_ path: String) -> [String: [Covariate]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init),
              let idColumn = header.firstIndex(of: "participant_id") else { return [:] }
        var out: [String: [Covariate]] = [:]
        for line in lines.dropFirst() {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == header.count else { continue }
            out[cells[idColumn]] = header.indices.filter { $0 != idColumn }.map { Covariate(name: header[$0], value: cells[$0]) }
        }
        return out
    }
}
