import Foundation

/// Creating output folders and writing text files the crash-safe way (temporary name in the same
/// folder, then a rename), with failures as `NIfTIError.cannotWrite` naming the path. Used for
/// every table, sidecar and manifest lesionmtr writes.
public enum OutputFiles {
    /// Writes `text` (UTF-8) to `path` atomically: `path` is either absent/old or complete.
    public static func write(_ text: String, to path: String) throws(NIfTIError) {
        try FileBytes.writeAtomically(Array(text.utf8), to: path)
    }

    /// Writes `bytes` to `path` atomically, as `write(_:to:)` writes text: a file of its own
    /// (a new inode), never a link to another.
    public static func write(_ bytes: [UInt8], to path: String) throws(NIfTIError) {
        try FileBytes.writeAtomically(bytes, to: path)
    }

    /// Creates `path` and its parents if missing. The reason on failure is the system's
    /// (`Not a directory`, `Permission denied`, …), or that a file is in the way.
    public static func createFolder(_ path: String) throws(NIfTIError) {
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw NIfTIError(.cannotWrite, path: path, reason: "cannot create folder: a file of that name exists")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try createFolder(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw NIfTIError(.cannotWrite, path: path, reason: "cannot create folder: \(String(cString: strerror(errno)))")
        }
    }
}
