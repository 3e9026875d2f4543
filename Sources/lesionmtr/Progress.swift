import Foundation

/// Progress on standard error: a live bar with count, rate and ETA on a terminal; one plain line
/// per finished item otherwise (cluster logs); nothing with `quiet`.
final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private let quiet: Bool
    private let live: Bool
    private let start = Date()
    private let lock = NSLock()

    init(label: String, quiet: Bool) {
        self.label = label
        self.quiet = quiet
        live = isatty(STDERR_FILENO) == 1
    }

    /// Reports that `done` of `total` items are finished; `item` names the last one.
    func update(done: Int, total: Int, item: String = "") {
        guard !quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        if live {
            let width = 30
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let line = String(format: "\r%@ [%@] %d/%d  %.1f/min  ETA %@", label, bar, done, total, rate * 60, clock(eta))
            FileHandle.standardError.write(Data(line.utf8))
            if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            let line = String(format: "%@ %d/%d %@ (%.1fs elapsed)\n", label, done, total, item, elapsed)
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    private func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
