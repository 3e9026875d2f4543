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

    /// Reads the fit whose split is `split` (or the only fit). Throws `ModelError.invalidArgument`
    /// naming the file when it is unreadable, has no such split, or several and none chosen.
    public static func read(_ path: String, split: String?) throws(ModelError) -> FittedVarianceComponents {
        guard let data = FileManager.default.contents(atPath: path),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let fits = root["fits"] as? [[String: Any]], !fits.isEmpty else {
            throw .invalidArgument("\(path): not a 'lesionmtr model -o FILE.json' output")
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
            throw .invalidArgument("\(path): the fit has no variance_components")
        }
        func variance(_ name: String?) -> Double? {
            guard let name else { return nil }
            return comps.first { $0["name"] as? String == name }?["variance"] as? Double
        }
        guard let residual = variance("residual") else { throw .invalidArgument("\(path): no residual variance") }
        return FittedVarianceComponents(subject: variance(fit["group"] as? String) ?? 0,
                                        lesion: variance(fit["nested"] as? String) ?? 0, residual: residual)
    }
}
