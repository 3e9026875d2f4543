import Testing
@testable import VoxelKernels

/// The linear (type 7) quantile from its definition: position h = p·(n − 1) in the sorted
/// values, interpolated between the neighbours.
private func definitionQuantile(_ sorted: [Double], _ p: Double) -> Double {
    let h = p * Double(sorted.count - 1)
    let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
    return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
}

private let levels = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]

@Test("per-label statistics match a brute-force computation, NaN and ±Inf excluded")
func statisticsMatchBruteForce() {
    for seed in seeds {
        var rng = SeededGenerator(seed: seed)
        let n = Int.random(in: 0 ... 400, using: &rng)
        let labelCount = Int.random(in: 1 ... 12, using: &rng)
        let labels = (0 ..< n).map { _ in Int32.random(in: -1 ... Int32(labelCount) + 1, using: &rng) }
        let values: [Float] = (0 ..< n).map { _ in
            switch Int.random(in: 0 ..< 20, using: &rng) {
            case 0: return .nan
            case 1: return .infinity
            case 2: return -.infinity
            case 3: return Float(Int.random(in: 0 ... 3, using: &rng))  // repeated values
            default: return Float.random(in: -50 ... 80, using: &rng)
            }
        }
        let got = LabelStatistics.summarize(values, labels: labels, labelCount: labelCount, probabilities: levels, threads: 2)
        #expect(got.count == labelCount, "seed \(seed)")
        for l in 1 ... labelCount {
            let mine = (0 ..< n).filter { labels[$0] == Int32(l) }
            let finite = mine.map { Double(values[$0]) }.filter { $0.isFinite }
            let s = got[l - 1]
            #expect(s.count == mine.count && s.validCount == finite.count, "seed \(seed) label \(l)")
            #expect(s.invalidCount == mine.count - finite.count)
            guard !finite.isEmpty else {
                #expect(s.mean == nil && s.sd == nil && s.min == nil && s.max == nil && s.quantiles == nil, "seed \(seed)")
                continue
            }
            let mean = finite.reduce(0, +) / Double(finite.count)
            #expect(close(s.mean!, mean, relative: 1e-12), "seed \(seed) label \(l)")
            #expect(s.min == finite.min() && s.max == finite.max())
            if finite.count >= 2 {
                let sd = (finite.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(finite.count - 1)).squareRoot()
                #expect(close(s.sd!, sd, relative: 1e-12), "seed \(seed) label \(l)")
            } else {
                #expect(s.sd == nil)
            }
            let sorted = finite.sorted()
            let expected = levels.map { definitionQuantile(sorted, $0) }
            #expect(zip(s.quantiles!, expected).allSatisfy { close($0, $1, relative: 1e-12) }, "seed \(seed) label \(l): \(s.quantiles!) vs \(expected)")
        }
    }
}

@Test("quantiles of 1, 2, 3, 4 interpolate linearly between order statistics")
func quantilesByHand() {
    let s = LabelStatistics.summarize([4, 1, 3, 2], labels: [1, 1, 1, 1], probabilities: [0.1, 0.5, 0.9])[0]
    // h = 0.3 → 1.3; h = 1.5 → 2.5; h = 2.7 → 3.7.
    #expect(zip(s.quantiles!, [1.3, 2.5, 3.7]).allSatisfy { close($0, $1, relative: 1e-12) })
    #expect(s.mean == 2.5 && s.sum == 10)
    #expect(close(s.sd!, (5.0 / 3).squareRoot(), relative: 1e-12))  // squared deviations 2.25+0.25+0.25+2.25 over 3
}

@Test("a label with only NaN has counts but no statistics; one value has no sd")
func invalidOnlyAndSingleValue() {
    let s = LabelStatistics.summarize([.nan, .nan, 5], labels: [1, 1, 2], probabilities: [0.5])
    #expect(s[0].count == 2 && s[0].validCount == 0 && s[0].mean == nil)
    #expect(s[1].validCount == 1 && s[1].mean == 5 && s[1].sd == nil && s[1].quantiles == [5])
}

@Test("labels that never occur get zero counts; no labels gives no summaries")
func absentLabels() {
    let s = LabelStatistics.summarize([1, 2], labels: [3, 3], labelCount: 4)
    #expect(s.map(\.count) == [0, 0, 2, 0])
    #expect(LabelStatistics.summarize([1, 2], labels: [0, 0]).isEmpty)
}

@Test("statistics do not depend on the thread count")
func statisticsThreadIndependence() {
    var rng = SeededGenerator(seed: 11)
    let labels = (0 ..< 50_000).map { _ in Int32.random(in: 0 ... 300, using: &rng) }
    let values = (0 ..< 50_000).map { _ in Float.random(in: 0 ... 1, using: &rng) }
    let one = LabelStatistics.summarize(values, labels: labels, probabilities: levels, threads: 1)
    for t in [2, 3, 5] {
        #expect(LabelStatistics.summarize(values, labels: labels, probabilities: levels, threads: t) == one, "threads \(t)")
    }
}

@Test("order statistics of large sets by their bits equal those of the sorted values")
func radixSelectionMatchesSorting() {
    for seed in seeds.prefix(4) {
        var rng = SeededGenerator(seed: seed)
        let n = RadixSelection.minimumCount + Int.random(in: 0 ... 5000, using: &rng)
        let values: [Float] = (0 ..< n).map { _ in
            switch Int.random(in: 0 ..< 10, using: &rng) {
            case 0: return 0
            case 1: return -0.0
            case 2: return Float(Int.random(in: -3 ... 3, using: &rng))  // ties
            case 3: return Float.random(in: 40 ... 40.001, using: &rng)  // many values in one bin
            default: return Float.random(in: -1e4 ... 1e4, using: &rng)
            }
        }
        let sorted = values.sorted()
        let ranks = [0, 1, n / 10, n / 2 - 1, n / 2, n / 2 + 1, n - 2, n - 1]
        let got = values.withUnsafeBufferPointer { RadixSelection.values($0, ranks: ranks) }
        #expect(got == ranks.map { sorted[$0] }, "seed \(seed)")
    }
}

@Test("quantiles of a large label (the selection by bits) match the definition")
func largeLabelQuantiles() {
    var rng = SeededGenerator(seed: 7)
    let n = 3 * RadixSelection.minimumCount
    let values = (0 ..< n).map { _ in Float.random(in: 10 ... 60, using: &rng) }
    let got = LabelStatistics.summarize(values, labels: [Int32](repeating: 1, count: n), probabilities: levels, threads: 1)[0]
    let sorted = values.map(Double.init).sorted()
    #expect(zip(got.quantiles!, levels.map { definitionQuantile(sorted, $0) }).allSatisfy { close($0, $1, relative: 1e-12) })
}
