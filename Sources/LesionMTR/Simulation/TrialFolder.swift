import Foundation
import NIfTI

/// The output folder of `lesionmtr simulate`: a trial is only written into a new or empty
/// folder, so that no subject of an earlier trial survives beside the new ones (a later
/// `batch --bids` would analyse it with no covariates).
enum TrialFolder {
    /// The top-level files a trial consists of, besides its `sub-*` folders.
    static let trialFiles: Set<String> = ["manifest.tsv", "participants.tsv", "truth.json", "dseg.nii", "dseg.nii.gz"]

    /// Makes `path` ready for a new trial: creates it if missing. A folder with any entry
    /// (hidden ones too) is refused (`cannotWrite`, exit 73) unless `replace`, which first removes
    /// what a trial consists of — `manifest.tsv`, `participants.tsv`, `truth.json`,
    /// `dseg.nii[.gz]` and every `sub-*` entry — and leaves anything else there as it is.
    static func prepare(_ path: String, replace: Bool) throws(NIfTIError) {
        try OutputFiles.createFolder(path)
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        } catch {
            throw NIfTIError(.cannotWrite, path: path, reason: "cannot list the output folder: \(error.localizedDescription)")
        }
        guard !entries.isEmpty else { return }
        guard replace else {
            let shown = entries.prefix(3).joined(separator: ", ") + (entries.count > 3 ? ", …" : "")
            throw NIfTIError(.cannotWrite, path: path, reason: "output folder is not empty (\(entries.count) \(entries.count == 1 ? "entry" : "entries"): \(shown)): "
                                 + "give a new or empty folder, or --force to replace the trial in it")
        }
        for name in entries where trialFiles.contains(name) || name.hasPrefix("sub-") {
            do {
                try FileManager.default.removeItem(atPath: path + "/" + name)
            } catch {
                throw NIfTIError(.cannotWrite, path: path + "/" + name, reason: "cannot remove the old trial's file: \(error.localizedDescription)")
            }
        }
    }
}
