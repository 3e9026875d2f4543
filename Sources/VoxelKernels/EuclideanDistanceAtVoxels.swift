import NIfTI

extension EuclideanDistance {
    /// Distances (mm, or mm² with `squared`) from each voxel of `voxels` (grid storage indices,
    /// ascending, i fastest) to the nearest voxel of `mask` that is > 0; +∞ when there is none.
    /// Values are bit-identical to `transform(mask, dims:spacing:squared:)` at those voxels.
    ///
    /// Only what those voxels need is computed, and no grid-sized array is allocated:
    /// 1. The work box bounds the feature voxels and the listed ones. Outside it there is no
    ///    feature, so cutting the grid to it changes no distance inside it (the parabolas keep
    ///    their grid coordinates, so the arithmetic is the same to the bit).
    /// 2. Passes i and j run one k-slice at a time in a per-thread plane of the box's
    ///    nx × ny voxels; pass j only on the i-lines that hold a listed column, and only the W
    ///    columns (i, j) that hold a listed voxel are kept: a column store of W × nz Doubles,
    ///    slice-major (`[k·W + column]`).
    /// 3. Pass k enveloped along each kept column, in blocks of adjacent columns.
    /// 4. The result is read from the store in the order of `voxels`.
    /// Each line is computed by one thread with the same arithmetic, so the result does not
    /// depend on `threads`.
    ///
    /// - Parameters:
    ///   - mask: `dims` voxels in storage order; > 0 is a feature.
    ///   - spacing: voxel size in mm along i, j, k.
    ///   - voxels: the voxels wanted, ascending storage indices (repeats allowed).
    ///   - squared: squared distances (mm²) instead of distances (mm).
    ///   - threads: worker threads (results do not depend on it).
    /// - Returns: one value per entry of `voxels`, in the same order.
    /// - Complexity: O(N) to find the features' box, then O(B) for the B voxels of the work
    ///   box (passes i, j) and O(W·nz + V) for pass k and the V listed voxels. Memory: the
    ///   W × nz column store, a plane of the box per thread, O(nx·ny) column tables and the
    ///   result.
    /// - Edge cases: no listed voxel gives `[]`; no feature gives +∞ everywhere.
    /// - Precondition: `mask.count` is the product of `dims`; `voxels` ascends and lies in the
    ///   grid.
    public static func transform(
        _ mask: [UInt8], dims: SIMD3<Int>, spacing: SIMD3<Double>, at voxels: [Int], squared: Bool = false,
        threads: Int = defaultThreadCount
    ) -> [Double] {
        precondition(all(dims .>= 0) && mask.count == dims.x * dims.y * dims.z, "mask size \(mask.count) ≠ dims \(dims)")
        return mask.withUnsafeBufferPointer { m in
            voxels.withUnsafeBufferPointer { v in
                edtAtVoxels(m, dims: dims, spacing: spacing, voxels: v, squared: squared, threads: threads)
            }
        }
    }
}

/// The kernel of `EuclideanDistance.transform(_:dims:spacing:at:squared:threads:)`.
func edtAtVoxels(
    _ mask: UnsafeBufferPointer<UInt8>, dims: SIMD3<Int>, spacing: SIMD3<Double>, voxels: UnsafeBufferPointer<Int>,
    squared: Bool, threads: Int
) -> [Double] {
    guard !voxels.isEmpty else { return [] }
    let wanted = VoxelColumns(voxels, dims: dims)  // checks the list
    guard let input = mask.baseAddress else { return [] }  // unreachable: the list lies in the grid
    let features = NonZeroBounds(input, dims: dims, threads: threads)
    guard let featureBox = features.box else { return [Double](hugePageBacked: voxels.count, repeating: .infinity) }
    let box = VoxelBox(lower: pointwiseMin(featureBox.lower, wanted.box.lower),
                       upper: pointwiseMax(featureBox.upper, wanted.box.upper))
    let lo = box.lower, nx = box.dims.x, ny = box.dims.y, nz = box.dims.z
    let gx = dims.x, gxy = dims.x * dims.y
    let w = wanted.count
    let s2 = spacing * spacing

    // Per kept column: its voxel in the plane of the box; per i-line of the plane: whether it
    // holds a kept column.
    var plane = [Int32](repeating: 0, count: w)
    var iLines = [Bool](repeating: false, count: nx)
    for c in 0 ..< w {
        let column = Int(wanted.columns[c])
        let x = column % gx - lo.x, y = column / gx - lo.y
        plane[c] = Int32(x + nx * y)
        iLines[x] = true
    }

    let store = [Double](hugePageBacked: w * nz) { storeBuffer in
        let st = UnsafeSendable(storeBuffer.baseAddress!)
        plane.withUnsafeBufferPointer { plane in
            iLines.withUnsafeBufferPointer { iLines in
                // Passes i and j, a k-slice at a time in the thread's plane, then the kept columns
                // copied to the store. A slice without features is +∞ throughout.
                parallelChunks(nz, threads: threads, state: { ([Double](repeating: 0, count: nx * ny), EnvelopeScratch(ny)) }) {
                    state, slices in
                    let scratch = state.1
                    state.0.withUnsafeMutableBufferPointer { f in
                        let f = f.baseAddress!
                        for z in slices {
                            let kept = st.value + z * w
                            guard features.slices[lo.z + z] else {
                                kept.initialize(repeating: .infinity, count: w)
                                continue
                            }
                            let slice = input + lo.x + gx * lo.y + gxy * (lo.z + z)
                            for y in 0 ..< ny { rowPass(slice + y * gx, f + y * nx, nx, s2.x, false) }
                            linesPass(f, lines: nx, n: ny, stride: nx, s2: s2.y, border: false, root: false,
                                      wanted: iLines.baseAddress, origin: lo.y, scratch)
                            for c in 0 ..< w { kept[c] = f[Int(plane[c])] }
                        }
                    }
                }
            }
        }
        // Pass k along each kept column, in blocks of adjacent columns.
        parallelChunks(w, threads: threads, grain: 4 * EnvelopeScratch.block, state: { EnvelopeScratch(nz) }) {
            scratch, columns in
            linesPass(st.value + columns.lowerBound, lines: columns.count, n: nz, stride: w, s2: s2.z, border: false,
                      root: !squared, wanted: nil, origin: lo.z, scratch)
        }
    }

    // Each listed voxel's value, read from its column at its slice.
    return [Double](hugePageBacked: voxels.count) { out in
        let o = UnsafeSendable(out.baseAddress!)
        store.withUnsafeBufferPointer { store in
            wanted.rank.withUnsafeBufferPointer { rank in
                parallelChunks(voxels.count, threads: threads, grain: 1 << 14) { range in
                    VoxelColumns.walk(voxels, range, dims: dims) { n, k, column in
                        o.value[n] = store[(k - lo.z) * w + Int(rank[column])]
                    }
                }
            }
        }
    }
}
