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

    /// Parses `name=value`: the name of letters, digits and `_`; no tab or line break anywhere
    /// (they would break the TSV). Nil if malformed.
    public init?(parsing text: String) {
        guard let eq = text.firstIndex(of: "="), !text.contains("\t"), !text.contains("\n") else { return nil }
        let name = String(text[..<eq])
        guard !name.isEmpty, name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) else { return nil }
        self.init(name: name, value: String(text[text.index(after: eq)...]))
    }
}
