/// A tissue segmentation held in one byte per voxel (`NIfTIReader.readLabelCodes`): each
/// voxel's code indexes `labels`, the distinct label values of the image. Code 0 is label 0,
/// background; at most 255 distinct labels (0 included), which any tissue segmentation meets.
public struct TissueImage: Sendable {
    /// One code per voxel, in storage order.
    public var codes: [UInt8]
    /// The label of each code; `labels[0] == 0`.
    public var labels: [Int32]

    public init(codes: [UInt8], labels: [Int32]) {
        precondition(labels.first == 0 && labels.count <= 255, "labels must start with 0, at most 255 of them")
        self.codes = codes
        self.labels = labels
    }

    /// The label of voxel `v` (storage index).
    @inline(__always)
    public subscript(_ v: Int) -> Int32 { labels[Int(codes[v])] }

    /// The code of `label`; for a label no voxel has, a code no voxel has (`labels.count`).
    public func code(of label: Int32) -> UInt8 {
        UInt8(labels.firstIndex(of: label) ?? labels.count)
    }

    /// Each voxel's label as Float (for drawing).
    public var floatLabels: [Float] {
        let values = labels.map(Float.init)
        return codes.map { values[Int($0)] }
    }
}
