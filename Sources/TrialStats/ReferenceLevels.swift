/// The level a treatment-coded factor is compared with: its coefficients `arm[T.treated]` are
/// differences from this level.
public struct FactorReference: Sendable, Encodable, Equatable {
    /// The factor as spelled in coefficient names (`arm`, `C(site)`, `C(arm, Treatment('placebo'))`).
    public var factor: String
    /// The column it reads.
    public var column: String
    /// The reference level, spelled as in coefficient names.
    public var level: String

    public init(factor: String, column: String, level: String) {
        self.factor = factor
        self.column = column
        self.level = level
    }
}

/// Which level each factor is compared with. In order of precedence: the level written in the
/// formula (`C(arm, Treatment('placebo'))`), the level asked for by column (`required`, e.g.
/// `--reference arm=placebo`; it must exist among the rows used), the level preferred by column
/// (`preferred`, e.g. a preset's `arm` → `placebo`; used only when that level exists), and
/// otherwise the first level in sorted order (patsy's default).
public struct ReferenceChoice: Sendable, Equatable {
    /// Column → level that must be the reference (`--reference column=level`).
    public var required: [String: String]
    /// Column → level that is the reference when the column has it.
    public var preferred: [String: String]

    public init(required: [String: String] = [:], preferred: [String: String] = [:]) {
        self.required = required
        self.preferred = preferred
    }

    /// `required` from `column=level` arguments (`--reference arm=placebo`, repeatable). Throws
    /// `ModelError.invalidArgument` for one without `=`, with an empty side, or a column given twice.
    public init(requiring arguments: [String], preferred: [String: String] = [:]) throws(ModelError) {
        var required: [String: String] = [:]
        for a in arguments {
            guard let eq = a.firstIndex(of: "="), eq != a.startIndex, a.index(after: eq) != a.endIndex else {
                throw .invalidArgument("--reference \(a): write column=level, e.g. --reference arm=placebo")
            }
            let column = String(a[..<eq]), level = String(a[a.index(after: eq)...])
            guard required[column] == nil else { throw .invalidArgument("--reference \(column) is given twice; give one level per column") }
            required[column] = level
        }
        self.init(required: required, preferred: preferred)
    }

    /// Whether a level (cell text) is the level `asked` for: the same text, or the same number
    /// (`2` and `2.0` for a number column made a factor by `C(x)`).
    static func matches(_ level: String, _ asked: String) -> Bool {
        if level == asked { return true }
        guard let a = Double(level), let b = Double(asked) else { return false }
        return a == b
    }

    /// The reference level of `factor` among `levels` (sorted, non-empty unless no rows are
    /// used). Throws `ModelError.badFormula` for a level written in `formula` that is not there,
    /// `.invalidArgument` for a required level that is not there, naming `table` and the levels.
    func reference(of factor: Formula.Factor, levels: [String], formula: Formula, table: String) throws(ModelError) -> String? {
        let known = levels.map(DesignMatrix.levelName).joined(separator: ", ")
        if let asked = factor.reference {
            guard let level = levels.first(where: { Self.matches($0, asked) }) else {
                throw .badFormula(formula: formula.text, reason: "\(factor.label): column '\(factor.column)' of \(table) has no level '\(asked)' in the rows used (levels: \(known)); write one of them")
            }
            return level
        }
        if let asked = required[factor.column] {
            guard let level = levels.first(where: { Self.matches($0, asked) }) else {
                throw .invalidArgument("\(table): --reference \(factor.column)=\(asked): column '\(factor.column)' has no level '\(asked)' in the rows used (levels: \(known)); give one of them")
            }
            return level
        }
        if let wanted = preferred[factor.column], let level = levels.first(where: { $0 == wanted }) { return level }
        return levels.first
    }

    /// Refuses a required reference for a column that is not a factor of `formula`: not used
    /// at all, or used only as a number (the fix: `C(column)`).
    func check(formula: Formula, isNumeric: (Formula.Factor) -> Bool) throws(ModelError) {
        let factors = formula.terms.flatMap(\.factors)
        for (column, level) in required.sorted(by: { $0.key < $1.key }) {
            let uses = factors.filter { $0.column == column }
            guard !uses.isEmpty else {
                throw .invalidArgument("--reference \(column)=\(level): column '\(column)' is not in the model '\(formula)'; drop the option or add the column to the formula")
            }
            guard uses.contains(where: { !isNumeric($0) }) else {
                throw .invalidArgument("--reference \(column)=\(level): column '\(column)' is a number in the model '\(formula)'; write C(\(column)) in the formula to make it a factor")
            }
        }
    }
}

extension DesignMatrix {
    /// One line per lower-order term that the model also has in an interaction: its coefficients
    /// are the effect at the reference level of each other factor of that interaction (and at 0 of
    /// each number), not an average over them — e.g. `arm[T.treated] is the effect at
    /// tissue_class = cgm (reference), …: the model also has arm:tissue_class`.
    static func conditionalNotes(_ formula: Formula, termColumns: [(term: Formula.Term, columns: [String])],
                                 references: [FactorReference], isNumeric: (Formula.Factor) -> Bool) -> [String] {
        var notes: [String] = []
        for (term, columns) in termColumns where !term.isIntercept && !columns.isEmpty {
            let mine = Set(term.factors)
            let higher = formula.terms.filter { Set($0.factors).isStrictSuperset(of: mine) }
            guard !higher.isEmpty else { continue }
            var others: [Formula.Factor] = []
            for h in higher { for f in h.factors where !mine.contains(f) && !others.contains(f) { others.append(f) } }
            let conditions: [String] = others.compactMap { f in
                if isNumeric(f) { return "\(f.label) = 0" }
                return references.first { $0.factor == f.label }.map { "\(f.label) = \($0.level) (reference)" }
            }
            guard !conditions.isEmpty else { continue }
            let verb = columns.count == 1 ? "is the effect" : "are the effects"
            notes.append("\(columns.joined(separator: ", ")) \(verb) at \(conditions.joined(separator: ", ")), not averaged over "
                + "\(others.map(\.label).joined(separator: ", ")): the model also has "
                + higher.map { $0.factors.map(\.label).joined(separator: ":") }.joined(separator: ", "))
        }
        return notes
    }
}
