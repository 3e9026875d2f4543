import Foundation

/// The response vector and fixed-effects design matrix of a formula over a data frame, coded as
/// patsy codes them (so that coefficient names and values match statsmodels):
/// - a column is a number if every non-missing cell parses as one and it is not written `C(x)`;
///   otherwise it is a factor whose levels sort as text (or as numbers, for `C(x)` of numbers);
/// - factors are treatment-coded against a reference level (`arm[T.treated]`): the first level,
///   unless `ReferenceChoice` (a level written in the formula, `--reference`, a preset's
///   preference) says otherwise; where a term's
///   lower-order margins are absent from the model a factor is coded in full (`arm[placebo]`),
///   by patsy's redundancy rules (terms grouped by their numeric factors, each group ordered by
///   degree, subterms absorbed greedily), so `y ~ arm + arm:tissue` keeps full rank;
/// - rows with a missing cell (`n/a`, empty, NaN, ±Inf in a number column) in any column used —
///   the response, a term, or `alsoRequired` (grouping columns) — are dropped and counted.
public struct DesignMatrix: Sendable {
    /// Coefficient names, patsy style (`Intercept`, `arm[T.treated]`, `arm[T.treated]:x`).
    public let columnNames: [String]
    /// Rows × columns, row-major.
    public let x: [Double]
    /// The response of each kept row.
    public let y: [Double]
    /// Indices (into the input frame) of the kept rows.
    public let keptRows: [Int]
    /// Rows dropped for a missing value.
    public let droppedRows: Int
    /// The reference level of every factor that is treatment-coded somewhere, in the order the
    /// factors first appear in the formula.
    public let references: [FactorReference]
    /// Notes on coefficients that are conditional on other factors' reference levels (or on 0
    /// of a number) because the model has interactions with them (`conditionalNotes`).
    public let notes: [String]

    /// Number of fixed-effect columns.
    public var columnCount: Int { columnNames.count }
    /// Number of kept rows.
    public var rowCount: Int { y.count }

    /// Codes `formula` over `frame`, with reference levels by `references`. `table` names the
    /// data in errors; a required reference that is not a level in the rows used, or is for a
    /// column that is not a factor of the formula, throws (`ReferenceChoice`).
    public init(formula: Formula, frame: DataFrame, table: String, alsoRequired: [String] = [],
                references choice: ReferenceChoice = ReferenceChoice()) throws(ModelError) {
        var raw: [String: [String]] = [:]
        for name in formula.columns + alsoRequired {
            guard let c = frame.column(name) else {
                throw .missingColumn(table: table, column: name, purpose: "the model '\(formula)'")
            }
            raw[name] = c
        }
        let forced = Set(formula.terms.flatMap(\.factors).filter(\.forcedCategorical).map(\.column))
        // Which columns are numbers (parse every non-missing cell).
        var numbers: [String: [Double]] = [:]
        for (name, cells) in raw where !forced.contains(name) || name == formula.response {
            var values = [Double](repeating: .nan, count: cells.count)
            var ok = true
            for (r, cell) in cells.enumerated() where !DataFrame.isMissing(cell) {
                guard let v = Double(cell) else { ok = false; break }
                values[r] = v
            }
            if ok { numbers[name] = values }
        }
        guard let response = numbers[formula.response] else {
            let bad = raw[formula.response]!.first { !DataFrame.isMissing($0) && Double($0) == nil } ?? ""
            throw .notNumeric(table: table, column: formula.response, example: bad)
        }
        _ = response
        // Drop rows with a missing value in any used column.
        var kept: [Int] = []
        for r in 0..<frame.rowCount {
            var missing = false
            for (name, cells) in raw {
                if let v = numbers[name], !forced.contains(name) || name == formula.response {
                    if !v[r].isFinite { missing = true; break }
                } else if DataFrame.isMissing(cells[r]) { missing = true; break }
            }
            if !missing { kept.append(r) }
        }
        keptRows = kept
        droppedRows = frame.rowCount - kept.count
        y = kept.map { numbers[formula.response]![$0] }

        // Factor levels over the kept rows.
        func isNumeric(_ f: Formula.Factor) -> Bool { !f.forcedCategorical && numbers[f.column] != nil }
        var levels: [Formula.Factor: [String]] = [:]
        for f in Set(formula.terms.flatMap(\.factors)) where !isNumeric(f) {
            let cells = Set(kept.map { raw[f.column]![$0] })
            if cells.allSatisfy({ Double($0) != nil }) {
                levels[f] = cells.sorted { Double($0)! < Double($1)! }
            } else {
                levels[f] = cells.sorted { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) }
            }
        }

        try choice.check(formula: formula, isNumeric: isNumeric)
        var reference: [Formula.Factor: String] = [:]
        for (f, lv) in levels { reference[f] = try choice.reference(of: f, levels: lv, formula: formula, table: table) }

        // Columns, term by term, in patsy's order.
        var names: [String] = []
        var columns: [[Double]] = []
        var termColumns: [(term: Formula.Term, columns: [String])] = []
        var contrasted: Set<Formula.Factor> = []
        for (term, codings) in DesignMatrix.subtermCodings(formula, isNumeric: isNumeric) {
            let before = names.count
            defer { termColumns.append((term, Array(names[before...]))) }
            for coding in codings {
                // Per factor (term order): its column names and values.
                var parts: [[(String, [Double])]] = []
                for f in term.factors {
                    if isNumeric(f) {
                        parts.append([(f.label, kept.map { numbers[f.column]![$0] })])
                    } else if let full = coding[f] {
                        let lv = levels[f]!
                        let cells = kept.map { raw[f.column]![$0] }
                        let used = full ? lv : lv.filter { $0 != reference[f] }
                        if !full { contrasted.insert(f) }
                        parts.append(used.map { level in
                            (f.label + (full ? "[\(Self.levelName(level))]" : "[T.\(Self.levelName(level))]"),
                             cells.map { $0 == level ? 1 : 0 })
                        })
                    }
                }
                if parts.isEmpty {
                    names.append("Intercept")
                    columns.append([Double](repeating: 1, count: kept.count))
                    continue
                }
                // Left-most factor varies fastest, as patsy.
                var combos: [[Int]] = [[]]
                for part in parts.reversed() {
                    combos = combos.flatMap { c in part.indices.map { c + [$0] } }
                }
                for combo in combos {
                    let idx = Array(combo.reversed())
                    var name: [String] = []
                    var values = [Double](repeating: 1, count: kept.count)
                    for (k, part) in parts.enumerated() {
                        name.append(part[idx[k]].0)
                        let v = part[idx[k]].1
                        for r in values.indices { values[r] *= v[r] }
                    }
                    names.append(name.joined(separator: ":"))
                    columns.append(values)
                }
            }
        }
        columnNames = names
        var seen: Set<String> = []
        references = formula.terms.flatMap(\.factors).compactMap { f in
            guard contrasted.contains(f), let level = reference[f], seen.insert(f.label).inserted else { return nil }
            return FactorReference(factor: f.label, column: f.column, level: Self.levelName(level))
        }
        notes = Self.conditionalNotes(formula, termColumns: termColumns, references: references, isNumeric: isNumeric)
        var xs = [Double](repeating: 0, count: kept.count * names.count)
        for (c, col) in columns.enumerated() { for r in col.indices { xs[r * names.count + c] = col[r] } }
        x = xs
    }

    /// A level as patsy prints it: text as is; whole numbers without a decimal point.
    static func levelName(_ level: String) -> String {
        if let v = Double(level), v == v.rounded(), abs(v) < 1e15, !level.contains("e") { return String(Int(v)) }
        return level
    }

    /// A factor of a subterm, coded in full (`true`) or by treatment contrasts (`false`).
    private struct Expanded: Hashable { var factor: Formula.Factor; var full: Bool }

    /// patsy's `_make_subterm_infos` + `pick_contrasts_for_term`: terms bucketed by their numeric
    /// factors (the no-numeric bucket first), each bucket ordered by degree; for each term the
    /// not-yet-used subsets of its categorical factors, greedily absorbed; each result maps every
    /// categorical factor of the subterm to "full coding?".
    static func subtermCodings(_ formula: Formula, isNumeric: (Formula.Factor) -> Bool)
        -> [(Formula.Term, [[Formula.Factor: Bool]])] {
        var all = formula.terms
        if formula.hasIntercept { all.insert(Formula.Term(factors: []), at: 0) }
        var bucketOrder: [Set<Formula.Factor>] = []
        var buckets: [Set<Formula.Factor>: [Formula.Term]] = [:]
        for t in all {
            let key = Set(t.factors.filter(isNumeric))
            if buckets[key] == nil { bucketOrder.append(key) }
            buckets[key, default: []].append(t)
        }
        if let i = bucketOrder.firstIndex(of: []) { bucketOrder.insert(bucketOrder.remove(at: i), at: 0) }
        var out: [(Formula.Term, [[Formula.Factor: Bool]])] = []
        for key in bucketOrder {
            let terms = buckets[key]!.enumerated().sorted { ($0.element.factors.count, $0.offset) < ($1.element.factors.count, $1.offset) }.map(\.element)
            var used = Set<Set<Formula.Factor>>()
            for term in terms {
                let categorical = term.factors.filter { !isNumeric($0) }
                var subterms: [Set<Expanded>] = []
                for subset in sortedSubsets(categorical) where !used.contains(Set(subset)) {
                    subterms.append(Set(subset.map { Expanded(factor: $0, full: false) }))
                }
                for subset in sortedSubsets(categorical) { used.insert(Set(subset)) }
                simplify(&subterms)
                out.append((term, subterms.map { s in Dictionary(uniqueKeysWithValues: s.map { ($0.factor, $0.full) }) }))
            }
        }
        return out
    }

    /// All subsets, shorter first, ties by the positions of their elements (patsy's `_subsets_sorted`).
    private static func sortedSubsets(_ factors: [Formula.Factor]) -> [[Formula.Factor]] {
        var subsets: [[Int]] = [[]]
        for i in factors.indices { subsets += subsets.map { $0 + [i] } }
        subsets.sort { $0.count != $1.count ? $0.count < $1.count : $0.lexicographicallyPrecedes($1) }
        return subsets.map { $0.map { factors[$0] } }
    }

    /// patsy's `_simplify_subterms`: repeatedly, the first (short, long) pair where long = short plus
    /// one treatment-coded factor is replaced by short plus that factor in full coding.
    private static func simplify(_ subterms: inout [Set<Expanded>]) {
        outer: while true {
            for s in subterms.indices {
                for l in (s + 1)..<max(s + 1, subterms.count) {
                    let short = subterms[s], long = subterms[l]
                    guard long.count - short.count == 1, long.isSuperset(of: short) else { continue }
                    let extra = long.subtracting(short).first!
                    subterms[l] = short.union([Expanded(factor: extra.factor, full: true)])
                    subterms.remove(at: s)
                    continue outer
                }
            }
            return
        }
    }
}
