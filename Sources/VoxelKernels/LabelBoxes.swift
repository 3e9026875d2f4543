import NIfTI

/// Bounding boxes of the non-zero labels of a label volume, found in one pass. Found once, they
/// can serve several per-object kernels over the same labels (`DistanceToOtherLabel`,
/// `LabelReach`).
///
/// - Complexity: O(N + L) time for N voxels and L distinct labels; O(L) memory (an array indexed
///   by label when ids are dense, a dictionary otherwise).
/// - Edge cases: no non-zero voxel gives no boxes; ids may be any non-zero Int32.
public struct LabelBoxes: Sendable {
    /// Distinct non-zero labels, ascending.
    public private(set) var labels: [Int32] = []
    /// `boxes[n]` bounds label `labels[n]` (upper bounds exclusive).
    public private(set) var boxes: [VoxelBox] = []

    /// The boxes of the labels of `volume`.
    public init(_ volume: Volume<Int32>) {
        self = volume.voxels.withUnsafeBufferPointer { LabelBoxes($0, dims: volume.grid.dims) }
    }

    init(_ voxels: UnsafeBufferPointer<Int32>, dims: SIMD3<Int>) {
        var maxLabel: Int32 = 0, minLabel: Int32 = 0
        for v in voxels {
            if v > maxLabel { maxLabel = v }
            if v < minLabel { minLabel = v }
        }
        let dense = minLabel >= 0 && Int(maxLabel) <= 4 * voxels.count + 1024
        var lower = [SIMD3<Int>](), upper = [SIMD3<Int>]()
        var slot = [Int32: Int]()
        var present = [Bool]()
        if dense {
            let n = Int(maxLabel) + 1
            lower = Array(repeating: SIMD3(repeating: Int.max), count: n)
            upper = Array(repeating: SIMD3(repeating: Int.min), count: n)
            present = Array(repeating: false, count: n)
        }
        var index = 0
        let base = voxels.baseAddress
        for z in 0 ..< dims.z {
            for y in 0 ..< dims.y {
                var x = 0
                while x < dims.x {
                    // Background runs are skipped eight voxels at a time.
                    if x + 8 <= dims.x, (0..<4).allSatisfy({ UnsafeRawPointer(base! + index).loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self) == 0 }) {
                        x += 8
                        index += 8
                        continue
                    }
                    defer {
                        x += 1
                        index += 1
                    }
                    let v = voxels[index]
                    if v == 0 { continue }
                    let s: Int
                    if dense {
                        s = Int(v)
                        present[s] = true
                    } else if let t = slot[v] {
                        s = t
                    } else {
                        s = lower.count
                        slot[v] = s
                        lower.append(SIMD3(repeating: Int.max))
                        upper.append(SIMD3(repeating: Int.min))
                    }
                    let p = SIMD3(x, y, z)
                    lower[s] = pointwiseMin(lower[s], p)
                    upper[s] = pointwiseMax(upper[s], p &+ 1)
                }
            }
        }
        if dense {
            for l in 1 ..< present.count where present[l] {
                labels.append(Int32(l))
                boxes.append(VoxelBox(lower: lower[l], upper: upper[l]))
            }
        } else {
            for (l, s) in slot.sorted(by: { $0.key < $1.key }) {
                labels.append(l)
                boxes.append(VoxelBox(lower: lower[s], upper: upper[s]))
            }
        }
    }
}
