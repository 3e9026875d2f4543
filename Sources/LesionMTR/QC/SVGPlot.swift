import Foundation

/// Inline SVG plots for the report: overlaid histograms and horizontal box plots. Text only, no
/// scripts, fixed number formatting, so the same data always give the same bytes.
enum SVGPlot {
    /// One sample drawn in a histogram.
    struct Series {
        var name: String
        var colour: String
        var values: [Float]
    }

    /// Step histograms of `series` over `range` (values outside are counted in the end bins), each
    /// as the percentage of its finite values per bin, with a legend giving n and the mean.
    static func histogram(title: String, series: [Series], range: ClosedRange<Double>, bins: Int = 40, unit: String) -> String {
        let width = 300.0, left = 36.0, right = 8.0, bottom = 30.0, plotH = 120.0
        let top = 22.0 + 12 * Double(series.count)  // the legend sits between the title and the plot
        let height = top + plotH + bottom
        let plotW = width - left - right
        let span = range.upperBound - range.lowerBound
        var shares: [[Double]] = []
        var legend: [String] = []
        for s in series {
            var counts = [Double](repeating: 0, count: bins)
            var n = 0, sum = 0.0
            for v in s.values where v.isFinite {
                let b = Int(((Double(v) - range.lowerBound) / span * Double(bins)).rounded(.down))
                counts[min(bins - 1, max(0, b))] += 1
                n += 1
                sum += Double(v)
            }
            shares.append(counts.map { n > 0 ? 100 * $0 / Double(n) : 0 })
            legend.append(n > 0 ? "\(s.name): n \(n), mean \(fixed(sum / Double(n), 1))" : "\(s.name): no voxels")
        }
        let peak = max(1, shares.flatMap { $0 }.max() ?? 1)
        var out = svgOpen(width: width, height: height, label: title)
        out += text(x: left, y: 14, title, anchor: "start", weight: "bold")
        out += axes(left: left, top: top, plotW: plotW, plotH: plotH, range: range, unit: unit)
        out += text(x: left - 4, y: top + 4, fixed(peak, 0) + "%", anchor: "end")
        for (s, share) in zip(series, shares) {
            var points: [String] = []
            for (b, p) in share.enumerated() {
                let x0 = left + plotW * Double(b) / Double(bins), x1 = left + plotW * Double(b + 1) / Double(bins)
                let y = top + plotH * (1 - p / peak)
                points += ["\(fixed(x0, 1)),\(fixed(y, 1))", "\(fixed(x1, 1)),\(fixed(y, 1))"]
            }
            out += "<polyline fill=\"none\" stroke=\"\(s.colour)\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>"
        }
        for (i, line) in legend.enumerated() {
            let y = 28 + 12 * Double(i)
            out += "<rect x=\"\(fixed(left, 1))\" y=\"\(fixed(y - 7, 1))\" width=\"8\" height=\"8\" fill=\"\(series[i].colour)\"/>"
            out += text(x: left + 12, y: y, line, anchor: "start")
        }
        return out + "</svg>"
    }

    /// One box: whiskers p10–p90, box p25–p75, a line at the median.
    struct Box {
        var label: String
        var colour: String
        var p10: Double, p25: Double, median: Double, p75: Double, p90: Double
    }

    /// Horizontal box plots, one row per box, over `range`.
    static func boxPlot(title: String, boxes: [Box], range: ClosedRange<Double>, unit: String) -> String {
        let width = 300.0, left = 96.0, right = 8.0, top = 22.0, bottom = 30.0, rowH = 14.0
        let plotW = width - left - right, plotH = max(rowH, rowH * Double(boxes.count))
        let height = top + plotH + bottom
        let span = range.upperBound - range.lowerBound
        func x(_ v: Double) -> Double { left + plotW * min(1, max(0, (v - range.lowerBound) / span)) }
        var out = svgOpen(width: width, height: height, label: title)
        out += text(x: 4, y: 14, title, anchor: "start", weight: "bold")
        out += axes(left: left, top: top, plotW: plotW, plotH: plotH, range: range, unit: unit)
        for (i, b) in boxes.enumerated() {
            let mid = top + rowH * (Double(i) + 0.5)
            out += text(x: left - 4, y: mid + 3.5, b.label, anchor: "end")
            out += line(x(b.p10), mid, x(b.p90), mid, b.colour)
            out += line(x(b.p10), mid - 3, x(b.p10), mid + 3, b.colour)
            out += line(x(b.p90), mid - 3, x(b.p90), mid + 3, b.colour)
            out += "<rect x=\"\(fixed(x(b.p25), 1))\" y=\"\(fixed(mid - 4.5, 1))\" width=\"\(fixed(max(0.5, x(b.p75) - x(b.p25)), 1))\" height=\"9\" fill=\"\(b.colour)\" fill-opacity=\"0.35\" stroke=\"\(b.colour)\"/>"
            out += line(x(b.median), mid - 4.5, x(b.median), mid + 4.5, "#000")
        }
        return out + "</svg>"
    }

    // MARK: - Pieces

    private static func svgOpen(width: Double, height: Double, label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fixed(width, 0))\" height=\"\(fixed(height, 0))\" viewBox=\"0 0 \(fixed(width, 0)) \(fixed(height, 0))\" role=\"img\" aria-label=\"\(HTML.escape(label))\" font-family=\"sans-serif\" font-size=\"9\">"
    }

    /// The frame and five ticks along x.
    private static func axes(left: Double, top: Double, plotW: Double, plotH: Double, range: ClosedRange<Double>, unit: String) -> String {
        var out = "<rect x=\"\(fixed(left, 1))\" y=\"\(fixed(top, 1))\" width=\"\(fixed(plotW, 1))\" height=\"\(fixed(plotH, 1))\" fill=\"none\" stroke=\"#999\"/>"
        let span = range.upperBound - range.lowerBound
        for t in 0...4 {
            let v = range.lowerBound + span * Double(t) / 4, xt = left + plotW * Double(t) / 4
            out += line(xt, top + plotH, xt, top + plotH + 3, "#999")
            out += text(x: xt, y: top + plotH + 12, fixed(v, span < 10 ? 1 : 0), anchor: "middle")
        }
        out += text(x: left + plotW / 2, y: top + plotH + 24, unit, anchor: "middle")
        return out
    }

    private static func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ colour: String) -> String {
        "<line x1=\"\(fixed(x0, 1))\" y1=\"\(fixed(y0, 1))\" x2=\"\(fixed(x1, 1))\" y2=\"\(fixed(y1, 1))\" stroke=\"\(colour)\"/>"
    }

    private static func text(x: Double, y: Double, _ s: String, anchor: String, weight: String = "normal") -> String {
        "<text x=\"\(fixed(x, 1))\" y=\"\(fixed(y, 1))\" text-anchor=\"\(anchor)\" font-weight=\"\(weight)\">\(HTML.escape(s))</text>"
    }

    /// `x` with `digits` decimals (`-0` printed as `0`).
    static func fixed(_ x: Double, _ digits: Int) -> String {
        let s = String(format: "%.\(digits)f", x)
        return s.hasPrefix("-") && Double(s) == 0 ? String(s.dropFirst()) : s
    }
}
