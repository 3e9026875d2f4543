// Benchmarks of every VoxelKernels kernel on the 1 mm MNI anatomy (sample-data/anatomy,
// 197 × 233 × 189). Run: `swift package --scratch-path .build-kernels benchmark --target
// VoxelKernelsBenchmarks` (release). Peers on the same inputs: scripts/bench/kernels-vs-peers.
import Benchmark
import Foundation
import NIfTI
import VoxelKernels

/// Inputs shared by every benchmark, loaded once.
struct Anatomy: @unchecked Sendable {
    let wm50: Volume<UInt8>
    let gm50: Volume<UInt8>
    let anisotropic: Volume<UInt8>
    let gmLabels: Volume<Int32>
    let t1: [Float]
    /// WM > 50 % voxels, ascending: where the distance to GM is wanted (the shape of the
    /// distance to CSF at white-matter voxels).
    let wmList: [Int]

    static let shared: Anatomy = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sample-data/anatomy").path
        func load(_ name: String) -> Volume<Float> { try! NIfTIReader.readFloat(at: "\(root)/\(name).nii.gz") }
        let wm50 = load("wm").map { $0 > 127 ? UInt8(1) : 0 }
        let gm50 = load("gm").map { $0 > 127 ? UInt8(1) : 0 }
        var anisotropic = wm50.map { $0 == 0 ? UInt8(1) : 0 }
        anisotropic.grid.spacing = SIMD3(0.9, 1.1, 2.0)
        return Anatomy(
            wm50: wm50, gm50: gm50, anisotropic: anisotropic,
            gmLabels: ConnectedComponents.label(gm50).labels, t1: load("t1").voxels,
            wmList: wm50.voxels.indices.filter { wm50.voxels[$0] > 0 })
    }()
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(3),
        maxIterations: 30)
    let a = Anatomy.shared
    for connectivity in Connectivity.allCases {
        Benchmark("label \(connectivity.rawValue) GM>50%") { benchmark in
            blackHole(ConnectedComponents.label(a.gm50, connectivity: connectivity))
        }
    }
    Benchmark("label 26 WM>50%") { _ in blackHole(ConnectedComponents.label(a.wm50)) }
    for threads in [1, 2] {
        Benchmark("EDT anisotropic, \(threads) thread(s)") { _ in
            blackHole(EuclideanDistance.distances(to: a.anisotropic, threads: threads))
        }
    }
    // Distance to GM at WM voxels only: the full transform restricted with `wanted:` against
    // the transform at the listed voxels (same values).
    for threads in [1, 2] {
        Benchmark("EDT WM→GM, full grid with wanted:, \(threads) thread(s)") { _ in
            blackHole(EuclideanDistance.transform(
                a.gm50.voxels, dims: a.gm50.grid.dims, spacing: a.gm50.grid.spacing, wanted: a.wm50.voxels,
                threads: threads))
        }
        Benchmark("EDT WM→GM, at WM voxels, \(threads) thread(s)") { _ in
            blackHole(EuclideanDistance.transform(
                a.gm50.voxels, dims: a.gm50.grid.dims, spacing: a.gm50.grid.spacing, at: a.wmList, threads: threads))
        }
    }
    Benchmark("EDT squared (Double), 1 thread") { _ in
        blackHole(EuclideanDistance.squaredDistances(to: a.anisotropic, threads: 1))
    }
    Benchmark("city-block distance ≤ 3, 1 thread") { _ in
        blackHole(CityBlockDistance.distances(to: a.wm50, bound: 3, threads: 1))
    }
    Benchmark("erode 2 steps, 1 thread") { _ in blackHole(Morphology.erode(a.wm50, steps: 2, threads: 1)) }
    Benchmark("erode 2 mm, 1 thread") { _ in blackHole(Morphology.erode(a.wm50, radius: 2, threads: 1)) }
    Benchmark("nearest label ≤ 2 steps, 1 thread") { _ in
        blackHole(NearestLabel.assign(a.gmLabels, withinSteps: 2, threads: 1))
    }
    Benchmark("nearest label ≤ 2 mm, 1 thread") { _ in
        blackHole(NearestLabel.assign(a.gmLabels, withinRadius: 2, threads: 1))
    }
    Benchmark("distance to other label, steps ≤ 1, 1 thread") { _ in
        blackHole(DistanceToOtherLabel.steps(a.gmLabels, bound: 1, threads: 1))
    }
    Benchmark("distance to other label, mm, 1 thread") { _ in
        blackHole(DistanceToOtherLabel.millimetres(a.gmLabels, threads: 1))
    }
    Benchmark("label statistics + 5 quantiles, 1 thread") { _ in
        blackHole(LabelStatistics.summarize(
            a.t1, labels: a.gmLabels.voxels, probabilities: [0.1, 0.25, 0.5, 0.75, 0.9], threads: 1))
    }
}
