/// How distances and widths are measured (docs/definitions.md): `voxel` counts 6-connected
/// (city-block) steps, `mm` is Euclidean distance between voxel centres with the voxel spacing.
public enum DistanceUnit: String, Sendable, Codable, CaseIterable {
    case voxel, mm
}

/// Every parameter of the per-subject analysis (docs/definitions.md), with the design's defaults.
/// Recorded in each table's sidecar and in a subject's completion marker.
public struct AnalysisOptions: Sendable, Equatable, Codable {
    /// Connectivity for labelling a binary lesion mask: 6, 18 or 26.
    public var connectivity = 26
    /// Components smaller than this many voxels are dropped (binary input only).
    public var minVoxels = 3
    /// Keep the ids of a pre-labelled lesion image (rounded values > 0) instead of labelling.
    public var labelled = false
    /// Unit of the three widths below.
    public var unit = DistanceUnit.voxel
    /// Rim: lesion voxels within this distance of a voxel not in the lesion.
    public var rimWidth = 1.0
    /// Perilesional shell: non-lesion brain voxels (not CSF) within this distance of a lesion.
    public var perilesionalWidth = 2.0
    /// NAWM: WM voxels farther than this from every lesion.
    public var nawmGap = 2.0
    /// Width of the CSF-distance bands, in mm.
    public var bandWidthMM = 1.0
    /// The tissue segmentation's labels.
    public var tissueLabels = TissueLabels.standard
    /// MT-off at or below this gives NaN MTR.
    public var minMTOff = 0.0
    /// The baseline session label; nil: the first session named.
    public var baseline: String?

    public init() {}
}
