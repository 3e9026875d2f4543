// kernel-timer: times VoxelKernels on the 1 mm MNI anatomy for scripts/bench/kernels-vs-peers.
//
// Usage: kernel-timer ANATOMY_DIR [REPEATS]
// Prints one line per workload: `name<TAB>median_ms<TAB>min_ms`. The workloads mirror the peer
// runs in scripts/bench/kernels_peers.py exactly (same masks, spacing, labels, thread counts).
import Foundation
import NIfTI
import VoxelKernels

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: kernel-timer ANATOMY_DIR [REPEATS]\n".utf8))
    exit(64)
}
let directory = arguments[1]
let repeats = arguments.count > 2 ? Int(arguments[2]) ?? 7 : 7
let only = arguments.count > 3 ? arguments[3] : nil

func load(_ name: String) -> Volume<Float> {
    do { return try NIfTIReader.readFloat(at: "\(directory)/\(name).nii.gz") } catch {
        FileHandle.standardError.write(Data("kernel-timer: \(error)\n".utf8))
        exit(66)
    }
}

let wm = load("wm"), gm = load("gm"), t1 = load("t1")
let wm50 = wm.map { $0 > 127 ? UInt8(1) : 0 }
let gm50 = gm.map { $0 > 127 ? UInt8(1) : 0 }
/// The anisotropic EDT workload: WM > 50 % on a 0.9 × 1.1 × 2.0 mm grid; distance of every voxel
/// to the nearest non-WM voxel (what `edt.edt(wm50, anisotropy=…)` computes for WM voxels).
var anisotropic = wm50.map { $0 == 0 ? UInt8(1) : 0 }
anisotropic.grid.spacing = SIMD3(0.9, 1.1, 2.0)
let gmLabels = ConnectedComponents.label(gm50, connectivity: .twentySix).labels
let values = t1.voxels
let probabilities = [0.1, 0.25, 0.5, 0.75, 0.9]

func time(_ name: String, _ body: () -> Int) {
    if let only, !name.hasPrefix(only) { return }
    var samples = [Double]()
    var sink = 0
    for _ in 0 ..< repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        sink &+= body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    samples.sort()
    print("\(name)\t\(String(format: "%.3f", samples[samples.count / 2]))\t\(String(format: "%.3f", samples[0]))\t\(sink % 10)")
}

time("label26_wm50") { ConnectedComponents.label(wm50, connectivity: .twentySix).count }
time("label26_gm50") { ConnectedComponents.label(gm50, connectivity: .twentySix).count }
time("label6_gm50") { ConnectedComponents.label(gm50, connectivity: .six).count }
time("label18_gm50") { ConnectedComponents.label(gm50, connectivity: .eighteen).count }
time("edt_aniso_1t") { EuclideanDistance.distances(to: anisotropic, threads: 1).count }
time("edt_aniso_2t") { EuclideanDistance.distances(to: anisotropic, threads: 2).count }
time("cityblock3_1t") { CityBlockDistance.distances(to: wm50, bound: 3, threads: 1).count }
time("erode2_1t") { Morphology.erode(wm50, steps: 2, threads: 1).voxels.count }
time("nearest_steps2_1t") { NearestLabel.assign(gmLabels, withinSteps: 2, threads: 1).voxels.count }
time("nearest_mm2_1t") { NearestLabel.assign(gmLabels, withinRadius: 2, threads: 1).voxels.count }
time("other_label_steps1_1t") { DistanceToOtherLabel.steps(gmLabels, bound: 1, threads: 1).count }
time("other_label_mm_1t") { DistanceToOtherLabel.millimetres(gmLabels, threads: 1).count }
time("stats_quantiles_1t") {
    LabelStatistics.summarize(values, labels: gmLabels.voxels, probabilities: probabilities, threads: 1).count
}
