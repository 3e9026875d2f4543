import Foundation

/// A BIDS derivatives folder as batch input:
/// `sub-<id>[/ses-<ses>]/anat/…_MTRmap.nii[.gz]`, `…_T1map.nii[.gz]`,
/// `…_label-lesion_mask.nii[.gz]`, `…_dseg.nii[.gz]`; covariates from `participants.tsv`.
///
/// Subjects are taken in sorted order; sessions in sorted order (pass `--baseline` when the
/// baseline does not sort first: `BaselineChoice` refuses a baseline-named session that does not,
/// and a first session that a subject's `sub-<id>/sub-<id>_sessions.tsv` dates after another).
/// A subject without `ses-` folders has one session, `base`. The lesion mask and segmentation
/// are looked for in `sub-<id>/anat`, then in the session folders (in sorted order).
public enum BIDSDataset {
    /// The dataset at `root` as manifest entries (select subjects with `Manifest.selecting`).
    public static func scan(_ root: String) throws(Manifest.Failure) -> Manifest {
        let fm = FileManager.default
        guard let top = try? fm.contentsOfDirectory(atPath: root) else {
            throw Manifest.Failure(path: root, reason: "not a readable folder", exitCode: fm.fileExists(atPath: root) ? 65 : 66)
        }
        let (covariates, trimmed) = readParticipants(root + "/participants.tsv")
        let subjects = top.filter { $0.hasPrefix("sub-") }.map { String($0.dropFirst(4)) }.sorted()
        guard !subjects.isEmpty else { throw Manifest.Failure(path: root, reason: "no sub-<label> folder: not a BIDS dataset") }
        var entries: [Manifest.Entry] = []
        var allSessions = Set<String>()
        var dates: [BaselineChoice.Dates] = []
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
            if let d = readSessionDates(subjectDir + "/sub-\(id)_sessions.tsv", sessions: sessionNames) { dates.append(d) }
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
        let warning = trimmed ? [root + "/participants.tsv: cells read without surrounding spaces"] : []
        return Manifest(entries: entries, sessions: allSessions.sorted(), order: .sortedSessionFolders, sessionDates: dates,
                        warnings: warning)
    }

    /// The first `*<suffix>.nii.gz` or `*<suffix>.nii` in `dir` (sorted), or nil.
    static func find(in dir: String, suffix: String) -> String? {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return nil }
        return files.sorted().first { $0.hasSuffix(suffix + ".nii.gz") || $0.hasSuffix(suffix + ".nii") }.map { dir + "/" + $0 }
    }

    /// The cells of a BIDS TSV file, row by row (header first), trimmed of surrounding
    /// whitespace, and whether any cell was; nil if it cannot be read.
    static func readTSV(_ path: String) -> (rows: [[String]], trimmed: Bool)? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        var trimmed = false
        let rows = lines.map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map { cell in
                let t = cell.trimmingCharacters(in: .whitespaces)
                if t.count != cell.count { trimmed = true }
                return t
            }
        }
        return (rows, trimmed)
    }

    /// Covariates per participant id from `participants.tsv` (all columns but `participant_id`),
    /// cells trimmed of surrounding whitespace, and whether any was.
    static func readParticipants(_ path: String) -> (covariates: [String: [Covariate]], trimmed: Bool) {
        guard let (rows, trimmed) = readTSV(path), let header = rows.first,
              let idColumn = header.firstIndex(of: "participant_id") else { return ([:], false) }
        var out: [String: [Covariate]] = [:]
        for cells in rows.dropFirst() where cells.count == header.count {
            out[cells[idColumn]] = header.indices.filter { $0 != idColumn }.map { Covariate(name: header[$0], value: cells[$0]) }
        }
        return (out, trimmed)
    }

    /// The `acq_time` of each of `sessions` that `sessions.tsv` at `path` dates (`session_id`
    /// `ses-<label>`; times that do not start with a year, such as `n/a`, are left out); nil
    /// without such a file or without any date.
    static func readSessionDates(_ path: String, sessions: [String]) -> BaselineChoice.Dates? {
        guard let (rows, _) = readTSV(path), let header = rows.first,
              let idColumn = header.firstIndex(of: "session_id"), let timeColumn = header.firstIndex(of: "acq_time") else { return nil }
        var acquired: [String: String] = [:]
        for cells in rows.dropFirst() where cells.count == header.count {
            let session = cells[idColumn].hasPrefix("ses-") ? String(cells[idColumn].dropFirst(4)) : cells[idColumn]
            let time = cells[timeColumn]
            guard sessions.contains(session), time.prefix(4).allSatisfy(\.isNumber), time.count >= 4 else { continue }
            acquired[session] = time
        }
        return acquired.isEmpty ? nil : BaselineChoice.Dates(file: path, acquired: acquired)
    }
}
