import Foundation

/// Lets a thread that has finished its own task help with a threaded kernel another thread is
/// running: the kernel (through `parallelChunks(…, joinable:)`) opens its chunks to helpers while
/// it runs, and `help()` runs chunks of it until none is left. Results do not change: chunks are
/// the same whoever runs them. This balances two unequal tasks without a third thread competing
/// for the cores.
public final class JoinableWork: @unchecked Sendable {
    private let condition = NSCondition()
    /// The open kernel's worker loop (runs chunks until none is left), while helpers may join.
    private var open: (() -> Void)?
    /// Helpers inside `open`.
    private var helping = 0
    private var closed = false

    public init() {}

    /// Runs chunks of the kernel open now, or of the next one opened, until it has none left.
    /// Returns at once when `close()` has been called and no kernel is open.
    public func help() {
        condition.lock()
        while open == nil && !closed { condition.wait() }
        var work = open
        if work != nil { helping += 1 }
        condition.unlock()
        guard work != nil else { return }
        work!()
        work = nil  // no reference to the kernel's closures may outlive it
        condition.lock()
        helping -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// No kernel will be opened any more: waiting helpers return.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Opens `work` to helpers while `run()` runs, then waits until every helper that joined
    /// has left it.
    func offer(_ work: @escaping () -> Void, while run: () -> Void) {
        condition.lock()
        open = work
        condition.broadcast()
        condition.unlock()
        run()
        condition.lock()
        open = nil
        while helping > 0 { condition.wait() }
        condition.unlock()
    }
}
