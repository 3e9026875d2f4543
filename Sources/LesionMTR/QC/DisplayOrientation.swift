import Foundation
import NIfTI

/// How the voxel axes of a grid are shown on screen, from its affine (the sform if its code > 0,
/// else the qform, else `diag(pixdim)`).
///
/// Slices are planes of the voxel grid, never resampled, so every pixel shows exactly one voxel
/// and overlays sit on their voxels. Each world axis (x = patient's right, y = anterior,
/// z = superior: NIfTI's RAS+) is paired with the voxel axis that runs closest to it (greedy on
/// the largest direction cosine, as nibabel's `io_orientation`), with the direction along which
/// the world coordinate grows. Views follow the **neurological** convention:
/// - axial (a plane of constant z): the patient's left on the screen's left, anterior at the top;
/// - coronal (constant y): the patient's left on the left, superior at the top;
/// - sagittal (constant x): anterior on the left, superior at the top.
/// On an oblique grid the screen axes are the voxel axes nearest to these directions;
/// `obliquityDegrees` says by how much they deviate, and the edge labels name the nearest
/// anatomical direction of each screen direction, computed from the affine.
public struct DisplayOrientation: Sendable, Equatable {
    /// For each world axis (0 x, 1 y, 2 z): the voxel axis (0 i, 1 j, 2 k) that runs closest to it.
    public var voxelAxis: [Int]
    /// For each world axis: +1 if the world coordinate grows with the voxel index along `voxelAxis`, else −1.
    public var direction: [Int]
    /// The largest angle (degrees) between a voxel axis and the world axis it is paired with.
    public var obliquityDegrees: Double
    /// The voxel-to-world affine in use.
    public var affine: Affine

    public init(_ affine: Affine) {
        self.affine = affine
        // Direction cosines: columns of the 3×3 part, normalised.
        var cosines = [[Double]](repeating: [0, 0, 0], count: 3)  // [world][voxel]
        for c in 0..<3 {
            let length = (0..<3).map { affine[$0, c] * affine[$0, c] }.reduce(0, +).squareRoot()
            for r in 0..<3 { cosines[r][c] = length > 0 ? affine[r, c] / length : 0 }
        }
        var voxelAxis = [-1, -1, -1], direction = [1, 1, 1]
        var worst = 1.0
        for _ in 0..<3 {
            var best = (r: -1, c: -1, v: -1.0)
            for r in 0..<3 where voxelAxis[r] < 0 {
                for c in 0..<3 where !voxelAxis.contains(c) && abs(cosines[r][c]) > best.v {
                    best = (r, c, abs(cosines[r][c]))
                }
            }
            voxelAxis[best.r] = best.c
            direction[best.r] = cosines[best.r][best.c] < 0 ? -1 : 1
            worst = min(worst, best.v)
        }
        self.voxelAxis = voxelAxis
        self.direction = direction
        obliquityDegrees = acos(min(1, worst)) * 180 / .pi
    }

    /// The screen frame of `plane` on a grid of `dims`: which voxel axis runs along the screen's
    /// columns and rows, and in which sense.
    public func frame(_ plane: ViewPlane, dims: SIMD3<Int>) -> SliceFrame {
        // World axis and sense (+1: growing world coordinate) of screen-right and screen-down.
        let (right, down): ((Int, Int), (Int, Int))
        switch plane {
        case .axial: (right, down) = ((0, 1), (1, -1))
        case .coronal: (right, down) = ((0, 1), (2, -1))
        case .sagittal: (right, down) = ((1, -1), (2, -1))
        }
        let fixed = voxelAxis[plane.worldAxis]
        let column = voxelAxis[right.0], row = voxelAxis[down.0]
        let frame = SliceFrame(
            plane: plane, dims: dims, columnAxis: column, columnReversed: direction[right.0] != right.1,
            rowAxis: row, rowReversed: direction[down.0] != down.1, sliceAxis: fixed, affine: affine)
        return frame
    }
}

/// The three orthogonal views.
public enum ViewPlane: String, Sendable, CaseIterable {
    case axial, coronal, sagittal

    /// The world axis that is constant on this plane (z, y, x).
    var worldAxis: Int {
        switch self {
        case .axial: 2
        case .coronal: 1
        case .sagittal: 0
        }
    }
}

/// One view's mapping between screen positions and voxels: column `u` (left to right) and row
/// `v` (top to bottom) of the full, unzoomed slice `s` give voxel indices; and the anatomical
/// labels of the screen edges, from the affine.
public struct SliceFrame: Sendable, Equatable {
    public var plane: ViewPlane
    public var dims: SIMD3<Int>
    /// Voxel axis along the screen's columns; reversed: index `n − 1 − u`.
    public var columnAxis: Int
    public var columnReversed: Bool
    /// Voxel axis down the screen's rows; reversed: index `n − 1 − v`.
    public var rowAxis: Int
    public var rowReversed: Bool
    /// Voxel axis across slices.
    public var sliceAxis: Int
    public var affine: Affine

    /// Columns and rows of a full slice.
    public var width: Int { dims[columnAxis] }
    public var height: Int { dims[rowAxis] }
    /// Number of slices.
    public var sliceCount: Int { dims[sliceAxis] }

    /// Voxel indices (i, j, k) shown at column `u`, row `v` of slice `s`.
    public func voxel(u: Int, v: Int, slice s: Int) -> SIMD3<Int> {
        var ijk = SIMD3<Int>(0, 0, 0)
        ijk[columnAxis] = columnReversed ? dims[columnAxis] - 1 - u : u
        ijk[rowAxis] = rowReversed ? dims[rowAxis] - 1 - v : v
        ijk[sliceAxis] = s
        return ijk
    }

    /// The screen position (u, v) and slice of voxel `ijk`.
    public func screen(of ijk: SIMD3<Int>) -> (u: Int, v: Int, slice: Int) {
        let u = columnReversed ? dims[columnAxis] - 1 - ijk[columnAxis] : ijk[columnAxis]
        let v = rowReversed ? dims[rowAxis] - 1 - ijk[rowAxis] : ijk[rowAxis]
        return (u, v, ijk[sliceAxis])
    }

    /// Anatomical labels of the four screen edges (`R`, `L`, `A`, `P`, `S`, `I`): the nearest
    /// direction of the world vector pointing towards that edge, from the affine.
    public var labels: (left: String, right: String, top: String, bottom: String) {
        let toRight = worldStep(axis: columnAxis, reversed: columnReversed)
        let downward = worldStep(axis: rowAxis, reversed: rowReversed)
        return (Self.letter(-toRight), Self.letter(toRight), Self.letter(-downward), Self.letter(downward))
    }

    /// World displacement (mm) of one screen step along voxel `axis`.
    private func worldStep(axis: Int, reversed: Bool) -> SIMD3<Double> {
        let s: Double = reversed ? -1 : 1
        return SIMD3(affine[0, axis], affine[1, axis], affine[2, axis]) * s
    }

    /// The RAS letter of the largest component of `w`.
    static func letter(_ w: SIMD3<Double>) -> String {
        let a = SIMD3(abs(w.x), abs(w.y), abs(w.z))
        let axis = a.x >= a.y && a.x >= a.z ? 0 : a.y >= a.z ? 1 : 2
        return [["L", "R"], ["P", "A"], ["I", "S"]][axis][w[axis] < 0 ? 0 : 1]
    }
}
