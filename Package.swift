// swift-tools-version: 6.1
// lesionmtr — lesion MTR analysis for multiple sclerosis remyelination trials.
// Flow (README, Layout): CNifti → NIfTI → VoxelKernels → LesionMTR → lesionmtr, TrialStats beside;
// Raster (PNG through CNifti's libdeflate, for the QC report) sits beside NIfTI and feeds LesionMTR.
import Foundation
import PackageDescription

/// nifticlib's `nifti2_io.h` includes `<znzlib.h>` with angle brackets, so every Swift target that
/// (transitively) loads the CNifti module needs the header folder on the clang search path.
let niftiHeaders: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-I/usr/include/nifti"])]

/// The C libraries behind CNifti: shared by default; static archives (Debian ships them) when
/// `LESIONMTR_STATIC_C=1`, which `make dist` sets for a binary that runs on cluster nodes
/// without these packages.
let staticC = ProcessInfo.processInfo.environment["LESIONMTR_STATIC_C"] == "1"
let cLibraries = ["nifti2", "znz", "deflate", "z"]
let cLinking: [LinkerSetting] = staticC
    ? [.unsafeFlags(["-Xlinker", "-Bstatic"] + cLibraries.flatMap { ["-Xlinker", "-l\($0)"] } + ["-Xlinker", "-Bdynamic", "-lm"])]
    : cLibraries.map { .linkedLibrary($0) } + [.linkedLibrary("m")]

let package = Package(
    name: "lesionmtr",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lesionmtr", targets: ["lesionmtr"]),
        .library(name: "NIfTI", targets: ["NIfTI"]),
        .library(name: "VoxelKernels", targets: ["VoxelKernels"]),
        .library(name: "TrialStats", targets: ["TrialStats"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .systemLibrary(name: "CNifti", path: "Sources/CNifti"),
        .target(name: "NIfTI", dependencies: ["CNifti"], swiftSettings: niftiHeaders, linkerSettings: cLinking),
        .target(name: "VoxelKernels", dependencies: ["NIfTI"], swiftSettings: niftiHeaders),
        // PNG encoding/decoding: no image-format or domain words beyond pixels. Links libdeflate
        // itself (statically, it comes with NIfTI's archives).
        .target(name: "Raster", dependencies: ["CNifti"], swiftSettings: niftiHeaders,
                linkerSettings: staticC ? [] : [.linkedLibrary("deflate")]),
        .target(name: "LesionMTR", dependencies: ["NIfTI", "VoxelKernels", "Raster", "TrialStats"], swiftSettings: niftiHeaders),
        .target(name: "TrialStats"),
        .executableTarget(
            name: "lesionmtr",
            dependencies: [
                "NIfTI", "LesionMTR", "TrialStats",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: niftiHeaders),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TrialStatsTests", dependencies: ["TrialStats", "TestSupport"]),
        .testTarget(name: "NIfTITests", dependencies: ["NIfTI", "TestSupport"], swiftSettings: niftiHeaders),
        .testTarget(name: "LesionMTRTests", dependencies: ["LesionMTR", "NIfTI", "VoxelKernels", "Raster", "TestSupport"], swiftSettings: niftiHeaders),
        .testTarget(name: "RasterTests", dependencies: ["Raster"], swiftSettings: niftiHeaders),
        .testTarget(
            name: "lesionmtrTests", dependencies: ["lesionmtr", "LesionMTR", "NIfTI", "Raster", "TestSupport"], swiftSettings: niftiHeaders),
        .executableTarget(
            name: "VoxelKernelsBenchmarks",
            dependencies: ["VoxelKernels", "NIfTI", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/VoxelKernelsBenchmarks",
            swiftSettings: niftiHeaders,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "kernel-timer", dependencies: ["VoxelKernels", "NIfTI"], path: "Benchmarks/KernelTimer",
            swiftSettings: niftiHeaders),
        .testTarget(name: "VoxelKernelsTests", dependencies: ["VoxelKernels", "NIfTI", "TestSupport"], swiftSettings: niftiHeaders),
    ]
)
