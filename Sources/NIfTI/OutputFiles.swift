import Foundation

/// Creating output folders and writing text files the crash-safe way (temporary name in the same
/// folder, then a rename), with failures as `NIfTIError.cannotWrite` naming the path. Used for
/// every table, sidecar and manifest lesionmtr writes.
public enum OutputFiles {
    /// Writes `text` (UTF-8) to `path` atomically: `path` is either absent/old or complete.
    public static func write(_ text: String, to path: String) throws(NIfTIError) {
        try FileBytes.writeAtomically(Array(text.utf8), to: path)
    }

    /// Creates `path` and its parents if missing.
    public static func createFolder(_ path: String) throws(NIfTIError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw NIfTIError(.cannotWrite, path: path, reason: "cannot create folder: \(error.localizedDescription)")
        }
    }
}
