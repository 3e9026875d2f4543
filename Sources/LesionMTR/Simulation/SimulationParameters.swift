/// Everything that defines a simulated trial (README, How the simulated trial is made). All of it is written to
/// `truth.json`, so a trial can be regenerated and its truth checked.
///
/// Levels are typical of 3T MTR in MS: NAWM ≈ 41 pu, cortical GM ≈ 33 pu, deep GM ≈ 36 pu,
/// CSF ≈ 8 pu; lesions 6–14 pu lower, cores lower than rims. T1 in ms.
public struct SimulationParameters: Encodable, Sendable, Equatable {
    /// Subjects in the trial (half treated, half placebo; the extra one of an odd number is treated).
    public var subjects = 20
    /// The seed: the same seed gives byte-identical files whatever the thread count.
    public var seed: UInt64 = 1
    /// Session labels; the first is the baseline.
    public var sessions = ["base", "m6"]
    /// Voxel size of the simulated grid in mm: 1 (the MNI grid) or 2 (2×2×2 block averages).
    public var gridMM = 1
    /// Write `.nii.gz` (true) or `.nii`.
    public var compress = true

    /// MTR of pure tissue (pu) and per-voxel noise SD (pu) in each session.
    public var mtrWM = 41.0, mtrCGM = 33.0, mtrDGM = 36.0, mtrCSF = 8.0
    public var mtrNoiseSD = 1.5
    /// SD of a subject's global MTR offset (pu).
    public var subjectSD = 1.0
    /// T1 of pure tissue (ms) and per-voxel noise SD (ms).
    public var t1WM = 850.0, t1CGM = 1350.0, t1DGM = 1250.0, t1CSF = 3800.0
    public var t1NoiseSD = 40.0
    /// T1 increase in a lesion core (ms); rims get 70 % of it.
    public var t1LesionIncrease = 400.0

    /// Lesions per subject, drawn uniformly in this range; at least one each of WM, CGM, DGM.
    public var lesionsMin = 10, lesionsMax = 24
    /// Largest lesion in 1 mm voxels (sizes are log-uniform from 3; GM lesions up to a quarter of it).
    public var lesionMaxVoxels = 2000
    /// Mean and SD of a lesion's MTR drop at its rim (pu); the core drops `coreDropRatio` times more,
    /// the perilesional shell `perilesionalDropRatio` times as much.
    public var lesionDropMean = 9.0, lesionDropSD = 2.5
    public var coreDropRatio = 1.4, perilesionalDropRatio = 0.2

    /// The treatment effect rule: follow-up MTR gain (pu) in the treated arm at the last session,
    /// `effect × tissue × component × lowMTR × csf`, where
    /// - tissue: 1 in WM lesions, `gmEffectRatio` in CGM and DGM lesions;
    /// - component: 1 in the rim, `coreEffectRatio` in the core, `perilesionalEffectRatio` around;
    /// - lowMTR: `max(0, 1 + lowMTRSlope × (lowMTRReference − true baseline MTR))`;
    /// - csf: `1 − exp(−d / csfLengthMM)`, d the distance to the nearest CSF voxel in mm.
    /// Earlier follow-ups get a linear share (session k of n−1 gets k/(n−1)). Placebo: no gain.
    public var effect = 3.0
    public var gmEffectRatio = 1.5
    public var coreEffectRatio = 0.5, perilesionalEffectRatio = 0.8
    public var lowMTRSlope = 0.04, lowMTRReference = 35.0
    public var csfLengthMM = 4.0

    public init() {}
}
