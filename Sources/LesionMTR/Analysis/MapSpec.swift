/// One input map: `name:session=path` on the command line (`mtr:base=scan.nii.gz`), or a
/// `<name>_<session>` column of a manifest. `mton`/`mtoff` pairs become the map `mtr`.
public struct MapSpec: Sendable, Equatable, Codable {
    /// Map name, `[A-Za-z0-9]+` (`mtr`, `t1`, `mton`, `mtoff`, …).
    public var name: String
    /// Session label, `[A-Za-z0-9]+`.
    public var session: String
    /// The NIfTI file.
    public var path: String

    public init(name: String, session: String, path: String) {
        self.name = name
        self.session = session
        self.path = path
    }

    /// Parses `name:session=path`; nil if malformed or a label is not `[A-Za-z0-9]+`.
    public init?(parsing text: String) {
        guard let eq = text.firstIndex(of: "="), let colon = text[..<eq].firstIndex(of: ":") else { return nil }
        let name = String(text[..<colon]), session = String(text[text.index(after: colon)..<eq])
        let path = String(text[text.index(after: eq)...])
        guard isLabel(name), isLabel(session), !path.isEmpty else { return nil }
        self.init(name: name, session: session, path: path)
    }
}

/// Whether `s` is a BIDS-style label: one or more ASCII letters or digits.
public func isLabel(_ s: String) -> Bool {
    !s.isEmpty && s.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
}
