import NIfTI

/// Checks of one subject's images that no single file can fail on its own but that signal a
/// wrong or broken input: each returns the error (or warning) that names the file and the
/// reason, or nil. None of them ever changes a number.
public enum InputChecks {
    /// A lesion image read as binary (no `--labelled`) whose positive values are all integers
    /// with more than one distinct value (e.g. 1, 2, 3): probably lesion ids given without
    /// `--labelled`. docs/definitions.md (Lesions) reads it as a mask (any value > 0 is lesion, then labelled by
    /// connectivity, which merges touching ids); since that is a legitimate way to relabel, the
    /// image is used and this warning says so. Soft (0.2…1) and single-valued (0/1, 0/255)
    /// masks give no warning.
    static func labelledLookingMask(_ positives: PositiveValues, path: String) -> String? {
        guard positives.allIntegers, let first = positives.first, let second = positives.second else { return nil }
        func text(_ x: Float) -> String { x < 1e9 ? String(Int(x)) : "\(x)" }
        return "\(path): lesion mask holds several integer values (\(text(min(first, second))), \(text(max(first, second))), …): "
            + "read as binary (any value > 0 is lesion); pass --labelled to keep them as lesion ids"
    }

    /// The largest share of the brain (voxels with tissue ≠ 0) a lesion image plausibly covers:
    /// 10 %. MS lesion loads stay below about 5 % of the brain; a lesion image beyond this is
    /// most likely another image — a segmentation, a brain mask — given as `--lesions`.
    public static let maxLesionFraction = 0.10

    /// The warnings about a subject's lesion and tissue images, one line each naming its file:
    /// first the signs that the two were given the other way round — lesions (`lesionVoxels`
    /// voxels, as taken) covering more than `maxLesionFraction` of the brain (`brainVoxels`,
    /// tissue ≠ 0), or a tissue image with a single label besides 0 (as a binary mask has),
    /// each asking "are --lesions and --tissue swapped?"; only when there is none, the hint that
    /// a mask's several integer values (`positives`, nil for labelled input) may be lesion ids
    /// (`labelledLookingMask`), which would be wrong advice for a segmentation given as lesions.
    /// The counts come from where the images are read: the lesion voxels from the labelling,
    /// the brain voxels from one vectorised pass over the tissue codes.
    static func lesionAndTissueWarnings(lesionVoxels: Int, positives: PositiveValues?, brainVoxels: Int, tissueLabels: [Int32],
                                        lesionsPath: String, tissuePath: String) -> [String] {
        let question = "are --lesions and --tissue swapped?"
        var warnings: [String] = []
        if brainVoxels > 0, Double(lesionVoxels) > maxLesionFraction * Double(brainVoxels) {
            let percent = Int((100 * Double(lesionVoxels) / Double(brainVoxels)).rounded())
            let several = positives.map { $0.allIntegers && $0.second != nil } ?? false
            warnings.append("\(lesionsPath): lesions cover \(percent) % of the brain of \(tissuePath) "
                            + "(more than the \(Int(maxLesionFraction * 100)) % any lesion load plausibly reaches"
                            + (several ? "; several integer values, as a segmentation has" : "") + "): \(question)")
        }
        if tissueLabels.count == 2 {
            warnings.append("\(tissuePath): tissue segmentation holds one label besides 0 (\(tissueLabels[1])), "
                            + "as a lesion mask does, not the tissue classes: \(question)")
        }
        if warnings.isEmpty, let positives, let hint = labelledLookingMask(positives, path: lesionsPath) {
            warnings.append(hint)
        }
        return warnings
    }

    /// The warning for an MTR map made from an MT-on and an MT-off image (at `onPath`,
    /// `offPath`) when most of its finite values — the voxels where MT-off is above the
    /// threshold — are negative: MT-on brighter than MT-off, which is what swapping the two
    /// gives (real MTR is positive in all tissue). `names` says how the user gave them
    /// (`--mt-on and --mt-off`, `mton:base and mtoff:base`). Nil with no finite value or when at
    /// most half are negative.
    public static func swappedMTPair(_ mtr: [Float], onPath: String, offPath: String, names: String) -> String? {
        var finite = 0, negative = 0
        for x in mtr where x.isFinite {
            finite += 1
            negative += x < 0 ? 1 : 0
        }
        guard finite > 0, 2 * negative > finite else { return nil }
        let percent = Int((100 * Double(negative) / Double(finite)).rounded())
        return "\(onPath): the MTR from this MT-on image and \(offPath) is negative at \(percent) % of the voxels "
            + "(MT-on brighter than MT-off): are \(names) swapped?"
    }

    /// `swappedMTPair` for each MTR session of `series` made from an `mton`/`mtoff` pair of
    /// `maps`, over the values the series hold (in `stats`, the voxels the tables read).
    static func swappedMTPairs(_ maps: [MapSpec], series: [MapSeries]) -> [String] {
        guard let mtr = series.first(where: { $0.name == "mtr" }) else { return [] }
        return zip(mtr.sessions, mtr.values).compactMap { session, values in
            guard let on = maps.first(where: { $0.name == "mton" && $0.session == session }),
                  let off = maps.first(where: { $0.name == "mtoff" && $0.session == session }) else { return nil }
            return swappedMTPair(values, onPath: on.path, offPath: off.path, names: "mton:\(session) and mtoff:\(session)")
        }
    }

    /// Tissue labels that cannot be a segmentation: a negative label, or no brain voxel at all.
    /// Positive labels other than the four classes are other brain tissue (docs/definitions.md, Tissue class).
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
