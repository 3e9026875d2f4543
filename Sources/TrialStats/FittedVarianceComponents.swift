import Foundation

/// The variance components of a fitted model, read back from `lesionmtr model -o FILE.json`.
public struct FittedVarianceComponents: Sendable, Equatable {
    /// Variance of the group (subject) intercept, of the nested (lesion) intercept, residual.
    public var subject: Double
    public var lesion: Double
    public var residual: Double

    public init(subject: Double, lesion: Double, residual: Double) {
        self.subject = subject
        self.lesion = lesion
        self.residual = residual
    }

    /// Reads the fit whose split is `split` (or the only fit). Throws, naming the file,
    /// `ModelError.missingInput` when there is no such file or it is a folder, `.badInput` when it
    /// is not a model's JSON, `.invalidArgument` when it has no such split, or several and none
    /// chosen.
    public static func read(_ path: String, split: String?) throws(ModelError) -> FittedVarianceComponents {
        let fix = "give the JSON written by 'lesionmtr model … -o FILE.json'"
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw .missingInput(path: path, reason: "no such file; \(fix)") }
        guard !isFolder.boolValue else { throw .missingInput(path: path, reason: "is a folder; \(fix)") }
        guard let data = FileManager.default.contents(atPath: path),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let fits = root["fits"] as? [[String: Any]], !fits.isEmpty else {
            throw .badInput(path: path, reason: "not the JSON output of 'lesionmtr model' (no fits); \(fix)")
        }
        let chosen: [String: Any]
        if let split {
            guard let f = fits.first(where: { ($0["split"] as? String) == split }) else {
                let known = fits.compactMap { $0["split"] as? String }.joined(separator: ", ")
                throw .invalidArgument("\(path): no fit for split '\(split)' (splits: \(known))")
            }
            chosen = f
        } else {
            guard fits.count == 1 else {
                let known = fits.compactMap { $0["split"] as? String }.joined(separator: ", ")
                throw .invalidArgument("\(path): \(fits.count) fits; choose one with --split (\(known))")
            }
            chosen = fits[0]
        }
        guard let fit = chosen["fit"] as? [String: Any], let comps = fit["variance_components"] as? [[String: Any]] else {
            throw .badInput(path: path, reason: "the fit has no variance_components; \(fix)")
        }
        func variance(_ name: String?) -> Double? {
            guard let name else { return nil }
            return comps.first { $0["name"] as? String == name }?["variance"] as? Double
        }
        guard let residual = variance("residual") else { throw .badInput(path: path, reason: "the fit has no residual variance; \(fix)") }
        return FittedVarianceComponents(subject: variance(fit["group"] as? String) ?? 0,
                                        lesion: variance(fit["nested"] as? String) ?? 0, residual: residual)
    }
}
