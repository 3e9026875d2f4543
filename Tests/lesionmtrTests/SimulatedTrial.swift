import Foundation
import TestSupport

/// A small simulated trial (2 mm grid) for command tests that edit its manifest or BIDS folder:
/// `simulate` writes `manifest.tsv` with `subject lesions tissue mtr_base mtr_m6 t1_base arm …`
/// and relative paths. Edited manifests go to a folder of their own, with those paths made
/// absolute, so the trial folder itself is never written to and can be copied at any time.
struct SimulatedTrial {
    /// Four subjects, sessions base and m6, made once for the suites that share it.
    static let shared = Result { try SimulatedTrial("shared-trial") }

    /// The trial folder.
    let folder: String
    /// Where edited manifests are written.
    let variants = makeTemporaryDirectory("manifest-variants").path

    /// Simulates `subjects` subjects with `seed` into a fresh folder.
    init(_ label: String, subjects: Int = 4, seed: Int = 5) throws {
        folder = makeTemporaryDirectory(label).path
        try runProcess(lesionmtrBinary, ["simulate", "--subjects", "\(subjects)", "--grid", "2mm", "--seed", "\(seed)", "--quiet", "-o", folder])
    }

    /// `manifest.tsv` as written by `simulate`.
    var manifest: String { folder + "/manifest.tsv" }

    /// The cells of `manifest.tsv`, the header first.
    func rows() throws -> [[String]] {
        try String(contentsOfFile: manifest, encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    /// `rows` joined by `separator` into the file `name` among the variants, the trial's relative
    /// image paths made absolute; returns its path.
    func write(_ rows: [[String]], as name: String, separator: String = "\t") throws -> String {
        let path = variants + "/" + name
        let absolute = rows.map { $0.map { $0.hasPrefix("sub-") && $0.hasSuffix(".nii.gz") ? folder + "/" + $0 : $0 } }
        try (absolute.map { $0.joined(separator: separator) }.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A copy of the trial folder (to change its BIDS layout without touching the shared one).
    func copy(_ label: String) throws -> String {
        let target = makeTemporaryDirectory(label).path + "/trial"
        try FileManager.default.copyItem(atPath: folder, toPath: target)
        return target
    }
}

/// The cells of a TSV table, the header first.
func tableCells(_ path: String) throws -> [[String]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
}

/// The non-empty lines of a command's standard error.
func errorLines(_ result: ProcessResult) -> [Substring] {
    result.stderr.split(separator: "\n")
}
