import NIfTI

/// Checks of one subject's images that no single file can fail on its own but that signal a
/// wrong or broken input: each returns the error (or warning) that names the file and the
/// reason, or nil. None of them ever changes a number.
enum InputChecks {
    /// A lesion image read as binary (no `--labelled`) whose positive values are all integers
    /// with more than one distinct value (e.g. 1, 2, 3): probably lesion ids given without
    /// `--labelled`. DESIGN §2 reads it as a mask (any value > 0 is lesion, then labelled by
    /// connectivity, which merges touching ids); since that is a legitimate way to relabel, the
    /// image is used and this warning says so. Soft (0.2…1) and single-valued (0/1, 0/255)
    /// masks give no warning.
    static func labelledLookingMask(_ positives: PositiveValues, path: String) -> String? {
        guard positives.allIntegers, let first = positives.first, let second = positives.second else { return nil }
        func text(_ x: Float) -> String { x < 1e9 ? String(Int(x)) : "\(x)" }
        return "\(path): lesion mask holds several integer values (\(text(min(first, second))), \(text(max(first, second))), …): "
            + "read as binary (any value > 0 is lesion); pass --labelled to keep them as lesion ids"
    }

    /// Tissue labels that cannot be a segmentation: a negative label, or no brain voxel at all.
    /// Positive labels other than the four classes are other brain tissue (DESIGN §3).
    static func tissueProblem(_ tissue: TissueImage, grid: Grid, path: String) -> NIfTIError? {
        // The labels first; the voxel is looked for only when one is negative.
        let negative = tissue.labels.indices.filter { tissue.labels[$0] < 0 }.map(UInt8.init)
        if !negative.isEmpty, let v = tissue.codes.firstIndex(where: { negative.contains($0) }) {
            let d = grid.dims
            return NIfTIError(.badLabels, path: path, reason:
                "tissue label \(tissue[v]) at voxel (\(v % d.x), \(v / d.x % d.y), \(v / (d.x * d.y))) is negative (labels are 0 background or positive classes)")
        }
        return tissue.labels.count > 1 ? nil : NIfTIError(.badLabels, path: path, reason: "tissue segmentation has no brain voxel (every label is 0)")
    }

    /// A map with no finite value inside the brain (tissue ≠ 0): an empty or broken file, whose
    /// every statistic would be n/a. Single NaN/±Inf voxels are fine (counted as invalid).
    static func emptyMap(_ values: UnsafeBufferPointer<Float>, tissue: TissueImage, path: String) -> NIfTIError? {
        let codes = tissue.codes  // code 0 is background
        for v in values.indices where codes[v] != 0 && values[v].isFinite { return nil }
        return NIfTIError(.badLabels, path: path, reason: "map has no finite value inside the brain (all NaN/Inf): empty or broken file")
    }
}
