import ArgumentParser
import Foundation
import LesionMTR
import TrialStats

/// `lesionmtr model`: treatment effects from the tables by linear mixed models or OLS.
struct Model: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit treatment-effect models (linear mixed model by REML/ML, or OLS) to lesionmtr's tables.",
        discussion: """
            Either a preset analysis of a batch output folder (or its table) or your own formula on \
            any TSV. Presets: primary (subjects.tsv, OLS ANCOVA: delta_submedian_mtr_<fu> ~ arm + \
            submedian_mtr_<base>_mean + age + sex + edss + site, the covariates present); lesion \
            (lesions.tsv rows component=whole: delta_mtr_<fu>_mean ~ arm * tissue_class + \
            mtr_<base>_mean, random intercept subject); component (core, rim and perilesional rows: \
            delta_mtr_<fu>_mean ~ arm * component + mtr_<base>_mean, random intercepts subject and \
            lesion within subject); voxel (voxels.tsv from 'batch --voxels', arm from subjects.tsv: \
            delta_mtr_<fu> ~ arm * (mtr_<base> + dist_csf_mm), delta = mtr_<fu> − mtr_<base>, random \
            intercepts subject and lesion within subject). Formulas follow R/patsy: a + b, a:b, a*b, \
            (a + b), C(x) for a factor, - 1 for no intercept; text columns are factors coded \
            against their first level in sorted order (arm[T.treated] is treated − placebo), or \
            against the level of C(x, Treatment('level')) (or Treatment(reference='level')) or \
            --reference x=level; the presets compare arm with placebo when that level exists. \
            Every output names the reference level of each factor, and a note says when a \
            coefficient holds at other factors' reference levels because of an interaction \
            (the lesion preset's arm[T.treated] is the effect in the reference tissue class). Rows \
            with n/a in any used column are dropped (and counted). Mixed models: Wald z tests and \
            normal 95% intervals, as statsmodels MixedLM (no small-sample df); standard errors from \
            the observed information as statsmodels (--se expected for lme4's (XᵀV⁻¹X)⁻¹). \
            Without a grouping column: OLS with t tests on n − p df. A nested effect whose units \
            have one row each is left out (noted). Results: a table on stdout; -o FILE.tsv or \
            FILE.json (the JSON feeds 'lesionmtr power --from-model').
            """)

    @Argument(help: ArgumentHelp("A TSV table; with --preset, a batch output folder or the preset's table.", valueName: "table"))
    var input: String

    @Option(help: "A ready analysis of lesionmtr's tables (see above).")
    var preset: ModelPreset?

    @Option(help: ArgumentHelp("Model formula, e.g. 'delta_mtr_m6_mean ~ arm * tissue_class + mtr_base_mean'. Required without --preset; replaces the preset's formula.", valueName: "formula"))
    var formula: String?

    @Option(help: ArgumentHelp("Column of the groups with a random intercept (default: none, i.e. OLS; the preset's with --preset).", valueName: "column"))
    var group: String?

    @Option(help: ArgumentHelp("Column of units nested within groups with their own random intercept, e.g. lesion (default: none; the preset's).", valueName: "column"))
    var nested: String?

    @Option(name: .customLong("reference"), help: ArgumentHelp("Compare the factor column with this level, e.g. arm=placebo (repeatable; a C(column, Treatment('level')) in the formula takes precedence). The presets compare arm with placebo when that level exists; otherwise the first level in sorted order.", valueName: "column=level"))
    var references: [String] = []

    @Option(name: .customLong("where"), help: ArgumentHelp("Keep rows where column=value (or column!=value); numbers compare as numbers. Repeatable; replaces a preset filter on the same column.", valueName: "column=value"))
    var filters: [RowFilter] = []

    @Option(help: ArgumentHelp("Fit separately within each level of this column (terms with it are dropped from the formula), e.g. tissue_class.", valueName: "column"))
    var by: String?

    @Option(help: "Estimation of a mixed model: reml (restricted maximum likelihood, the default of statsmodels and lme4) or ml.")
    var method: ModelSpecification.Method = .reml

    @Option(help: "Fixed-effect standard errors of a mixed model: observed (inverse observed information, as statsmodels) or expected ((XᵀV⁻¹X)⁻¹, as lme4).")
    var se: ModelSpecification.Covariance = .observed

    @Option(help: ArgumentHelp("Confidence level of the intervals.", valueName: "level"))
    var confidence = 0.95

    @Option(help: ArgumentHelp("Preset follow-up session (default: the last in the table).", valueName: "ses"))
    var followup: String?

    @Option(help: ArgumentHelp("Preset baseline session (default: the first in the table).", valueName: "ses"))
    var baseline: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Also write the results to FILE.tsv (one row per term and variance component) or FILE.json (everything).", valueName: "file"))
    var output: String?

    @Flag(help: "Do not print the table on stdout.")
    var quiet = false

    func validate() throws {
        guard preset != nil || formula != nil else { throw ValidationError("give --formula or --preset") }
        guard confidence > 0, confidence < 1 else { throw ValidationError("--confidence must be between 0 and 1") }
        if let output, !(output.hasSuffix(".tsv") || output.hasSuffix(".json")) {
            throw ValidationError("-o must name a .tsv or .json file")
        }
    }

    func run() throws {
        try exitingOnError {
            let report = try fit()
            if !quiet { print(report.text, terminator: "") }
            if let output { try writeResult(output.hasSuffix(".json") ? report.json : report.tsv, to: output) }
        }
    }

    /// Builds the specification from the preset and options, fits, and returns the report.
    func fit() throws -> ModelReport {
        var frame: DataFrame, table: String, spec: ModelSpecification
        if let preset {
            let p = try preset.prepare(input, followUp: followup, baseline: baseline)
            (frame, table, spec) = (p.frame, p.table, p.specification)
            if let formula { spec.formula = try Formula(formula) }
        } else {
            table = input
            frame = try ModelTable.read(input)
            spec = ModelSpecification(formula: try Formula(formula!))
        }
        spec.references = try ReferenceChoice(requiring: references, preferred: spec.references.preferred)
        if let group { spec.group = group }
        if let nested { spec.nested = nested }
        spec = spec.addingFilters(filters)
        spec.by = by
        spec.method = method
        spec.covariance = se
        spec.confidenceLevel = confidence
        let fits = try LinearModel.fit(spec, to: frame, table: table)
        return ModelReport(table: table, preset: preset?.rawValue, by: by, filters: spec.filters.map(\.description), fits: fits)
    }
}
