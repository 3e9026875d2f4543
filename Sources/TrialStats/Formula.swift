import Foundation

/// A model formula in the Wilkinson–Rogers notation of R and patsy, restricted to what trial
/// models need: `y ~ a + b + a:b`, `a*b` (= `a + b + a:b`), parentheses (`arm*(x + z)`),
/// `C(x)` to treat a column as a factor, `C(x, Treatment('level'))` (or
/// `Treatment(reference='level')`, patsy's spellings; a number for a level of a number column) to
/// code it against that level, `- 1` or `+ 0` to drop the intercept.
///
/// Terms are kept in first-appearance order without duplicates; a term is a set of factors, so
/// `a:b` and `b:a` are the same term (named in first-written order).
public struct Formula: Sendable, Equatable, CustomStringConvertible {
    /// One variable of a term: a column, numeric unless `categorical` (forced by `C(...)`, or
    /// because its cells are not all numbers).
    public struct Factor: Sendable, Hashable {
        public var column: String
        /// True when written as `C(column)` (with or without a contrast).
        public var forcedCategorical: Bool
        /// The reference level written as `C(column, Treatment(level))`, unquoted (nil: none
        /// written; the level is then chosen by `DesignMatrix`).
        public var reference: String?
        /// The contrast as patsy normalises it, e.g. `Treatment('placebo')`,
        /// `Treatment(reference="placebo")` or `Treatment` (nil: plain `C(column)` or `column`).
        public var contrast: String?

        /// A factor: `column`, `C(column)`, or `C(column, contrast)` with that reference level.
        public init(column: String, forcedCategorical: Bool, reference: String? = nil, contrast: String? = nil) {
            self.column = column
            self.forcedCategorical = forcedCategorical
            self.reference = reference
            self.contrast = contrast
        }

        /// How it is spelled in coefficient names, as patsy spells it: `column`, `C(column)` or
        /// `C(column, Treatment('placebo'))`.
        public var label: String {
            guard forcedCategorical else { return column }
            return contrast.map { "C(\(column), \($0))" } ?? "C(\(column))"
        }
    }

    /// A product of factors (empty: the intercept).
    public struct Term: Sendable, Hashable {
        public var factors: [Factor]
        public var isIntercept: Bool { factors.isEmpty }
        func sameSet(as other: Term) -> Bool { Set(factors) == Set(other.factors) }
    }

    /// The response column.
    public var response: String
    /// Right-hand-side terms, without the intercept.
    public var terms: [Term]
    /// Whether the model has an intercept (default yes).
    public var hasIntercept: Bool
    /// The text it was parsed from.
    public var text: String

    public var description: String { text }

    /// Every column the formula reads (response first).
    public var columns: [String] {
        var seen: [String] = [response]
        for t in terms { for f in t.factors where !seen.contains(f.column) { seen.append(f.column) } }
        return seen
    }

    /// Parses `response ~ rhs`. Throws `ModelError.badFormula` on anything else.
    public init(_ text: String) throws(ModelError) {
        self.text = text
        let parts = text.split(separator: "~", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .badFormula(formula: text, reason: "needs exactly one '~' (response ~ terms)") }
        let lhs = parts[0].trimmingCharacters(in: .whitespaces)
        guard !lhs.isEmpty, lhs.allSatisfy(Formula.isNameCharacter) else {
            throw .badFormula(formula: text, reason: "the response must be one column name")
        }
        response = lhs
        var parser = Parser(tokens: try Formula.tokens(String(parts[1]), formula: text), formula: text)
        let (terms, intercept) = try parser.parseFormula()
        self.terms = terms
        hasIntercept = intercept
    }

    /// A formula from parts (for presets); `text` is rebuilt.
    public init(response: String, terms: [Term], hasIntercept: Bool = true) {
        self.response = response
        self.terms = terms
        self.hasIntercept = hasIntercept
        let rhs = (hasIntercept ? [] : ["0"]) + terms.map { $0.factors.map(\.label).joined(separator: ":") }
        text = response + " ~ " + (rhs.isEmpty ? "1" : rhs.joined(separator: " + "))
    }

    /// This formula without the terms that involve `column` (used when fitting within each level
    /// of a `--by` split, where such terms are constant).
    public func dropping(column: String) -> Formula {
        Formula(response: response, terms: terms.filter { !$0.factors.contains { $0.column == column } }, hasIntercept: hasIntercept)
    }

    static func isNameCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "." }

    private enum Token: Equatable { case name(String), plus, minus, star, colon, open, close, categorical(Factor) }

    private static func tokens(_ s: String, formula: String) throws(ModelError) -> [Token] {
        var out: [Token] = []
        var chars = Array(s)[...]
        while let c = chars.first {
            switch c {
            case " ", "\t": chars.removeFirst()
            case "+": out.append(.plus); chars.removeFirst()
            case "-": out.append(.minus); chars.removeFirst()
            case "*": out.append(.star); chars.removeFirst()
            case ":": out.append(.colon); chars.removeFirst()
            case "(": out.append(.open); chars.removeFirst()
            case ")": out.append(.close); chars.removeFirst()
            default:
                guard isNameCharacter(c) else { throw .badFormula(formula: formula, reason: "unexpected character '\(c)'") }
                let name = String(chars.prefix { isNameCharacter($0) })
                chars.removeFirst(name.count)
                if name == "C", chars.first == "(" {
                    chars.removeFirst()
                    out.append(.categorical(try categoricalCall(&chars, formula: formula)))
                } else {
                    out.append(.name(name))
                }
            }
        }
        return out
    }

    /// The rest of a `C(` call, up to and including its `)`: `column`, or `column, Treatment`,
    /// `column, Treatment(level)` or `column, Treatment(reference=level)` with `level` a quoted
    /// text ('…' or "…") or a number. Spaces anywhere; the contrast is kept in patsy's
    /// normalised spelling (`Treatment(reference='placebo')`) for the coefficient names.
    private static func categoricalCall(_ chars: inout ArraySlice<Character>, formula: String) throws(ModelError) -> Factor {
        let usage = "C(...) takes one column name, optionally with Treatment('level') or Treatment(reference='level'), e.g. C(arm, Treatment('placebo'))"
        func skipSpaces() { while chars.first == " " || chars.first == "\t" { chars.removeFirst() } }
        func name() -> String {
            skipSpaces()
            let n = String(chars.prefix { isNameCharacter($0) })
            chars.removeFirst(n.count)
            skipSpaces()
            return n
        }
        func expect(_ c: Character) throws(ModelError) {
            skipSpaces()
            guard chars.first == c else { throw .badFormula(formula: formula, reason: usage) }
            chars.removeFirst()
        }
        let column = name()
        guard !column.isEmpty, Double(column) == nil else { throw .badFormula(formula: formula, reason: usage) }
        if chars.first == ")" {
            chars.removeFirst()
            return Factor(column: column, forcedCategorical: true)
        }
        try expect(",")
        let contrast = name()
        guard contrast == "Treatment" else {
            throw .badFormula(formula: formula, reason: "C(\(column), \(contrast.isEmpty ? "…" : contrast)): only Treatment contrasts are supported; " + usage)
        }
        if chars.first == ")" {
            chars.removeFirst()
            return Factor(column: column, forcedCategorical: true, contrast: "Treatment")
        }
        try expect("(")
        var keyword = ""
        var literal = name()
        if !literal.isEmpty, Double(literal) == nil {
            guard literal == "reference" else { throw .badFormula(formula: formula, reason: usage) }
            try expect("=")
            keyword = "reference="
            literal = name()
        }
        var level = literal
        if literal.isEmpty {
            skipSpaces()
            guard let quote = chars.first, quote == "'" || quote == "\"" else { throw .badFormula(formula: formula, reason: usage) }
            chars.removeFirst()
            level = String(chars.prefix { $0 != quote })
            guard chars.count > level.count else { throw .badFormula(formula: formula, reason: "unclosed quote in C(\(column), Treatment(...))") }
            chars.removeFirst(level.count + 1)
            literal = String(quote) + level + String(quote)
        } else if Double(literal) == nil {
            throw .badFormula(formula: formula, reason: usage)
        }
        try expect(")")
        try expect(")")
        return Factor(column: column, forcedCategorical: true, reference: level, contrast: "Treatment(\(keyword)\(literal))")
    }

    /// Recursive descent: sum := product (('+'|'-') product)*; product := atom (('*'|':') atom)*.
    private struct Parser {
        var tokens: [Token]
        var position = 0
        let formula: String
        init(tokens: [Token], formula: String) { self.tokens = tokens; self.formula = formula }

        mutating func parseFormula() throws(ModelError) -> ([Term], Bool) {
            var intercept = true
            let terms = try parseSum(intercept: &intercept)
            guard position == tokens.count else { throw .badFormula(formula: formula, reason: "unexpected text after the terms") }
            return (terms.filter { !$0.isIntercept }, intercept)
        }

        mutating func parseSum(intercept: inout Bool) throws(ModelError) -> [Term] {
            var terms: [Term] = []
            var sign = 1
            if position < tokens.count, tokens[position] == .minus { sign = -1; position += 1 }
            while true {
                if position < tokens.count, case .name(let n) = tokens[position], n == "0" || n == "1" {
                    position += 1
                    if n == "0" { intercept = sign < 0 } else { intercept = sign > 0 }
                } else {
                    let product = try parseProduct(intercept: &intercept)
                    if sign > 0 { for t in product where !terms.contains(where: { $0.sameSet(as: t) }) { terms.append(t) } }
                    else { terms.removeAll { t in product.contains { $0.sameSet(as: t) } } }
                }
                guard position < tokens.count, tokens[position] == .plus || tokens[position] == .minus else { return terms }
                sign = tokens[position] == .plus ? 1 : -1
                position += 1
            }
        }

        mutating func parseProduct(intercept: inout Bool) throws(ModelError) -> [Term] {
            var left = try parseAtom(intercept: &intercept)
            while position < tokens.count, tokens[position] == .star || tokens[position] == .colon {
                let star = tokens[position] == .star
                position += 1
                let right = try parseAtom(intercept: &intercept)
                var product: [Term] = []
                for a in left { for b in right {
                    var t = a
                    for f in b.factors where !t.factors.contains(f) { t.factors.append(f) }
                    if !product.contains(where: { $0.sameSet(as: t) }) { product.append(t) }
                } }
                left = star ? unique(left + right + product) : product
            }
            return left
        }

        func unique(_ terms: [Term]) -> [Term] {
            var out: [Term] = []
            for t in terms where !out.contains(where: { $0.sameSet(as: t) }) { out.append(t) }
            return out
        }

        mutating func parseAtom(intercept: inout Bool) throws(ModelError) -> [Term] {
            guard position < tokens.count else { throw .badFormula(formula: formula, reason: "a term is missing") }
            let token = tokens[position]
            position += 1
            switch token {
            case .name(let n):
                guard Double(n) == nil else { throw .badFormula(formula: formula, reason: "'\(n)' cannot be a factor") }
                return [Term(factors: [Factor(column: n, forcedCategorical: false)])]
            case .categorical(let f): return [Term(factors: [f])]
            case .open:
                let inner = try parseSum(intercept: &intercept)
                guard position < tokens.count, tokens[position] == .close else { throw .badFormula(formula: formula, reason: "unbalanced parentheses") }
                position += 1
                return inner
            default: throw .badFormula(formula: formula, reason: "a term is missing")
            }
        }
    }
}
