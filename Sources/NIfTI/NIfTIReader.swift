import CNifti
import Foundation

/// Reading NIfTI-1 / NIfTI-2 images (`.nii`, `.nii.gz`, `.hdr/.img`, `.hdr.gz/.img.gz`, either
/// byte order) into `Volume`s, with every failure a `NIfTIError` naming the file.
///
/// Only 3-D images are read (a 4-D file whose extra dimensions are all 1 is fine). Sizes are
/// checked against the file before anything is allocated, so a header that claims 2^40 voxels
/// is refused, not trusted. ANALYZE 7.5 files (no orientation) are refused.
public enum NIfTIReader {
    /// The most voxels one image may have (2^31: 8 GiB as Float32).
    public static let maxVoxels = 1 << 31

    /// The header of `path`, checked to describe a readable 3-D image, and its grid.
    public static func header(at path: String) throws(NIfTIError) -> (header: NIfTIHeader, grid: Grid) {
        try FileBytes.requireRegularFile(path)
        guard let header = NiftiLibrary.readHeader(path: path) else { throw whyNoHeader(path) }
        return (header, try checkedGrid(header, path: path))
    }

    /// The image at `path` as Float32, scaled by `scl_slope`/`scl_inter` (a slope of 0 or not
    /// finite means no scaling). NaN and ±Inf are kept as stored.
    public static func readFloat(at path: String) throws(NIfTIError) -> Volume<Float> {
        try readFloatWithHeader(at: path).volume
    }

    /// As `readFloat`, also returning the header (for `lesionmtr info`).
    public static func readFloatWithHeader(at path: String) throws(NIfTIError) -> (header: NIfTIHeader, volume: Volume<Float>) {
        let (header, grid) = try header(at: path)
        if let voxels = try inflatedFloat32(header, grid: grid, path: path) {
            return (header, Volume(grid: grid, voxels: voxels))
        }
        let voxels = try withPayload(header, grid: grid, path: path) { raw, dataType, swapped in
            VoxelDecoder.floats(raw, dataType: dataType, count: grid.voxelCount, swapped: swapped, scaling: header.scaling)
        }
        return (header, Volume(grid: grid, voxels: voxels))
    }

    /// Calls `body` with the grid and the voxels of the image at `path` as Float32, as
    /// `readFloat` gives them, valid only during the call. An unscaled native Float32 `.nii.gz`
    /// is handed over where it was inflated (no copy); any other file is decoded first.
    /// - Parameter buffer: where to inflate; reused across calls (one per thread), so that
    ///   reading several images holds and touches one payload's memory (default: a new one).
    public static func withFloatVoxels<R>(at path: String, buffer: PayloadBuffer = PayloadBuffer(),
                                          _ body: (Grid, UnsafeBufferPointer<Float>) -> R) throws(NIfTIError) -> R {
        let (header, grid) = try header(at: path)
        let offset = header.dataOffset
        if isInflatableFloat32(header), offset % MemoryLayout<Float>.alignment == 0 {
            let count = grid.voxelCount
            let needed = try payloadEnd(header, dataBytes: count * 4, path: path)
            let compressed = try compressedPayload(header, needed: needed, path: path)
            let raw = buffer.bytes(needed)
            if let failure = compressed.withUnsafeBytes({ Deflate.gunzipPrefix($0, into: raw) }) {
                throw inflateError(failure, needed: needed, dataType: .float32, path: path)
            }
            let voxels = (raw.baseAddress! + offset).bindMemory(to: Float.self, capacity: count)
            return body(grid, UnsafeBufferPointer(start: voxels, count: count))
        }
        let volume = try readFloat(at: path)
        return volume.voxels.withUnsafeBufferPointer { body(grid, $0) }
    }

    /// The image at `path` as a binary mask — 1 where the value (scaled as by `readFloat`) is
    /// > 0, else 0 (NaN and −∞ too) — without holding it as Float32, and what its positive
    /// values look like.
    public static func readMask(at path: String) throws(NIfTIError) -> (mask: Volume<UInt8>, positives: PositiveValues) {
        let (header, grid) = try header(at: path)
        if var bytes = try inflatedBytes(header, grid: grid, path: path) {
            let count = bytes.count
            let positives = bytes.withUnsafeMutableBufferPointer { VoxelDecoder.byteMask($0.baseAddress!, into: $0.baseAddress!, count: count) }
            return (Volume(grid: grid, voxels: bytes), positives)
        }
        let (mask, positives) = try withPayload(header, grid: grid, path: path) { raw, dataType, swapped in
            VoxelDecoder.mask(raw, dataType: dataType, count: grid.voxelCount, swapped: swapped, scaling: header.scaling)
        }
        return (Volume(grid: grid, voxels: mask), positives)
    }

    /// The image at `path` as integer labels: scaled values rounded to the nearest integer.
    /// Fails (`badLabels`) on a NaN/±Inf value, one outside the Int32 range, or one farther than
    /// 1e-3 from an integer (a probability map or a resampled image is not a label image).
    public static func readLabels(at path: String) throws(NIfTIError) -> Volume<Int32> {
        let (header, grid) = try header(at: path)
        let result = try withPayload(header, grid: grid, path: path) { raw, dataType, swapped in
            VoxelDecoder.labels(raw, dataType: dataType, count: grid.voxelCount, swapped: swapped, scaling: header.scaling)
        }
        switch result {
        case .success(let voxels):
            return Volume(grid: grid, voxels: voxels)
        case .failure(let bad):
            throw notLabelError(bad, grid: grid, path: path)
        }
    }

    /// The image at `path` as labels, rounded and checked as by `readLabels`, held in one byte
    /// per voxel: `codes` index `labels`, the distinct labels (label 0 is always code 0, the
    /// others in order of first appearance). Fails (`badLabels`) as `readLabels` does, or when
    /// the image has more than 254 distinct labels besides 0 (not a tissue segmentation).
    public static func readLabelCodes(at path: String) throws(NIfTIError) -> (codes: Volume<UInt8>, labels: [Int32]) {
        let (header, grid) = try header(at: path)
        let result: Result<(codes: [UInt8], labels: [Int32]), VoxelDecoder.CodeFailure>
        if var bytes = try inflatedBytes(header, grid: grid, path: path) {
            let count = bytes.count
            let labels = bytes.withUnsafeMutableBufferPointer { VoxelDecoder.byteCodes($0.baseAddress!, into: $0.baseAddress!, count: count) }
            result = labels.map { (bytes, $0) }
        } else {
            result = try withPayload(header, grid: grid, path: path) { raw, dataType, swapped in
                VoxelDecoder.labelCodes(raw, dataType: dataType, count: grid.voxelCount, swapped: swapped, scaling: header.scaling)
            }
        }
        switch result {
        case .success(let (codes, labels)):
            return (Volume(grid: grid, voxels: codes), labels)
        case .failure(.notLabel(let bad)):
            throw notLabelError(bad, grid: grid, path: path)
        case .failure(.tooManyLabels(let index)):
            let d = grid.dims
            throw NIfTIError(.badLabels, path: path, reason: "more than \(VoxelDecoder.maxCodedLabels - 1) distinct labels besides 0 "
                + "(the next at voxel (\(index % d.x), \(index / d.x % d.y), \(index / (d.x * d.y)))): not a tissue segmentation")
        }
    }

    /// The error for a voxel whose value is not a label.
    private static func notLabelError(_ bad: VoxelDecoder.LabelFailure, grid: Grid, path: String) -> NIfTIError {
        let i = bad.index % grid.dims.x, j = bad.index / grid.dims.x % grid.dims.y, k = bad.index / (grid.dims.x * grid.dims.y)
        return NIfTIError(.badLabels, path: path, reason: "label value \(bad.value) at voxel (\(i), \(j), \(k)) is not an integer that fits in 32 bits (not a label image?)")
    }

    // MARK: - Checks

    /// Explains why nifticlib found no usable header at `path`.
    static func whyNoHeader(_ path: String) -> NIfTIError {
        let fd = open(path, O_RDONLY)
        if fd < 0 { return FileBytes.openError(path, errno) }
        close(fd)
        if let raw = NiftiLibrary.unvalidatedDims(path: path) {
            if let reason = dimsProblem(raw.dim) { return NIfTIError(.impossibleDims, path: path, reason: reason) }
            guard let type = DataType(rawValue: raw.datatypeCode) else {
                return NIfTIError(.unsupportedDatatype, path: path, reason: "unknown datatype code \(raw.datatypeCode)")
            }
            if type.bytesPerVoxel == 0 {
                return NIfTIError(.unsupportedDatatype, path: path, reason: "datatype \(type) is not supported (real scalar types only)")
            }
        }
        if FileBytes.isGzip(path), case .failure = gzipIntegrity(path) {
            return NIfTIError(.truncated, path: path, reason: "gzip stream is corrupt or truncated")
        }
        if FileBytes.size(of: path) == 0 { return NIfTIError(.notNIfTI, path: path, reason: "empty file, not a NIfTI image") }
        return NIfTIError(.notNIfTI, path: path, reason: "not a NIfTI-1 or NIfTI-2 image (bad header size or magic)")
    }

    /// What is wrong with `dim[0…7]`, or nil if it can describe an image.
    static func dimsProblem(_ dim: [Int64]) -> String? {
        guard (1...7).contains(dim[0]) else { return "dim[0] = \(dim[0]) (number of dimensions must be 1 to 7)" }
        for d in 1...Int(dim[0]) where dim[d] < 1 {
            return "dim[\(d)] = \(dim[d]) (every dimension must be at least 1)"
        }
        return nil
    }

    /// The grid of a header, or the reason it cannot be a 3-D image lesionmtr reads.
    static func checkedGrid(_ h: NIfTIHeader, path: String) throws(NIfTIError) -> Grid {
        if let reason = dimsProblem(h.dim) { throw NIfTIError(.impossibleDims, path: path, reason: reason) }
        let n = Int(h.dim[0])
        let dims = SIMD3<Int>((1...3).map { $0 <= n ? Int(h.dim[$0]) : 1 })
        if h.volumeCount > 1 {
            throw NIfTIError(.multipleVolumes, path: path, reason: "\(n)-D image with \(h.volumeCount) volumes; lesionmtr reads one 3-D volume per file")
        }
        // NIfTI-2 dims are 64-bit: multiply with overflow checks before comparing.
        let (xy, overflowXY) = dims.x.multipliedReportingOverflow(by: dims.y)
        let (count, overflow) = xy.multipliedReportingOverflow(by: dims.z)
        if overflowXY || overflow || count > maxVoxels {
            throw NIfTIError(.impossibleDims, path: path, reason: "dims \(formatDims(dims)) give more than 2^31 voxels")
        }
        guard let dataType = h.dataType else {
            throw NIfTIError(.unsupportedDatatype, path: path, reason: "unknown datatype code \(h.datatypeCode)")
        }
        guard dataType.isReadable else {
            throw NIfTIError(.unsupportedDatatype, path: path, reason: "datatype \(dataType) is not supported (real scalar types only)")
        }
        let spacing = SIMD3(abs(h.pixdim[1]), abs(h.pixdim[2]), abs(h.pixdim[3]))
        for a in 0..<3 where !(spacing[a].isFinite && spacing[a] > 0) {
            throw NIfTIError(.badGeometry, path: path, reason: "voxel size pixdim[\(a + 1)] = \(h.pixdim[a + 1]) (must be finite and > 0)")
        }
        let grid = Grid(dims: dims, spacing: spacing, qform: h.qform, sform: h.sform)
        let m = grid.affine.matrix
        guard m.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw NIfTIError(.badGeometry, path: path, reason: "voxel-to-world transform is not finite")
        }
        let det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        guard abs(det) > 1e-12 else {
            throw NIfTIError(.badGeometry, path: path, reason: "voxel-to-world transform is singular")
        }
        return grid
    }

    // MARK: - Payload

    /// Reads the data file of `h`, inflating it if compressed, checks it holds every voxel, and
    /// hands the voxel bytes to `body`.
    static func withPayload<R>(
        _ h: NIfTIHeader, grid: Grid, path: String,
        _ body: (UnsafeRawBufferPointer, DataType, Bool) -> R
    ) throws(NIfTIError) -> R {
        let dataType = h.dataType!
        let dataBytes = grid.voxelCount * dataType.bytesPerVoxel
        let needed = try payloadEnd(h, dataBytes: dataBytes, path: path)
        let swapped = h.isBigEndian != (1.bigEndian == 1)
        let file = h.dataPath
        // Compressed or not is decided by the gzip magic bytes, not the name: zlib (and so FSL,
        // nibabel, nifticlib) reads an uncompressed file named .nii.gz transparently.
        if FileBytes.isGzip(file) {
            let compressed = try compressedPayload(h, needed: needed, path: path)
            switch compressed.withUnsafeBytes({ Deflate.gunzipPrefix($0, count: needed) }) {
            case .success(let bytes):
                return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[h.dataOffset...]), dataType, swapped) }
            case .failure(let failure):
                throw inflateError(failure, needed: needed, dataType: dataType, path: path)
            }
        }
        guard let onDisk = FileBytes.size(of: file) else { throw FileBytes.openError(file, errno) }
        guard onDisk >= needed else {
            throw NIfTIError(.truncated, path: path, reason: "file has \(onDisk) bytes, the header needs \(needed) (offset + voxels × \(dataType.bytesPerVoxel) bytes)")
        }
        let bytes = try FileBytes.read(file)
        return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[h.dataOffset..<needed]), dataType, swapped) }
    }

    /// The voxels of an unscaled, native-order Float32 `.nii.gz` (the usual MTR or T1 map),
    /// inflated straight into the array that is returned: no separate payload buffer, no copy
    /// but one `memmove` past the header. nil for any other kind of file.
    static func inflatedFloat32(_ h: NIfTIHeader, grid: Grid, path: String) throws(NIfTIError) -> [Float]? {
        guard isInflatableFloat32(h) else { return nil }
        return try inflated(h, grid: grid, path: path, as: Float.self)
    }

    /// The voxels of an unscaled UInt8 `.nii.gz` (the usual mask or segmentation), inflated
    /// straight into the array that is returned, to be decoded in place; nil for any other file.
    static func inflatedBytes(_ h: NIfTIHeader, grid: Grid, path: String) throws(NIfTIError) -> [UInt8]? {
        guard FileBytes.isGzip(h.dataPath), h.dataType == .uint8, h.scaling == nil || h.scaling! == (1, 0) else { return nil }
        return try inflated(h, grid: grid, path: path, as: UInt8.self)
    }

    /// The voxels of `h`, stored as `T` in native order in a gzip file, inflated into the array
    /// returned: the header and extensions go into its first bytes, then the voxels are moved
    /// down over them (one `memmove`, no separate payload buffer).
    private static func inflated<T: BitwiseCopyable>(_ h: NIfTIHeader, grid: Grid, path: String, as: T.Type) throws(NIfTIError) -> [T] {
        let count = grid.voxelCount, size = MemoryLayout<T>.stride
        let needed = try payloadEnd(h, dataBytes: count * size, path: path)
        let compressed = try compressedPayload(h, needed: needed, path: path)
        var failure: Deflate.Failure?
        let voxels = [T](unsafeUninitializedCapacity: (needed + size - 1) / size) { out, initialized in
            let raw = UnsafeMutableRawBufferPointer(out)
            adviseHugePages(raw.baseAddress!, bytes: raw.count)
            failure = compressed.withUnsafeBytes { Deflate.gunzipPrefix($0, into: UnsafeMutableRawBufferPointer(rebasing: raw[..<needed])) }
            guard failure == nil else { return }
            memmove(raw.baseAddress!, raw.baseAddress! + h.dataOffset, count * size)  // overlapping: memmove
            initialized = count
        }
        if let failure { throw inflateError(failure, needed: needed, dataType: h.dataType!, path: path) }
        return voxels
    }

    /// Whether `h` is an unscaled, native-order Float32 image in a gzip file: its voxels are
    /// usable as inflated.
    static func isInflatableFloat32(_ h: NIfTIHeader) -> Bool {
        FileBytes.isGzip(h.dataPath) && h.dataType == .float32 && h.isBigEndian == (1.bigEndian == 1)
            && (h.scaling == nil || h.scaling! == (1, 0))
    }

    /// Where the voxels of `h` end in its data file: `vox_offset` + `dataBytes`. `vox_offset`
    /// comes from the file: a negative or absurd one is refused before any arithmetic.
    static func payloadEnd(_ h: NIfTIHeader, dataBytes: Int, path: String) throws(NIfTIError) -> Int {
        let (needed, overflow) = h.dataOffset.addingReportingOverflow(dataBytes)
        guard h.dataOffset >= 0, !overflow else {
            throw NIfTIError(.notNIfTI, path: path, reason: "vox_offset is negative or not finite: not a valid data offset")
        }
        return needed
    }

    /// The compressed file of `h`, after checking it can hold `needed` inflated bytes:
    /// DEFLATE cannot expand more than 1032:1, so a header claiming more is refused before
    /// anything that size is allocated.
    static func compressedPayload(_ h: NIfTIHeader, needed: Int, path: String) throws(NIfTIError) -> [UInt8] {
        let file = h.dataPath
        guard let onDisk = FileBytes.size(of: file) else { throw FileBytes.openError(file, errno) }
        guard onDisk * 1032 + 4096 >= needed else {
            throw NIfTIError(.truncated, path: path, reason: "compressed file of \(onDisk) bytes cannot hold the \(needed) bytes the header describes")
        }
        return try FileBytes.read(file)
    }

    /// The error for a payload that did not inflate to `needed` bytes.
    static func inflateError(_ failure: Deflate.Failure, needed: Int, dataType: DataType, path: String) -> NIfTIError {
        switch failure {
        case .short(let produced):
            NIfTIError(.truncated, path: path, reason: "data ends after \(produced) of \(needed) bytes (offset + voxels × \(dataType.bytesPerVoxel) bytes)")
        case .corrupt:
            NIfTIError(.truncated, path: path, reason: "gzip stream is corrupt or truncated")
        }
    }

    /// Whether the whole gzip file at `path` inflates (used only to explain a refused header).
    static func gzipIntegrity(_ path: String) -> Result<Void, Deflate.Failure> {
        guard let bytes = try? FileBytes.read(path), bytes.count >= 18 else { return .failure(.corrupt) }
        let isize = bytes.suffix(4).withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
        return bytes.withUnsafeBytes { Deflate.gunzipPrefix($0, count: min(isize, 1 << 20)) }.map { _ in () }
    }
}

/// Memory to inflate image files into, grown as needed and reused from one file to the next;
/// not shared between threads.
public final class PayloadBuffer {
    private var raw = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    public init() {}

    /// The first `count` bytes (contents undefined), growing the buffer if it is smaller.
    func bytes(_ count: Int) -> UnsafeMutableRawBufferPointer {
        if raw.count < count {
            raw.deallocate()
            raw = .allocate(byteCount: count, alignment: 64)
            adviseHugePages(raw.baseAddress!, bytes: count)
        }
        return UnsafeMutableRawBufferPointer(rebasing: raw[..<count])
    }

    deinit { raw.deallocate() }
}
