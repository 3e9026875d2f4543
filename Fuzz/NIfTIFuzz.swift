// libFuzzer entry point over the NIfTI reading path (`NIfTIReader`): header parsing through
// nifticlib, the size and geometry checks, gzip inflation (libdeflate), and voxel decoding as
// Float32 and as labels. Any input must give a value or a `NIfTIError`, never a crash, a hang
// or an allocation the file cannot justify.
//
// The first input byte chooses how the rest is put on disk (in /dev/shm):
//   0: as `x.nii`;  1: as `x.nii.gz` (raw bytes: gzip or not, as the reader detects it);
//   2: gzip-compressed into `x.nii.gz` (so the fuzzer reaches the header behind a valid stream);
//   3: split after 348 bytes into `x.hdr` + `x.img` (a NIfTI-1 pair).
// scripts/ci/fuzz.sh compiles this file together with Sources/NIfTI/*.swift into one module
// (swiftc -sanitize=fuzzer,address -parse-as-library): libFuzzer supplies `main`, which SwiftPM's
// executable targets would rename, so the fuzzer is built outside the package.
import CNifti
import Foundation

/// A private folder for this process's files.
let folder: String = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let path = base + "/lesionmtr-fuzz-\(getpid())"
    mkdir(path, 0o700)
    return path
}()

/// Writes `bytes` to `path`, replacing it.
func put(_ bytes: UnsafeRawBufferPointer, _ path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { fatalError("cannot write \(path)") }
    var done = 0
    while done < bytes.count {
        let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
        guard n > 0 else { fatalError("write failed") }
        done += n
    }
    close(fd)
}

/// `bytes` as one gzip member (libdeflate, level 1).
func gzip(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
    let c = libdeflate_alloc_compressor(1)!
    defer { libdeflate_free_compressor(c) }
    var out = [UInt8](repeating: 0, count: libdeflate_gzip_compress_bound(c, bytes.count))
    let n = out.withUnsafeMutableBytes { libdeflate_gzip_compress(c, bytes.baseAddress, bytes.count, $0.baseAddress, $0.count) }
    return Array(out.prefix(n))
}

/// Every way lesionmtr reads a file; errors are expected, crashes are findings.
func readAllWays(_ path: String) {
    _ = try? NIfTIReader.header(at: path)
    _ = try? NIfTIReader.readFloatWithHeader(at: path)
    _ = try? NIfTIReader.readLabels(at: path)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let body = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    switch data[0] % 4 {
    case 0:
        put(body, folder + "/x.nii")
        readAllWays(folder + "/x.nii")
    case 1:
        put(body, folder + "/x.nii.gz")
        readAllWays(folder + "/x.nii.gz")
    case 2:
        gzip(body).withUnsafeBytes { put($0, folder + "/x.nii.gz") }
        readAllWays(folder + "/x.nii.gz")
    default:
        let cut = min(348, body.count)
        put(UnsafeRawBufferPointer(rebasing: body[..<cut]), folder + "/x.hdr")
        put(UnsafeRawBufferPointer(rebasing: body[cut...]), folder + "/x.img")
        readAllWays(folder + "/x.hdr")
    }
    return 0
}
