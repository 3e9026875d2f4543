import Foundation

/// Whole-file reads and crash-safe writes, with failures mapped to `NIfTIError`.
public enum FileBytes {
    /// Size of the file at `path` in bytes, or nil if it cannot be stat'ed.
    static func size(of path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : nil
    }

    /// Refuses anything but a readable regular file (or a link to one) before a library opens it:
    /// a folder is not an image, and a FIFO or device could block a reader forever.
    static func requireRegularFile(_ path: String) throws(NIfTIError) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw openError(path, errno) }
        if let e = notRegular(st.st_mode, path: path) { throw e }
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw openError(path, errno) }
        close(fd)
    }

    /// Why a file of mode `mode` is not read: a folder, or a pipe, socket or device; nil for a
    /// regular file.
    static func notRegular(_ mode: mode_t, path: String) -> NIfTIError? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: NIfTIError(.unreadable, path: path, reason: "is a folder, not a file")
        default: NIfTIError(.unreadable, path: path, reason: "not a regular file (a pipe, socket or device)")
        }
    }

    /// Whether the file at `path` starts with the gzip magic bytes 1f 8b.
    static func isGzip(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return path.hasSuffix(".gz") }
        defer { close(fd) }
        var magic: (UInt8, UInt8) = (0, 0)
        let n = withUnsafeMutableBytes(of: &magic) { Foundation.read(fd, $0.baseAddress!, 2) }
        return n == 2 && magic.0 == 0x1f && magic.1 == 0x8b
    }

    /// The whole content of `path`. A missing file is `.missing`; a folder, a FIFO or device
    /// (never waited on) or a file that cannot be opened is `.unreadable`.
    public static func read(_ path: String) throws(NIfTIError) -> [UInt8] {
        // O_NONBLOCK: opening a FIFO must not wait for a writer (it is then refused as not regular).
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw openError(path, errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw NIfTIError(.unreadable, path: path, reason: String(cString: strerror(errno))) }
        if let e = notRegular(st.st_mode, path: path) { throw e }
        let size = Int(st.st_size)
        // Uninitialised (no zero-fill): counted as initialised only once every byte is read.
        var failure: NIfTIError?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            adviseHugePages(UnsafeMutableRawPointer(base), bytes: size)
            var done = 0
            while done < size {
                let n = Foundation.read(fd, base + done, size - done)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else {
                    failure = NIfTIError(.unreadable, path: path, reason: n == 0 ? "file shrank while being read" : "read failed: \(String(cString: strerror(errno)))")
                    break
                }
                done += n
            }
            initialized = failure == nil ? size : 0
        }
        if let failure { throw failure }
        return bytes
    }

    /// Why `path` can't be read: missing, or unreadable with the system's reason.
    static func openError(_ path: String, _ code: Int32) -> NIfTIError {
        code == ENOENT || code == ENOTDIR
            ? NIfTIError(.missing, path: path, reason: "no such file")
            : NIfTIError(.unreadable, path: path, reason: "cannot open: \(String(cString: strerror(code)))")
    }

    /// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so
    /// `path` is either absent/old or complete, never partial. The temporary file is removed
    /// on failure.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(NIfTIError) {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let temp = dir + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            throw NIfTIError(.cannotWrite, path: path, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temp)
                throw NIfTIError(.writeFailed, path: path, reason: "write failed: \(reason)")
            }
            done += n
        }
        guard close(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw NIfTIError(.writeFailed, path: path, reason: "write failed: \(reason)")
        }
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw NIfTIError(.cannotWrite, path: path, reason: "cannot rename into place: \(reason)")
        }
    }
}
