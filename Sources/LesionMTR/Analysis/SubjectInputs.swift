/// Everything one subject's analysis reads: files and covariates.
public struct SubjectInputs: Sendable, Equatable, Codable {
    /// Subject label, `[A-Za-z0-9]+`.
    public var subject: String
    /// Lesion image (binary mask, or ids with `labelled`).
    public var lesions: String
    /// Discrete tissue segmentation.
    public var tissue: String
    /// Optional CSF mask (> 0 is CSF) used instead of the tissue label for distances.
    public var csf: String?
    /// Maps, in the order given.
    public var maps: [MapSpec]
    /// Covariates (name, value), copied verbatim into every row.
    public var covariates: [Covariate]

    public init(subject: String, lesions: String, tissue: String, csf: String? = nil,
                maps: [MapSpec], covariates: [Covariate] = []) {
        self.subject = subject
        self.lesions = lesions
        self.tissue = tissue
        self.csf = csf
        self.maps = maps
        self.covariates = covariates
    }
}

/// A named covariate value (arm, age, sex, …), kept as text.
public struct Covariate: Sendable, Equatable, Codable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
