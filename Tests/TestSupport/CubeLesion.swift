/// A lesion whose components are known by construction: the 5×5×5 cube of voxels 8…12 on each
/// axis (as one binary lesion in a brain of white matter, with the default rim width 1 and
/// perilesional width 2 in voxel units). Its core is 9…11 on each axis (27 voxels), its rim the
/// rest of the cube (98), its perilesional shell the voxels outside within city-block distance 2.
public enum CubeLesion {
    /// The component code of voxel `p` (0 none, 1 core, 2 rim, 3 perilesional — the codes of
    /// `ComponentCode` and of `components.nii.gz`).
    public static func component(_ p: SIMD3<Int>) -> UInt8 {
        let inCube = (0..<3).allSatisfy { (8...12).contains(p[$0]) }
        if inCube { return (0..<3).allSatisfy { (9...11).contains(p[$0]) } ? 1 : 2 }
        let outside = (0..<3).map { max(0, 8 - p[$0], p[$0] - 12) }.reduce(0, +)
        return outside <= 2 ? 3 : 0
    }
}
