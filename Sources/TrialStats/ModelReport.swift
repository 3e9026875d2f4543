import Foundation

/// The fits of one `lesionmtr model` run, rendered as a readable table, a TSV or JSON.
public struct ModelReport: Sendable, Encodable {
    /// The table the model was fitted to, and the preset (if any).
    public var table: String
    public var preset: String?
    /// The column the fits are split by (`--by`), if any.
    public var by: String?
    /// Row filters applied.
    public var filters: [String]
    public var fits: [LinearModel.SplitFit]

    public init(table: String, preset: String?, by: String?, filters: [String], fits: [LinearModel.SplitFit]) {
        self.table = table
        self.preset = preset
        self.by = by
        self.filters = filters
        self.fits = fits
    }

    /// A number with 6 significant digits (p-values in scientific notation when small).
    static func format(_ x: Double, p: Bool = false) -> String {
        guard x.isFinite else { return "n/a" }
        if p && x == 0 { return "<1e-300" }
        if p && x < 1e-4 { return String(format: "%.2e", x) }
        return String(format: "%.6g", x)
    }

    /// The readable table for a terminal.
    public var text: String {
        var out: [String] = []
        for s in fits {
            let f = s.fit
            var head = "\(f.formula)    [\(f.method)"
            if let g = f.group { head += ", random intercept: \(g)" + (f.nested.map { " + \($0) within \(g)" } ?? "") }
            head += "]"
            if let level = s.level, let by { head = "── \(by) = \(level) ──\n" + head }
            out.append(head)
            var counts = "rows \(f.rows)"
            if f.droppedRows > 0 { counts += " (\(f.droppedRows) dropped for missing values)" }
            if let g = f.groups, let name = f.group { counts += ", \(name) \(g)" }
            if let u = f.nestedUnits, let name = f.nested { counts += ", \(name) \(u)" }
            if !filters.isEmpty { counts += ", where " + filters.joined(separator: " and ") }
            out.append(counts)
            if let r = Self.references(f, separator: ", ") { out.append("reference levels: " + r) }
            let stat = f.degreesOfFreedom == nil ? "z" : "t"
            let level = Int((f.confidenceLevel * 100).rounded())
            let header = ["term", "estimate", "se", stat, "p", "\(level)% CI low", "\(level)% CI high"]
            var rows = [header]
            for c in f.coefficients {
                rows.append([c.name, Self.format(c.estimate), Self.format(c.standardError), Self.format(c.statistic),
                             Self.format(c.pValue, p: true), Self.format(c.ciLower), Self.format(c.ciUpper)])
            }
            let widths = header.indices.map { i in rows.map { $0[i].count }.max()! }
            for r in rows {
                out.append(r.enumerated().map { i, cell in
                    i == 0 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                        : String(repeating: " ", count: widths[i] - cell.count) + cell
                }.joined(separator: "  "))
            }
            out.append("variance components: " + f.varianceComponents.map {
                "\($0.name) \(Self.format($0.variance)) (sd \(Self.format($0.sd)))"
            }.joined(separator: ", "))
            out.append("inference: \(f.inference); log-likelihood \(Self.format(f.logLikelihood))"
                + (f.converged ? "" : "; WARNING: the optimiser did not converge"))
            for n in f.notes { out.append("note: \(n)") }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    /// One row per coefficient and per variance component of each fit.
    public var tsv: String {
        let header = ["split", "kind", "term", "estimate", "se", "statistic", "p", "ci_lower", "ci_upper",
                      "rows", "groups", "nested_units", "method", "inference", "reference_levels"]
        var lines = [header.joined(separator: "\t")]
        func n(_ x: Double) -> String { x.isFinite ? String(format: "%.9g", x) : "n/a" }
        for s in fits {
            let f = s.fit
            let split = s.level.map { "\(by ?? "")=\($0)" } ?? "all"
            let tail = [String(f.rows), f.groups.map(String.init) ?? "n/a", f.nestedUnits.map(String.init) ?? "n/a", f.method,
                        f.degreesOfFreedom.map { "t(\(Int($0)))" } ?? "wald_z", Self.references(f, separator: ";") ?? "n/a"]
            for c in f.coefficients {
                lines.append(([split, "coefficient", c.name, n(c.estimate), n(c.standardError), n(c.statistic), n(c.pValue),
                               n(c.ciLower), n(c.ciUpper)] + tail).joined(separator: "\t"))
            }
            for v in f.varianceComponents {
                lines.append(([split, "variance", v.name, n(v.variance)] + Array(repeating: "n/a", count: 5) + tail).joined(separator: "\t"))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The reference level of each factor of a fit, `arm=placebo` joined by `separator`; nil
    /// when the fit has no treatment-coded factor.
    static func references(_ fit: ModelFit, separator: String) -> String? {
        fit.references.isEmpty ? nil : fit.references.map { "\($0.factor)=\($0.level)" }.joined(separator: separator)
    }

    /// Pretty-printed JSON with sorted keys (the input of `lesionmtr power --from-model`).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }
}
