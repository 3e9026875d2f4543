import Foundation
import NIfTI
import VoxelKernels

/// Writes one subject's tables (TSV + JSON sidecar each) and optional masks into a folder; every
/// file goes through a temporary name and a rename.
public enum SubjectOutput {
    /// Writes `result` into `folder` (created if needed): lesions.tsv, subjects.tsv, bands.tsv,
    /// voxels.tsv when present, a `.json` sidecar beside each, and with `masks` the NIfTI files
    /// `lesion_ids.nii.gz` (Int32 ids) and `components.nii.gz` (1 core, 2 rim, 3 perilesional).
    ///
    /// All or nothing: every file is first written into a hidden staging folder inside `folder`
    /// and only when all are complete renamed into place, so a failure (disk full, file size
    /// limit) leaves no new table behind; the staging folder is removed either way. Then the
    /// files of `fileNames` this run did not write (a voxels.tsv or masks of an earlier run with
    /// other options) are removed, so nothing stale stands beside the new tables; other files in
    /// `folder` are left alone.
    /// The texts are made by up to `threads` threads.
    public static func write(_ result: SubjectResult, inputs: SubjectInputs, to folder: String,
                             provenance: Provenance, masks: Bool, threads: Int = 1) throws(AnalysisError) {
        do { try OutputFiles.createFolder(folder) } catch { throw .file(error) }
        let staging = folder + "/.lesionmtr-staging-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: staging) }
        do { try OutputFiles.createFolder(staging) } catch { throw .file(error) }
        let names: [String]
        do {
            names = try writeAll(result, inputs: inputs, to: staging, provenance: provenance, masks: masks, threads: threads)
        } catch {
            // Name the file the user asked for, not its staging copy.
            guard case .file(var e) = error else { throw error }
            e.path = e.path.replacingOccurrences(of: staging, with: folder)
            throw .file(e)
        }
        for name in names where rename(staging + "/" + name, folder + "/" + name) != 0 {
            throw .file(NIfTIError(.cannotWrite, path: folder + "/" + name,
                                   reason: "cannot move into place: \(String(cString: strerror(errno)))"))
        }
        for name in fileNames where !names.contains(name) { unlink(folder + "/" + name) }
    }

    /// The tables written (each as `.tsv` and `.json`), voxels only with `--voxels`.
    static let tableNames = ["lesions", "subjects", "bands", "voxels"]
    /// The masks written with `--write-masks`.
    static let maskNames = ["lesion_ids.nii.gz", "components.nii.gz"]
    /// Every file a subject's output may hold.
    public static let fileNames = tableNames.flatMap { [$0 + ".tsv", $0 + ".json"] } + maskNames

    /// Writes every file of `result` into `folder`; returns their names.
    private static func writeAll(_ result: SubjectResult, inputs: SubjectInputs, to folder: String,
                                 provenance: Provenance, masks: Bool, threads: Int) throws(AnalysisError) -> [String] {
        var written: [String] = []
        let covariates = inputs.covariates.map(\.name)
        var tables = [("lesions", result.lesions), ("subjects", result.subjects), ("bands", result.bands)]
        if let voxels = result.voxels { tables.append(("voxels", voxels)) }
        // Each table's TSV and sidecar text, made in parallel (2k: TSV of table k, 2k + 1: its
        // sidecar); the provenance, the same in every sidecar, is made once.
        let made = UnsafeSendable(provenance.json())  // read only
        let texts = parallelMap(2 * tables.count, threads: threads) { n in
            let (name, table) = tables[n / 2]
            return n % 2 == 0 ? table.tsv : Sidecar.json(for: table, named: name, covariates: covariates, provenance: made.value)
        }
        for (k, (name, _)) in tables.enumerated() {
            try writeText(texts[2 * k], to: folder + "/\(name).tsv")
            try writeText(texts[2 * k + 1], to: folder + "/\(name).json")
            written += ["\(name).tsv", "\(name).json"]
        }
        if masks {
            do {
                try NIfTIWriter.write(Volume(grid: result.grid, voxels: result.regions.ids), to: folder + "/" + maskNames[0],
                                      description: "lesionmtr lesion ids")
                try NIfTIWriter.write(Volume(grid: result.grid, voxels: result.regions.component), to: folder + "/" + maskNames[1],
                                      description: "lesionmtr 1 core 2 rim 3 perilesional")
            } catch {
                throw .file(error)
            }
            written += maskNames
        }
        return written
    }

    /// Writes `text` to `path` through a temporary file and a rename.
    public static func writeText(_ text: String, to path: String) throws(AnalysisError) {
        do { try OutputFiles.write(text, to: path) } catch { throw .file(error) }
    }
}
