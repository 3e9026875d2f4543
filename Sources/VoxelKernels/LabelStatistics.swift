import NIfTI

/// Per-label reductions of a Float32 map: voxel count, valid (finite) count, sum, mean, sd,
/// min, max and exact quantiles.
///
/// Algorithm: one pass counts voxels and finite values per label; a second gathers the finite
/// values of each label into one buffer (a counting sort by label, storage order kept within a
/// label). Each label's segment is then reduced on its own: sum and mean in Double, sd by a
/// second pass over the deviations (n − 1), and quantiles by selection (Hoare's quickselect,
/// each rank searched above the previous one) with numpy's default linear interpolation between
/// order statistics (`np.percentile(…, method='linear')`, Hyndman & Fan type 7). No histograms.
/// Labels are processed in parallel; a label's numbers come from one thread in a fixed order,
/// so results do not depend on the thread count.
///
/// - Complexity: O(N + Σ n_l·q) expected time for N voxels and q quantiles; memory O(N) for the
///   gathered values (4 bytes each) plus O(L) for L labels.
/// - Edge cases: NaN and ±∞ are excluded from every statistic and counted as invalid; a label
///   with no valid value has nil statistics; `sd` needs 2 valid values; labels ≤ 0 or above
///   `labelCount` are ignored.
public enum LabelStatistics {
    /// Summaries for labels 1…`labelCount` (index `id − 1`).
    /// - Parameters:
    ///   - values: the map, in the same storage order as `labels`.
    ///   - labels: ids per voxel; 0 and negative ids are ignored.
    ///   - labelCount: the largest id reported (default: the largest id present).
    ///   - probabilities: quantile levels in [0, 1], e.g. `[0.1, 0.25, 0.5, 0.75, 0.9]`.
    ///   - threads: worker threads (results do not depend on it).
    public static func summarize(
        _ values: [Float], labels: [Int32], labelCount: Int? = nil, probabilities: [Double] = [],
        threads: Int = defaultThreadCount
    ) -> [LabelSummary] {
        precondition(values.count == labels.count, "values \(values.count) ≠ labels \(labels.count)")
        precondition(probabilities.allSatisfy { $0 >= 0 && $0 <= 1 }, "probabilities must lie in [0, 1]")
        let n = labelCount ?? Int(labels.max() ?? 0)
        guard n > 0 else { return [] }
        var count = [Int](repeating: 0, count: n + 1)
        var valid = [Int](repeating: 0, count: n + 1)
        labels.withUnsafeBufferPointer { lb in
            values.withUnsafeBufferPointer { vb in
                count.withUnsafeMutableBufferPointer { c in
                    valid.withUnsafeMutableBufferPointer { v in
                        let top = UInt32(n)
                        for i in 0 ..< lb.count {
                            let l = UInt32(bitPattern: lb[i])
                            if l &- 1 >= top { continue }  // 0, negative or above n
                            c[Int(l)] += 1
                            if vb[i].isFinite { v[Int(l)] += 1 }
                        }
                    }
                }
            }
        }
        var start = [Int](repeating: 0, count: n + 2)
        for l in 1 ... n { start[l + 1] = start[l] + valid[l] }
        var gathered = [Float](repeating: 0, count: start[n + 1])
        var cursor = start
        labels.withUnsafeBufferPointer { lb in
            values.withUnsafeBufferPointer { vb in
                gathered.withUnsafeMutableBufferPointer { g in
                    cursor.withUnsafeMutableBufferPointer { c in
                        let top = UInt32(n)
                        for i in 0 ..< lb.count {
                            let l = UInt32(bitPattern: lb[i])
                            let v = vb[i]
                            if l &- 1 >= top || !v.isFinite { continue }
                            g[c[Int(l)]] = v
                            c[Int(l)] += 1
                        }
                    }
                }
            }
        }
        var summaries = [LabelSummary](
            repeating: LabelSummary(count: 0, validCount: 0), count: n)
        gathered.withUnsafeMutableBufferPointer { g in
            summaries.withUnsafeMutableBufferPointer { s in
                let g = UnsafeSendable(g.baseAddress), s = UnsafeSendable(s.baseAddress!)
                parallelChunks(n, threads: threads, grain: 16) { range in
                    for index in range {
                        let l = index + 1
                        let segment = UnsafeMutableBufferPointer(start: g.value.map { $0 + start[l] }, count: valid[l])
                        s.value[index] = summarize(segment, count: count[l], probabilities: probabilities)
                    }
                }
            }
        }
        return summaries
    }

    /// Summary of one label's finite values (reordered in place by selection).
    static func summarize(_ v: UnsafeMutableBufferPointer<Float>, count: Int, probabilities: [Double]) -> LabelSummary {
        var result = LabelSummary(count: count, validCount: v.count)
        let m = v.count
        guard m > 0, let p = v.baseAddress else { return result }
        var sum = 0.0
        var lo = p[0], hi = p[0]
        for i in 0 ..< m {
            let x = p[i]
            sum += Double(x)
            lo = min(lo, x)
            hi = max(hi, x)
        }
        let mean = sum / Double(m)
        result.sum = sum
        result.mean = mean
        result.min = Double(lo)
        result.max = Double(hi)
        if m >= 2 {
            var ss = 0.0
            for i in 0 ..< m {
                let d = Double(p[i]) - mean
                ss += d * d
            }
            result.sd = (ss / Double(m - 1)).squareRoot()
        }
        if !probabilities.isEmpty {
            // Ranks needed, ascending; select each above the previous.
            var ranks = [Int]()
            for q in probabilities {
                let h = q * Double(m - 1)
                let f = Int(h.rounded(.down))
                ranks.append(f)
                ranks.append(Swift.min(f + 1, m - 1))
            }
            ranks = Array(Set(ranks)).sorted()
            var order = [Int: Double]()
            if m >= RadixSelection.minimumCount {
                for (r, x) in zip(ranks, RadixSelection.values(UnsafeBufferPointer(v), ranks: ranks)) { order[r] = Double(x) }
            }
            var from = 0
            for r in ranks where order[r] == nil {
                if r == from, r > 0 {
                    // The rank just above the last one selected: the smallest value after it.
                    var low = p[r], at = r
                    for i in (r + 1) ..< m where p[i] < low {
                        low = p[i]
                        at = i
                    }
                    p.swapAt(r, at)
                } else {
                    select(p, from, m - 1, r)
                }
                order[r] = Double(p[r])
                from = r + 1
            }
            result.quantiles = probabilities.map { q in
                let h = q * Double(m - 1)
                let f = Int(h.rounded(.down))
                let a = order[f]!, b = order[Swift.min(f + 1, m - 1)]!
                return lerp(a, b, h - Double(f))
            }
        }
        return result
    }
}

/// Order statistics of a large set of finite Float values by their bits: a 65,536-bin histogram
/// of the upper 16 bits of an order-preserving key finds the bin of each wanted rank; only that
/// bin's values are then gathered and selected. Two passes over the values instead of the
/// several of quickselect; the values themselves are exact (the same as any selection).
enum RadixSelection {
    /// Below this many values quickselect is as fast.
    static let minimumCount = 1 << 14

    /// The values of ranks `ranks` (0-based, ascending, each < `values.count`) of finite `values`.
    static func values(_ values: UnsafeBufferPointer<Float>, ranks: [Int]) -> [Float] {
        var histogram = [Int32](repeating: 0, count: 1 << 16)
        histogram.withUnsafeMutableBufferPointer { h in
            for x in values { h[Int(key(x) >> 16)] += 1 }
        }
        var out: [Float] = []
        var bin = 0, below = 0  // values in bins before `bin`
        var members: [Float] = [], membersOf = -1  // the values of bin `membersOf`
        for r in ranks {
            while below + Int(histogram[bin]) <= r {
                below += Int(histogram[bin])
                bin += 1
            }
            if membersOf != bin {
                members = values.filter { Int(key($0) >> 16) == bin }
                membersOf = bin
            }
            members.withUnsafeMutableBufferPointer { b in select(b.baseAddress!, 0, b.count - 1, r - below) }
            out.append(members[r - below])
        }
        return out
    }

    /// An unsigned key ordered as the finite floats are (−0 just below +0).
    @inline(__always)
    static func key(_ x: Float) -> UInt32 {
        let bits = x.bitPattern
        return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }
}

/// numpy's `_lerp`: `a + (b − a)·t`, computed from the nearer end for `t ≥ 0.5`.
@inline(__always)
func lerp(_ a: Double, _ b: Double, _ t: Double) -> Double {
    let diff = b - a
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t
}

/// Rearranges `p[lo…hi]` so that `p[k]` holds the value of rank k there, smaller-or-equal values
/// before it and greater-or-equal after (quickselect, median-of-three pivots, insertion sort for
/// short ranges).
func select(_ p: UnsafeMutablePointer<Float>, _ lo: Int, _ hi: Int, _ k: Int) {
    var lo = lo, hi = hi
    while hi - lo > 16 {
        let mid = lo + (hi - lo) / 2
        if p[mid] < p[lo] { p.swapAt(mid, lo) }
        if p[hi] < p[lo] { p.swapAt(hi, lo) }
        if p[hi] < p[mid] { p.swapAt(hi, mid) }
        let pivot = p[mid]
        var i = lo, j = hi
        while i <= j {
            while p[i] < pivot { i += 1 }
            while p[j] > pivot { j -= 1 }
            if i <= j {
                p.swapAt(i, j)
                i += 1
                j -= 1
            }
        }
        if k <= j { hi = j } else if k >= i { lo = i } else { return }
    }
    // Insertion sort of the short range.
    if lo < hi {
        for a in (lo + 1) ... hi {
            let x = p[a]
            var b = a - 1
            while b >= lo && p[b] > x {
                p[b + 1] = p[b]
                b -= 1
            }
            p[b + 1] = x
        }
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always)
    fileprivate func swapAt(_ a: Int, _ b: Int) {
        let t = self[a]
        self[a] = self[b]
        self[b] = t
    }
}

/// Statistics of one label's values. Every optional is nil when `validCount` is 0; `sd` also
/// when `validCount` < 2. Units are those of the map.
public struct LabelSummary: Sendable, Equatable {
    /// Voxels carrying the label.
    public var count: Int
    /// Voxels carrying the label whose value is finite.
    public var validCount: Int
    /// Voxels carrying the label whose value is NaN or ±∞.
    public var invalidCount: Int { count - validCount }
    /// Sum of the finite values (Double).
    public var sum: Double?
    /// Mean of the finite values.
    public var mean: Double?
    /// Sample standard deviation (n − 1).
    public var sd: Double?
    /// Smallest finite value.
    public var min: Double?
    /// Largest finite value.
    public var max: Double?
    /// One quantile per requested probability, in order (numpy's linear method).
    public var quantiles: [Double]?

    /// A summary with counts only.
    public init(count: Int, validCount: Int) {
        self.count = count
        self.validCount = validCount
    }
}
