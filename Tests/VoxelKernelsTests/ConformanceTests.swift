import Foundation
import NIfTI
import TestSupport
import Testing
@testable import VoxelKernels

/// Inputs and expected results written by `scripts/reference/kernels_conformance.py`
/// (scipy.ndimage, cc3d, edt, numpy) on the MNI anatomy and random volumes, once per run.
private struct Reference {
    struct LabelCase: Decodable { var file: String; var sizes: [Int]; var min_size: Int }
    struct Case: Decodable {
        var name: String
        var dims: [Int]
        var spacing: [Double]
        var bound: Int
        var mask: String
        var labels: [String: LabelCase]
        var edt: String
        var edt_inside: String
        var taxicab: String
        var eroded: String
    }
    struct Cases: Decodable { var cases: [Case] }
    struct Summary: Decodable {
        var count: Int
        var n_valid: Int
        var mean: Double?
        var sd: Double?
        var min: Double?
        var max: Double?
        var quantiles: [Double]?
    }
    struct Stats: Decodable {
        var dims: [Int]
        var values: String
        var labels: String
        var label_count: Int
        var probabilities: [Double]
        var summaries: [Summary]
    }

    var directory: URL
    var cases: [Case]
    var stats: Stats

    static let shared: Result<Reference, Error> = Result {
        let dir = makeTemporaryDirectory("kernels-conformance")
        _ = try TestSupport.Reference.run("kernels_conformance.py", [dir.path])
        let cases = try JSONDecoder().decode(Cases.self, from: Data(contentsOf: dir.appendingPathComponent("cases.json")))
        let stats = try JSONDecoder().decode(Stats.self, from: Data(contentsOf: dir.appendingPathComponent("stats.json")))
        return Reference(directory: dir, cases: cases.cases, stats: stats)
    }

    func read<T>(_ file: String, as: T.Type) throws -> [T] {
        let data = try Data(contentsOf: directory.appendingPathComponent(file))
        return data.withUnsafeBytes { raw in Array(raw.bindMemory(to: T.self)) }
    }
}

private func volume(_ c: Reference.Case, _ reference: Reference) throws -> Volume<UInt8> {
    let dims = SIMD3(c.dims[0], c.dims[1], c.dims[2])
    let spacing = SIMD3(c.spacing[0], c.spacing[1], c.spacing[2])
    return Volume(grid: makeGrid(dims, spacing: spacing), voxels: try reference.read(c.mask, as: UInt8.self))
}

@Test("labels and sizes are identical to scipy.ndimage/cc3d on MNI masks and random volumes")
func labellingConformance() throws {
    let reference = try Reference.shared.get()
    for c in reference.cases {
        let mask = try volume(c, reference)
        for connectivity in Connectivity.allCases {
            let expected = c.labels[String(connectivity.rawValue)]!
            let result = ConnectedComponents.label(mask, connectivity: connectivity, minSize: expected.min_size)
            #expect(result.sizes == expected.sizes, "\(c.name) at \(connectivity.rawValue)")
            #expect(result.labels.voxels == (try reference.read(expected.file, as: Int32.self)), "\(c.name) at \(connectivity.rawValue)")
        }
    }
}

@Test("Euclidean distances agree with scipy.ndimage within 1e-4 mm, anisotropic spacing")
func euclideanConformance() throws {
    let reference = try Reference.shared.get()
    for c in reference.cases {
        let mask = try volume(c, reference)
        let expected = try reference.read(c.edt, as: Double.self)
        let got = EuclideanDistance.distances(to: mask)
        #expect(zip(got, expected).allSatisfy { Double($0) == $1 || abs(Double($0) - $1) <= 1e-4 }, "\(c.name)")
        let squared = EuclideanDistance.squaredDistances(to: mask)
        #expect(zip(squared, expected).allSatisfy { $0 == $1 * $1 || abs($0.squareRoot() - $1) <= 1e-4 }, "\(c.name) squared")
        // Inside the mask: distance to background or the outside of the volume, both by the
        // complement transform and by the per-object transform of the label-distance kernel.
        let inside = try reference.read(c.edt_inside, as: Double.self)
        let complement = EuclideanDistance.distances(to: mask, outsideIsFeature: true) { $0 == 0 }
        let perObject = DistanceToOtherLabel.millimetres(mask.map { Int32($0) })
        var worst = 0.0
        for i in inside.indices where mask.voxels[i] > 0 {
            worst = max(worst, abs(Double(complement[i]) - inside[i]), abs(perObject[i] - inside[i]))
        }
        #expect(worst <= 1e-4, "\(c.name): worst difference \(worst) mm")
    }
}

@Test("city-block distances and erosions are identical to scipy.ndimage")
func cityBlockConformance() throws {
    let reference = try Reference.shared.get()
    for c in reference.cases {
        let mask = try volume(c, reference)
        #expect(CityBlockDistance.distances(to: mask, bound: c.bound) == (try reference.read(c.taxicab, as: Int32.self)), "\(c.name)")
        #expect(Morphology.erode(mask, steps: c.bound).voxels == (try reference.read(c.eroded, as: UInt8.self)), "\(c.name)")
        // The rim of a single object is the mask minus its erosion: steps to the complement ≤ bound.
        let steps = DistanceToOtherLabel.steps(mask.map { Int32($0) }, bound: c.bound)
        let eroded = try reference.read(c.eroded, as: UInt8.self)
        #expect(mask.voxels.indices.allSatisfy { i in mask.voxels[i] == 0 || (steps[i] > Int32(c.bound)) == (eroded[i] == 1) }, "\(c.name)")
    }
}

@Test("per-label statistics agree with numpy within 1e-5 relative on the MNI T1")
func statisticsConformance() throws {
    let reference = try Reference.shared.get()
    let s = reference.stats
    let values = try reference.read(s.values, as: Float.self)
    let labels = try reference.read(s.labels, as: Int32.self)
    let got = LabelStatistics.summarize(values, labels: labels, labelCount: s.label_count, probabilities: s.probabilities)
    #expect(got.count == s.summaries.count)
    func same(_ a: Double?, _ b: Double?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return abs(a - b) <= 1e-5 * max(abs(a), abs(b), 1e-30)
    }
    for (l, (mine, theirs)) in zip(got, s.summaries).enumerated() {
        #expect(mine.count == theirs.count && mine.validCount == theirs.n_valid, "label \(l + 1)")
        #expect(same(mine.mean, theirs.mean) && same(mine.sd, theirs.sd), "label \(l + 1)")
        #expect(same(mine.min, theirs.min) && same(mine.max, theirs.max), "label \(l + 1)")
        #expect(mine.quantiles?.count == theirs.quantiles?.count, "label \(l + 1)")
        for (a, b) in zip(mine.quantiles ?? [], theirs.quantiles ?? []) { #expect(same(a, b), "label \(l + 1)") }
    }
}
