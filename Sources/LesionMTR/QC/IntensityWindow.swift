import VoxelKernels

/// The grey-level window of a report: values from `low` (black) to `high` (white), linear.
///
/// `robust` takes the 1st and 99th percentiles (exact, numpy's linear interpolation, through
/// VoxelKernels' quantiles) of the finite values inside a mask — the brain — so a few extreme
/// voxels (vessels, noise at the skull) do not wash out the contrast.
public struct IntensityWindow: Sendable, Equatable {
    public var low: Double
    public var high: Double

    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }

    /// The 1st–99th percentile window of `values` where `mask` is non-zero; `0…1` if no value is finite.
    public static func robust(_ values: [Float], mask: [Int32], threads: Int) -> IntensityWindow {
        let q = LabelStatistics.summarize(values, labels: mask, labelCount: 1, probabilities: [0.01, 0.99], threads: threads)
        guard let p = q.first?.quantiles, p[0].isFinite, p[1].isFinite else { return IntensityWindow(low: 0, high: 1) }
        return IntensityWindow(low: p[0], high: p[1] > p[0] ? p[1] : p[0] + 1)
    }

    /// The grey level (0…255) of `x`; non-finite values are black.
    @inline(__always)
    public func grey(_ x: Float) -> UInt8 {
        guard x.isFinite else { return 0 }
        let t = (Double(x) - low) / (high - low)
        return t <= 0 ? 0 : t >= 1 ? 255 : UInt8((t * 255).rounded())
    }
}
