import Foundation
import NIfTI
import Testing
@testable import VoxelKernels

@Test("concurrently returns both results, and a threaded kernel inside one side gives what it gives alone")
func concurrentlyRunsBothSides() {
    var rng = SeededGenerator(seed: 7)
    let labels = randomLabels(SIMD3(14, 12, 9), density: 0.05, ids: 6, using: &rng)
    let alone = DistanceToOtherLabel.steps(labels, bound: 3, threads: 2)
    let (a, b) = concurrently(true) {
        DistanceToOtherLabel.steps(labels, bound: 3, threads: 2)
    } and: {
        (0..<1000).reduce(0, +)
    }
    #expect(a == alone)
    #expect(b == 499_500)
}

@Test("parallelChunks hands every chunk out exactly once, whatever the thread count")
func parallelChunksCoversEachChunkOnce() {
    for threads in [1, 2, 5] {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 103)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        let shared = UnsafeSendable(counts)
        parallelChunks(103, threads: threads, grain: 10) { range in
            for n in range { shared.value[n] += 1 }
        }
        #expect(counts.allSatisfy { $0 == 1 }, "threads \(threads)")
    }
}

@Test("Handoff: take waits for put, and every take gets the value")
func handoffWaitsForPut() {
    let handoff = Handoff<[Int]>()
    let (taken, _) = concurrently(true) { () -> [[Int]] in
        [handoff.take(), handoff.take()]
    } and: {
        Thread.sleep(forTimeInterval: 0.05)
        handoff.put([1, 2, 3])
    }
    #expect(taken == [[1, 2, 3], [1, 2, 3]])
}

@Test("visiting steps calls once per labelled voxel with the value steps gives, and never for background")
func visitStepsMatchesSteps() {
    var rng = SeededGenerator(seed: 11)
    let labels = randomLabels(SIMD3(12, 10, 8), density: 0.06, ids: 5, using: &rng)
    let expected = DistanceToOtherLabel.steps(labels, bound: 2, threads: 1)
    let seen = UnsafeMutableBufferPointer<Int32>.allocate(capacity: labels.voxels.count)
    let calls = UnsafeMutableBufferPointer<Int>.allocate(capacity: labels.voxels.count)
    seen.initialize(repeating: 0)
    calls.initialize(repeating: 0)
    defer { seen.deallocate(); calls.deallocate() }
    let shared = UnsafeSendable((seen, calls))
    DistanceToOtherLabel.visitSteps(labels, bound: 2, threads: 2) { v, d in
        shared.value.0[v] = d
        shared.value.1[v] += 1
    }
    for v in labels.voxels.indices {
        #expect(calls[v] == (labels.voxels[v] > 0 ? 1 : 0), "voxel \(v)")
        #expect(seen[v] == expected[v], "voxel \(v)")
    }
}
