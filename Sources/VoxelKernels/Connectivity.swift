/// Which voxels count as neighbours in a 3-D grid: those sharing a face (6), a face or an edge
/// (18), or a face, an edge or a corner (26). The raw value is the neighbour count.
public enum Connectivity: Int, Sendable, CaseIterable {
    /// Face neighbours: offsets with one non-zero coordinate.
    case six = 6
    /// Face and edge neighbours: offsets with one or two non-zero coordinates.
    case eighteen = 18
    /// Face, edge and corner neighbours: every offset in {−1, 0, 1}³ except the origin.
    case twentySix = 26

    /// Whether the offset (di, dj, dk), each in −1…1 and not all zero, is a neighbour.
    @inlinable
    public func includes(_ di: Int, _ dj: Int, _ dk: Int) -> Bool {
        let nonZero = (di != 0 ? 1 : 0) + (dj != 0 ? 1 : 0) + (dk != 0 ? 1 : 0)
        switch self {
        case .six: return nonZero == 1
        case .eighteen: return nonZero == 1 || nonZero == 2
        case .twentySix: return nonZero >= 1
        }
    }
}
