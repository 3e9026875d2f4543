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

@Test("a distance transform helped through JoinableWork gives the result it gives alone, bit for bit")
func joinableWorkHelperTakesChunks() {
    var rng = SeededGenerator(seed: 5)
    let dims = SIMD3(40, 30, 20)
    let mask = (0 ..< dims.x * dims.y * dims.z).map { _ in UInt8(Double.random(in: 0 ..< 1, using: &rng) < 0.02 ? 1 : 0) }
    let voxels = Array(stride(from: 3, to: mask.count, by: 7))
    let spacing = SIMD3(0.9, 1.1, 2.0)
    let alone = EuclideanDistance.transform(mask, dims: dims, spacing: spacing, at: voxels, threads: 1)
    let help = JoinableWork()
    let (joined, _) = concurrently(true) { () -> [Double] in
        defer { help.close() }
        return EuclideanDistance.transform(mask, dims: dims, spacing: spacing, at: voxels, threads: 1, joinable: help)
    } and: {
        help.help()
    }
    #expect(joined.map(\.bitPattern) == alone.map(\.bitPattern))
}

@Test("help() returns at once after close(), with no kernel open")
func joinableWorkHelpAfterClose() {
    let help = JoinableWork()
    help.close()
    help.help()  // must not wait
    var calls = 0
    parallelChunks(10, threads: 1, joinable: help, state: { () }) { _, range in calls += range.count }
    #expect(calls == 10)
}

@Test("a helper that arrives while a kernel runs takes some of its chunks, each chunk run once")
func joinableWorkSharesChunks() {
    let help = JoinableWork()
    let owner = pthread_self()
    let runs = UnsafeMutableBufferPointer<Int>.allocate(capacity: 40)
    let byHelper = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 40)
    runs.initialize(repeating: 0)
    byHelper.initialize(repeating: false)
    defer { runs.deallocate(); byHelper.deallocate() }
    let shared = UnsafeSendable((runs, byHelper))
    _ = concurrently(true) {
        defer { help.close() }
        // One worker of its own; 40 chunks of 2 ms leave the helper time to arrive.
        parallelChunks(40, threads: 1, joinable: help, state: { () }) { _, range in
            for n in range {
                shared.value.0[n] += 1
                shared.value.1[n] = pthread_equal(pthread_self(), owner) == 0
            }
            usleep(2000)
        }
    } and: {
        help.help()
    }
    #expect(runs.allSatisfy { $0 == 1 })
    #expect(byHelper.contains(true) && byHelper.contains(false))
}
