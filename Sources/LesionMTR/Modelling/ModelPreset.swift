import Foundation
import TrialStats

/// The trial's analyses of lesionmtr's tables (docs/tables.md), ready to fit. Each knows its
/// table, the columns it needs, its formula, grouping and row filter; sessions are read from the
/// column names (the baseline is the first session, the follow-up the last unless chosen).
/// `arm` is compared with its level `placebo` (any case) when the table has one, else with its
/// first level in sorted order (`armReference(in:)`).
///
/// | preset | table | rows | model |
/// |---|---|---|---|
/// | `primary` | subjects.tsv | one per patient | OLS: `delta_submedian_mtr_<fu> ~ arm + submedian_mtr_<base>_mean + age + sex + edss + site` (the covariates that exist) |
/// | `lesion` | lesions.tsv | `component=whole` | `delta_mtr_<fu>_mean ~ arm * tissue_class + mtr_<base>_mean`, random intercept subject |
/// | `component` | lesions.tsv | core, rim, perilesional | `delta_mtr_<fu>_mean ~ arm * component + mtr_<base>_mean`, random intercepts subject + lesion within subject |
/// | `voxel` | voxels.tsv (+ arm from subjects.tsv) | every lesion and perilesional voxel | `delta_mtr_<fu> ~ arm * (mtr_<base> + dist_csf_mm)`, random intercepts subject + lesion within subject; `delta_mtr_<fu>` = `mtr_<fu> − mtr_<base>` |
public enum ModelPreset: String, CaseIterable, Sendable {
    case primary, lesion, component, voxel

    /// The table the preset reads.
    public var tableName: String {
        switch self {
        case .primary: "subjects.tsv"
        case .lesion, .component: "lesions.tsv"
        case .voxel: "voxels.tsv"
        }
    }

    /// A preset made concrete for one table: the data (with derived columns) and what to fit.
    public struct Prepared: Sendable {
        /// The table file read.
        public var table: String
        public var frame: DataFrame
        public var specification: ModelSpecification
        /// The baseline and follow-up sessions used.
        public var baseline: String
        public var followUp: String
    }

    /// The covariates the primary analysis adjusts for when the table has them.
    public static let primaryCovariates = ["age", "sex", "edss", "site"]

    /// Reads the preset's table from `input` (a batch output folder, or the table file itself)
    /// and builds its model. `followUp`/`baseline` choose sessions (default: the last follow-up
    /// and the first session). Throws `ModelError` (one line naming the table and the missing
    /// column) or `DataFrameError`.
    public func prepare(_ input: String, followUp: String? = nil, baseline: String? = nil) throws -> Prepared {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: input, isDirectory: &isFolder)
        let folder = exists && isFolder.boolValue ? input : (input as NSString).deletingLastPathComponent
        let table = exists && isFolder.boolValue ? (input as NSString).appendingPathComponent(tableName) : input
        if self == .voxel, !FileManager.default.fileExists(atPath: table) {
            throw ModelError.missingInput(path: table, reason: "no such file: the voxel preset needs the voxel table, which only 'lesionmtr batch … --voxels' writes; rerun the batch with --voxels")
        }
        var frame = try DataFrame.readTSV(table)
        let purpose = "the \(rawValue) preset"
        func require(_ column: String) throws(ModelError) {
            guard frame.has(column) else { throw .missingColumn(table: table, column: column, purpose: purpose) }
        }
        let pattern: (prefix: String, suffix: String, basePrefix: String, baseSuffix: String) = switch self {
        case .primary: ("delta_submedian_mtr_", "", "submedian_mtr_", "_mean")
        case .lesion, .component: ("delta_mtr_", "_mean", "mtr_", "_mean")
        case .voxel: ("mtr_", "", "mtr_", "")
        }
        let sessions = Self.sessions(frame.columns, prefix: pattern.basePrefix, suffix: pattern.baseSuffix)
        guard let base = baseline ?? sessions.first else {
            throw ModelError.missingColumn(table: table, column: pattern.basePrefix + "<session>" + pattern.baseSuffix, purpose: purpose)
        }
        let followUps: [String] = self == .voxel
            ? sessions.filter { $0 != base }
            : Self.sessions(frame.columns, prefix: pattern.prefix, suffix: pattern.suffix).filter { $0 != base }
        guard let fu = followUp ?? followUps.last else {
            throw ModelError.missingColumn(table: table, column: pattern.prefix + "<follow-up>" + pattern.suffix,
                                           purpose: purpose + " (the batch needs an mtr map at a follow-up session)")
        }
        let baseColumn = pattern.basePrefix + base + pattern.baseSuffix
        try require(baseColumn)
        var response = pattern.prefix + fu + pattern.suffix
        if self == .voxel {
            let later = pattern.basePrefix + fu
            try require(later)
            response = "delta_mtr_\(fu)"
            let a = frame.column(later)!, b = frame.column(baseColumn)!
            frame = frame.setting(response, to: zip(a, b).map { x, y in
                guard let x = Double(x), let y = Double(y), x.isFinite, y.isFinite else { return "n/a" }
                return String(x - y)
            })
            // voxels.tsv has no covariates: take them from subjects.tsv beside it.
            let subjects = (folder as NSString).appendingPathComponent("subjects.tsv")
            if !frame.has("arm") {
                guard FileManager.default.fileExists(atPath: subjects) else {
                    throw ModelError.missingColumn(table: table, column: "arm", purpose: purpose + " (no subjects.tsv beside it to take it from)")
                }
                frame = frame.joined(with: try DataFrame.readTSV(subjects), on: "subject")
            }
        }
        try require(response)
        try require("arm")
        try require("subject")
        let spec: ModelSpecification
        switch self {
        case .primary:
            let covariates = Self.primaryCovariates.filter { frame.has($0) }
            spec = ModelSpecification(formula: try Formula("\(response) ~ " + (["arm", baseColumn] + covariates).joined(separator: " + ")))
        case .lesion:
            try require("component")
            try require("tissue_class")
            var s = ModelSpecification(formula: try Formula("\(response) ~ arm * tissue_class + \(baseColumn)"), group: "subject")
            s.filters = [RowFilter(column: "component", value: "whole")]
            spec = s
        case .component:
            try require("component")
            try require("lesion")
            var s = ModelSpecification(formula: try Formula("\(response) ~ arm * component + \(baseColumn)"), group: "subject", nested: "lesion")
            s.filters = [RowFilter(column: "component", value: "whole", negated: true)]
            spec = s
        case .voxel:
            try require("dist_csf_mm")
            try require("lesion")
            spec = ModelSpecification(formula: try Formula("\(response) ~ arm * (\(baseColumn) + dist_csf_mm)"), group: "subject", nested: "lesion")
        }
        var prepared = Prepared(table: table, frame: frame, specification: spec, baseline: base, followUp: fu)
        if let placebo = Self.armReference(in: frame) { prepared.specification.references.preferred["arm"] = placebo }
        return prepared
    }

    /// The level of `arm` the presets compare with: the first cell that reads `placebo` in any
    /// case, or nil (then the first level in sorted order, patsy's default). So arms `active` and
    /// `placebo` give `arm[T.active]`, the effect of the active arm, not its negative.
    public static func armReference(in frame: DataFrame) -> String? {
        frame.column("arm")?.first { $0.lowercased() == "placebo" }
    }

    /// Session labels of columns `<prefix><session><suffix>` in column order (sessions are
    /// `[A-Za-z0-9]+`, so `mtr_base_mean` gives `base` but `mtr_base_n_valid` gives nothing).
    static func sessions(_ columns: [String], prefix: String, suffix: String) -> [String] {
        var out: [String] = []
        for c in columns where c.hasPrefix(prefix) && c.hasSuffix(suffix) && c.count > prefix.count + suffix.count {
            let s = String(c.dropFirst(prefix.count).dropLast(suffix.count))
            if s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), !out.contains(s) { out.append(s) }
        }
        return out
    }
}
