import CNifti
import Foundation

/// Every nifticlib call lesionmtr makes, wrapped once. nifticlib is the format authority: it
/// parses and byte-swaps headers (NIfTI-1 and NIfTI-2, `.nii`, `.nii.gz`, `.hdr/.img`), derives
/// the qform matrix from the quaternion, and builds the headers we write. Voxel payloads are
/// read and inflated by `VoxelPayload` (libdeflate), which is faster than nifticlib's zlib path.
enum NiftiLibrary {
    /// nifticlib prints its own diagnostics to stderr at debug level ≥ 1; lesionmtr reports
    /// errors itself, in one line, so the library is kept quiet.
    private static let quiet: Void = { nifti_set_debug_level(0) }()

    /// Parses the header of `path` (no voxel data is read). Returns nil when nifticlib does not
    /// recognise a NIfTI-1 or NIfTI-2 header there; the caller decides why. `dim` is reported
    /// as stored: nifticlib would silently turn a 0 into 1.
    static func readHeader(path: String) -> NIfTIHeader? {
        // nifticlib prints (at any debug level) about dims it refuses: check them first.
        // It also prints about datatypes it does not know: the caller names the code instead.
        guard let raw = unvalidatedDims(path: path), NIfTIReader.dimsProblem(raw.dim) == nil,
              let type = DataType(rawValue: raw.datatypeCode), type.bytesPerVoxel > 0 else { return nil }
        guard let nim = nifti_image_read(path, 0) else { return nil }
        defer { nifti_image_free(nim) }
        let n = nim.pointee
        guard n.nifti_type != 0 else { return nil }  // ANALYZE 7.5: no orientation, refused
        return NIfTIHeader(
            version: raw.version,
            datatypeCode: n.datatype,
            dim: raw.dim,
            pixdim: storedPixdim(raw, repaired: tupleArray(n.pixdim, as: Double.self)),
            sclSlope: raw.sclSlope,
            sclInter: raw.sclInter,
            qform: CodedTransform(code: n.qform_code, affine: affine(n.qto_xyz)),
            sform: CodedTransform(code: n.sform_code, affine: affine(n.sto_xyz)),
            xyzUnits: n.xyz_units,
            description: cString(n.descrip),
            dataPath: n.iname.map { String(cString: $0) } ?? path,
            dataOffset: dataOffset(raw, library: Int(n.iname_offset)),
            isBigEndian: n.byteorder == 2)  // MSB_FIRST (a macro Swift does not import)
    }

    /// Header fields exactly as stored (byte-swapped to native order), before nifticlib's
    /// repairs (it turns a 0 dim into 1, a NaN slope into 1, a 0 or NaN pixdim into 1, and an
    /// out-of-range vox_offset into the header size).
    struct RawFacts {
        var version: Int
        var dim: [Int64]
        var datatypeCode: Int32
        var sclSlope: Double
        var sclInter: Double
        var pixdim: [Double]
        var voxOffset: Double
    }

    /// `pixdim` as stored for the image's dimensions (so that a zero or NaN voxel size is seen
    /// and refused, not silently made 1 mm), nifticlib's value for the unused ones (a 2-D image
    /// may store 0 for pixdim[3]).
    private static func storedPixdim(_ raw: RawFacts, repaired: [Double]) -> [Double] {
        let n = Int(raw.dim[0])
        return repaired.indices.map { $0 >= 1 && $0 <= n ? raw.pixdim[$0] : repaired[$0] }
    }

    /// The data offset: the stored vox_offset, or nifticlib's (the header size) when the stored
    /// one is below it, as nifticlib and nibabel read single files. A negative or non-finite
    /// vox_offset gives -1, which the reader refuses; a huge one is kept, and found past the end.
    private static func dataOffset(_ raw: RawFacts, library: Int) -> Int {
        guard raw.voxOffset.isFinite, raw.voxOffset >= 0, raw.voxOffset < 0x1p62 else { return -1 }
        return max(Int(raw.voxOffset), library)
    }

    /// The stored facts of the header at `path` without any validity check (also used to
    /// explain why `readHeader` refused a file); nil if there is no NIfTI header at all.
    static func unvalidatedDims(path: String) -> RawFacts? {
        _ = quiet
        // nifticlib prints (at any debug level) when a header is shorter than its sizeof_hdr.
        guard headerIsComplete(path) else { return nil }
        var version: Int32 = 0
        guard let raw = nifti_read_header(path, &version, 0) else { return nil }
        defer { free(raw) }
        // Unchecked headers come back as stored: a sizeof_hdr that reads wrong means the file
        // is in the other byte order.
        switch version {
        case 1:
            let h = raw.assumingMemoryBound(to: nifti_1_header.self).pointee
            let swap = h.sizeof_hdr != 348
            let dim = tupleArray(h.dim, as: Int16.self).map { Int64(swap ? $0.byteSwapped : $0) }
            func f(_ x: Float) -> Double { Double(swap ? Float(bitPattern: x.bitPattern.byteSwapped) : x) }
            return RawFacts(version: 1, dim: dim, datatypeCode: Int32(swap ? h.datatype.byteSwapped : h.datatype),
                            sclSlope: f(h.scl_slope), sclInter: f(h.scl_inter),
                            pixdim: tupleArray(h.pixdim, as: Float.self).map(f), voxOffset: f(h.vox_offset))
        case 2:
            let h = raw.assumingMemoryBound(to: nifti_2_header.self).pointee
            let swap = h.sizeof_hdr != 540
            let dim = tupleArray(h.dim, as: Int64.self).map { swap ? $0.byteSwapped : $0 }
            func f(_ x: Double) -> Double { swap ? Double(bitPattern: x.bitPattern.byteSwapped) : x }
            return RawFacts(version: 2, dim: dim, datatypeCode: Int32(swap ? h.datatype.byteSwapped : h.datatype),
                            sclSlope: f(h.scl_slope), sclInter: f(h.scl_inter),
                            pixdim: tupleArray(h.pixdim, as: Double.self).map(f),
                            voxOffset: Double(swap ? h.vox_offset.byteSwapped : h.vox_offset))
        default:
            return nil
        }
    }

    /// Whether the (possibly gzipped) file at `path` starts with a whole NIfTI-1 (348-byte) or
    /// NIfTI-2 (540-byte) header, as its `sizeof_hdr` says in either byte order. Anything else is
    /// left to nifticlib, which refuses it quietly.
    private static func headerIsComplete(_ path: String) -> Bool {
        var file = znzopen(path, "rb", 1)
        guard file != nil else { return true }
        defer { Xznzclose(&file) }
        var bytes = [UInt8](repeating: 0, count: 540)
        let n = bytes.withUnsafeMutableBytes { znzread($0.baseAddress, 1, 540, file) }
        guard n >= 4 else { return false }
        let size = bytes.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
        let needed = [size, size.byteSwapped].contains(540) ? 540 : [size, size.byteSwapped].contains(348) ? 348 : 0
        return n >= needed
    }

    /// The bytes of a single-file header (`n+1` or `n+2`) for a 3-D volume on `grid` with the
    /// given datatype, followed by the 4-byte empty extension flag: the file's first
    /// `voxOffset` bytes. Writes `scl_slope` 1, `scl_inter` 0, units mm.
    static func singleFileHeader(grid: Grid, dataType: DataType, version: Int, description: String) -> [UInt8] {
        _ = quiet
        var dims: [Int64] = [3, Int64(grid.dims.x), Int64(grid.dims.y), Int64(grid.dims.z), 1, 1, 1, 1]
        let nim = dims.withUnsafeMutableBufferPointer { nifti_make_new_nim($0.baseAddress, dataType.rawValue, 0)! }
        defer { nifti_image_free(nim) }
        // Unused dimensions are written as 1, as nibabel and FSL do.
        withUnsafeMutableBytes(of: &nim.pointee.dim) { raw in
            let d = raw.bindMemory(to: Int64.self)
            for a in 4..<8 { d[a] = 1 }
        }
        nim.pointee.nt = 1; nim.pointee.nu = 1; nim.pointee.nv = 1; nim.pointee.nw = 1
        nim.pointee.dx = grid.spacing.x
        nim.pointee.dy = grid.spacing.y
        nim.pointee.dz = grid.spacing.z
        withUnsafeMutableBytes(of: &nim.pointee.pixdim) { raw in
            let p = raw.bindMemory(to: Double.self)
            p[1] = grid.spacing.x; p[2] = grid.spacing.y; p[3] = grid.spacing.z
        }
        nim.pointee.scl_slope = 1
        nim.pointee.scl_inter = 0
        nim.pointee.xyz_units = NIFTI_UNITS_MM
        nim.pointee.qform_code = grid.qform.code
        nim.pointee.qto_xyz = dmat44(grid.qform.affine)
        if grid.qform.isSet {
            var qb = 0.0, qc = 0.0, qd = 0.0, qx = 0.0, qy = 0.0, qz = 0.0, dx = 0.0, dy = 0.0, dz = 0.0, qfac = 0.0
            nifti_dmat44_to_quatern(dmat44(grid.qform.affine), &qb, &qc, &qd, &qx, &qy, &qz, &dx, &dy, &dz, &qfac)
            nim.pointee.quatern_b = qb
            nim.pointee.quatern_c = qc
            nim.pointee.quatern_d = qd
            nim.pointee.qoffset_x = qx
            nim.pointee.qoffset_y = qy
            nim.pointee.qoffset_z = qz
            nim.pointee.qfac = qfac
        }
        nim.pointee.sform_code = grid.sform.code
        nim.pointee.sto_xyz = dmat44(grid.sform.affine)
        withUnsafeMutableBytes(of: &nim.pointee.descrip) { raw in
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            let bytes = Array(description.utf8.prefix(79))
            raw.copyBytes(from: bytes)
        }
        var out: [UInt8]
        if version == 2 {
            nim.pointee.nifti_type = NIFTI_FTYPE_NIFTI2_1
            nim.pointee.iname_offset = 544
            var hdr = nifti_2_header()
            nifti_convert_nim2n2hdr(nim, &hdr)
            out = withUnsafeBytes(of: &hdr) { Array($0) }
        } else {
            nim.pointee.nifti_type = NIFTI_FTYPE_NIFTI1_1
            nim.pointee.iname_offset = 352
            var hdr = nifti_1_header()
            nifti_convert_nim2n1hdr(nim, &hdr)
            out = withUnsafeBytes(of: &hdr) { Array($0) }
        }
        out.append(contentsOf: [0, 0, 0, 0])
        return out
    }

    // MARK: - C struct helpers

    private static func affine(_ m: nifti_dmat44) -> Affine {
        var m = m
        return withUnsafeBytes(of: &m.m) { raw in
            let v = raw.bindMemory(to: Double.self)
            return Affine(SIMD4(v[0], v[1], v[2], v[3]), SIMD4(v[4], v[5], v[6], v[7]), SIMD4(v[8], v[9], v[10], v[11]))
        }
    }

    private static func dmat44(_ a: Affine) -> nifti_dmat44 {
        var m = nifti_dmat44()
        withUnsafeMutableBytes(of: &m.m) { raw in
            let v = raw.bindMemory(to: Double.self)
            for r in 0..<4 { for c in 0..<4 { v[r * 4 + c] = a[r, c] } }
        }
        return m
    }

    private static func tupleArray<T, E>(_ tuple: T, as: E.Type) -> [E] {
        withUnsafeBytes(of: tuple) { Array($0.bindMemory(to: E.self)) }
    }

    private static func cString<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
