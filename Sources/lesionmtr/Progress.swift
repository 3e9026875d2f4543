import Foundation

/// Progress on standard error: a live bar with count, rate and ETA on a terminal, fitted to the
/// terminal's width and redrawn below any message printed meanwhile (`message`), so an error
/// never shares a line with it; one plain line per finished item otherwise (cluster logs),
/// saying what became of it (`analysed`, `skipped`, `failed`); nothing with `quiet` (messages
/// still print).
final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private let quiet: Bool
    private let live: Bool
    private let start = Date()
    private let lock = NSLock()
    /// The bar as last drawn, redrawn after a message; nil when none is on screen.
    private var bar: String?

    init(label: String, quiet: Bool) {
        self.label = label
        self.quiet = quiet
        live = isatty(STDERR_FILENO) == 1
    }

    /// Reports that `done` of `total` items are finished; `item` names the last one and
    /// `outcome` what became of it (for log lines).
    func update(done: Int, total: Int, item: String = "", outcome: String = "done") {
        guard !quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        if live {
            let line = Self.barLine(label: label, done: done, total: total, perMinute: rate * 60, eta: clock(eta),
                                    columns: terminalColumns())
            write("\r\u{1B}[K" + line + (done == total ? "\n" : ""))
            bar = done == total ? nil : line
        } else {
            write(String(format: "%@ %d/%d %@ %@ (%.1fs elapsed)\n", label, done, total, item, outcome, elapsed))
        }
    }

    /// Prints `text` as one line of its own: on a terminal the bar is cleared first and drawn
    /// again below it.
    func message(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if live, bar != nil { write("\r\u{1B}[K") }
        write(text + "\n")
        if live, let bar { write(bar) }
    }

    /// The bar line, `label [####----] done/total  r/min  ETA m:ss`, no wider than `columns − 1`
    /// (the bar shrinks to fit, down to 10 cells; below that the text is cut).
    static func barLine(label: String, done: Int, total: Int, perMinute: Double, eta: String, columns: Int) -> String {
        let tail = String(format: " %d/%d  %.1f/min  ETA %@", done, total, perMinute, eta)
        let width = min(30, max(10, columns - 1 - label.count - tail.count - 3))
        let filled = total > 0 ? width * min(done, total) / total : width
        let line = label + " [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]" + tail
        return String(line.prefix(max(1, columns - 1)))
    }

    /// The terminal's width in columns (standard error's), else `COLUMNS`, else 80.
    private func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 80
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    private func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
