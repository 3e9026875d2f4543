/// What a simulated trial really contains, written as `truth.json` beside `manifest.tsv`.
public struct TrialTruth: Encodable, Sendable {
    /// The tool version that wrote it.
    public var generator: String
    /// Every parameter, so the trial can be regenerated.
    public var parameters: SimulationParameters
    /// The effect rule in words (units: pu).
    public var effectRule: String
    public var subjects: [SubjectTruth]

    enum CodingKeys: String, CodingKey {
        case generator, parameters, subjects
        case effectRule = "effect_rule"
    }
}

/// One simulated subject: arm, covariates, global MTR offset and its lesions.
public struct SubjectTruth: Encodable, Sendable {
    public var subject: String
    /// `treated` or `placebo`.
    public var arm: String
    public var age: Int
    public var sex: String
    public var edss: Double
    public var site: String
    /// The subject's global MTR offset (pu), added to every brain voxel in every session.
    public var mtrOffset: Double
    /// Lesions in id order (1…n by first voxel in storage order, as `lesionmtr stats` numbers them).
    public var lesions: [LesionTruth]

    enum CodingKeys: String, CodingKey {
        case subject, arm, age, sex, edss, site, lesions
        case mtrOffset = "mtr_offset"
    }
}

/// One simulated lesion and its true effects.
public struct LesionTruth: Encodable, Sendable {
    /// 1…n in order of first voxel in storage order.
    public var id: Int
    public var kind: LesionKind
    /// `wm`, `cgm` or `dgm`: every voxel of the lesion has this tissue label.
    public var tissueClass: String
    /// Voxel (i, j, k) of the lesion that comes first in storage order.
    public var firstVoxel: [Int]
    /// Voxel counts per component with the default definitions (rim width 1, perilesional 2,
    /// voxel units).
    public var nVoxels: Int
    public var nCore: Int
    public var nRim: Int
    public var nPerilesional: Int
    /// The lesion's MTR drop at its rim (pu).
    public var mtrDrop: Double
    /// Noise-free baseline MTR mean per component (`whole`, `core`, `rim`, `perilesional`), pu.
    public var trueBaselineMTR: [String: Double]
    /// Mean true MTR gain per follow-up session, then per component (pu); 0 for placebo.
    public var trueGain: [String: [String: Double]]

    enum CodingKeys: String, CodingKey {
        case id, kind
        case tissueClass = "tissue_class", firstVoxel = "first_voxel", nVoxels = "n_voxels"
        case nCore = "n_core", nRim = "n_rim", nPerilesional = "n_perilesional", mtrDrop = "mtr_drop"
        case trueBaselineMTR = "true_baseline_mtr", trueGain = "true_gain"
    }
}
