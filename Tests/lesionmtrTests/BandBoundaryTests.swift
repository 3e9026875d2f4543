import Foundation
import NIfTI
import TestSupport
import Testing

/// Bands at exact multiples of the band width. A small subject on 1.2 mm isotropic and
/// 1.2 × 0.8 × 1.5 mm grids, analysed with `stats --voxels`: every voxel's band (voxels.tsv),
/// the counts and means of bands.tsv and the slopes of subjects.tsv are checked against the
/// band of each voxel's exact distance to CSF, decided in integers (spacings and widths in
/// tenths of a mm, squared distances in hundredths of a mm²), where a distance at an exact
/// multiple of the width is in the upper band.
@Suite(.serialized) struct BandBoundaryTests {
    /// A grid and a band width, both in tenths of a mm (an array, not a SIMD3: an over-aligned
    /// test argument crashes the task allocator of the test runner).
    struct Case: Sendable, CustomStringConvertible {
        var spacing: [Int]
        var width: Int
        var description: String {
            "\((0..<3).map { mm(spacing[$0]) }.joined(separator: "×")) mm, bands of \(mm(width)) mm"
        }
        func mm(_ tenths: Int) -> String { String(Double(tenths) / 10) }
    }

    static let isotropic = [12, 12, 12], anisotropic = [12, 8, 15]
    static let cases = [
        Case(spacing: isotropic, width: 10), Case(spacing: isotropic, width: 12), Case(spacing: isotropic, width: 4),
        Case(spacing: anisotropic, width: 10), Case(spacing: anisotropic, width: 5), Case(spacing: anisotropic, width: 3),
        Case(spacing: anisotropic, width: 1),
    ]

    // The subject: 16³ voxels of WM with three CSF voxels and one cubic lesion 4…11 on each
    // axis; the MTR map is the storage index mod 97 (whole numbers, so sums are exact).
    static let n = 16
    static let csf = [SIMD3(0, 0, 0), SIMD3(15, 15, 15), SIMD3(2, 13, 6)]
    static func index(_ p: SIMD3<Int>) -> Int { p.x + n * (p.y + n * p.z) }
    static var voxels: [SIMD3<Int>] {
        (0..<n).flatMap { k in (0..<n).flatMap { j in (0..<n).map { i in SIMD3(i, j, k) } } }
    }
    /// City-block steps from `p` to the lesion (0 inside).
    static func stepsToLesion(_ p: SIMD3<Int>) -> Int { (0..<3).map { max(0, 4 - p[$0], p[$0] - 11) }.reduce(0, +) }
    static func value(_ p: SIMD3<Int>) -> Double { Double(index(p) % 97) }

    /// The squared distance (hundredths of mm²) from `p` to the nearest CSF voxel.
    static func squaredDistance(_ p: SIMD3<Int>, _ c: Case) -> Int {
        csf.map { q in
            let t = (p &- q) &* SIMD3(c.spacing)
            return (t &* t).wrappedSum()
        }.min()!
    }

    /// The exact band of `p`: the largest k with (k·width)² ≤ d².
    static func exactBand(_ p: SIMD3<Int>, _ c: Case) -> Int {
        let d2 = squaredDistance(p, c)
        var k = 0
        while (k + 1) * (k + 1) * c.width * c.width <= d2 { k += 1 }
        return k
    }

    /// Whether the exact distance of `p` is a multiple of the width (a band boundary).
    static func onBoundary(_ p: SIMD3<Int>, _ c: Case) -> Bool {
        let k = exactBand(p, c)
        return k * k * c.width * c.width == squaredDistance(p, c)
    }

    /// Per case: the output folder of `stats --voxels` on the subject written on that grid.
    static let outputs: Result<[String], Error> = Result {
        try cases.map { c in
            let folder = makeTemporaryDirectory("bands").path
            let spacing = SIMD3((0..<3).map { Double(c.spacing[$0]) / 10 })
            let grid = Grid(dims: SIMD3(n, n, n), affine: .scaling(spacing))
            var tissue = [UInt8](repeating: 3, count: grid.voxelCount)
            for q in csf { tissue[index(q)] = 1 }
            let lesion = voxels.map { stepsToLesion($0) == 0 ? UInt8(1) : 0 }
            // NIfTI-2: the voxel size is stored as the Double 1.2, not as a Float32.
            try NIfTIWriter.write(Volume(grid: grid, voxels: tissue), to: folder + "/tissue.nii", version: 2)
            try NIfTIWriter.write(Volume(grid: grid, voxels: lesion), to: folder + "/lesion.nii", version: 2)
            try NIfTIWriter.write(Volume(grid: grid, voxels: voxels.map { Float(value($0)) }), to: folder + "/mtr.nii", version: 2)
            try runProcess(lesionmtrBinary, [
                "stats", "--lesions", folder + "/lesion.nii", "--tissue", folder + "/tissue.nii",
                "--map", "mtr:base=" + folder + "/mtr.nii", "--subject", "s1", "--band-width", c.mm(c.width),
                "--voxels", "-o", folder + "/out"])
            return folder + "/out"
        }
    }

    /// The rows of a TSV file as dictionaries by column name.
    static func rows(_ c: Case, _ table: String) throws -> [[String: String]] {
        let folder = try outputs.get()[cases.firstIndex { $0.description == c.description }!]
        let lines = try String(contentsOfFile: folder + "/" + table, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: "\t").map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    /// Per (region, band): voxels and the sum of the map, by brute force. Lesion: the cube;
    /// NAWM: WM more than 2 steps from it (the default NAWM gap in voxel units).
    static func expectedBands(_ c: Case) -> [String: (n: Int, sum: Double)] {
        var out: [String: (n: Int, sum: Double)] = [:]
        for p in voxels where !csf.contains(p) {
            let steps = stepsToLesion(p)
            guard steps == 0 || steps > 2 else { continue }
            let key = "\(steps == 0 ? "lesion" : "nawm") \(exactBand(p, c))"
            out[key, default: (0, 0)].n += 1
            out[key, default: (0, 0)].sum += value(p)
        }
        return out
    }

    @Test("every voxel of voxels.tsv has the band of its exact distance to CSF, upper band at an exact multiple", arguments: cases)
    func voxelBands(c: Case) throws {
        let rows = try Self.rows(c, "voxels.tsv")
        // Every lesion and perilesional voxel (within 2 steps, none of them CSF) has a row.
        #expect(rows.count == Self.voxels.filter { Self.stepsToLesion($0) <= 2 }.count)
        var boundaries = 0
        for row in rows {
            let p = SIMD3(Int(row["i"]!)!, Int(row["j"]!)!, Int(row["k"]!)!)
            #expect(Int(row["band"]!) == Self.exactBand(p, c), "voxel \(p): dist_csf_mm \(row["dist_csf_mm"]!)")
            if Self.onBoundary(p, c) { boundaries += 1 }
        }
        #expect(boundaries > 0, "the case puts no voxel at a band boundary")
    }

    @Test("bands.tsv counts and means follow the exact bands of lesion and NAWM voxels", arguments: cases)
    func bandTable(c: Case) throws {
        let expected = Self.expectedBands(c)
        let rows = try Self.rows(c, "bands.tsv")
        // The lesion is all WM: its `wm` and `all` rows are the same, as are the NAWM's.
        #expect(rows.count == 2 * expected.count)
        for row in rows {
            #expect(["wm", "all"].contains(row["tissue_class"]!))
            let e = try #require(expected["\(row["region"]!) \(row["band"]!)"], "unexpected row \(row)")
            #expect(Int(row["n"]!) == e.n, "\(row)")
            let mean = try #require(Double(row["mtr_base_mean"]!))
            #expect(abs(mean - e.sum / Double(e.n)) <= 1e-7 * max(1, abs(mean)), "\(row)")
        }
    }

    @Test("the slopes of subjects.tsv are fitted to the exact bands' means", arguments: cases)
    func slopes(c: Case) throws {
        let expected = Self.expectedBands(c)
        let row = try #require(try Self.rows(c, "subjects.tsv").first)
        for region in ["lesion", "nawm"] {
            // OLS of the band means on the band centres (band + 0.5)·width, bands ≥ 1.
            let points = expected.compactMap { key, e -> (Double, Double)? in
                let parts = key.split(separator: " ")
                guard parts[0] == region, let b = Int(parts[1]), b >= 1 else { return nil }
                return ((Double(b) + 0.5) * Double(c.width) / 10, e.sum / Double(e.n))
            }
            let mx = points.map(\.0).reduce(0, +) / Double(points.count)
            let my = points.map(\.1).reduce(0, +) / Double(points.count)
            let slope = points.map { ($0.0 - mx) * ($0.1 - my) }.reduce(0, +) / points.map { ($0.0 - mx) * ($0.0 - mx) }.reduce(0, +)
            let written = try #require(Double(row["slope_\(region)_mtr_base"]!))
            #expect(abs(written - slope) <= 1e-6 * max(1, abs(slope)), "\(region)")
        }
    }
}
