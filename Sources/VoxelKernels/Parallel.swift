import Foundation
import Dispatch

/// The default thread count for threaded kernels: the active processor count.
public var defaultThreadCount: Int { ProcessInfo.processInfo.activeProcessorCount }

/// Splits `0 ..< count` into contiguous chunks and runs `body` on them with up to `threads`
/// workers (Dispatch `concurrentPerform`), returning when all are done (the join between passes).
///
/// Chunks are fixed by `count` and `grain` — never by the thread count — and each chunk must
/// write only its own data, so results cannot depend on how many threads ran.
/// - Complexity: O(count / grain) scheduling overhead.
@usableFromInline
func parallelChunks(_ count: Int, threads: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
    parallelChunks(count, threads: threads, grain: grain, state: { () }) { _, chunk in body(chunk) }
}

/// `parallelChunks` with per-worker state: each worker makes one `State` with `makeState` (for
/// example scratch buffers, freed when the worker is done with it) and hands it to `body` for
/// every chunk it runs. The chunks are the same as without state, so results must not depend on
/// what a previous chunk left in the state. With `joinable`, threads calling its `help()` while
/// this runs take chunks too (each with a state of its own).
/// - Complexity: O(count / grain) scheduling overhead and one `makeState` per worker.
@usableFromInline
func parallelChunks<State>(
    _ count: Int, threads: Int, grain: Int = 1, joinable: JoinableWork? = nil, state makeState: () -> State,
    _ body: (inout State, Range<Int>) -> Void
) {
    guard count > 0 else { return }
    let grain = max(1, grain)
    let chunks = (count + grain - 1) / grain
    let workers = min(max(1, threads), chunks)
    if workers == 1 && joinable == nil {
        var state = makeState()
        body(&state, 0 ..< count)
        return
    }
    // Chunks are handed out in order, each to the next worker free (a worker that starts late,
    // because its core is busy elsewhere, takes over what is left); what a chunk computes does
    // not depend on which worker runs it.
    let perChunk = (count + chunks - 1) / chunks
    let next = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    next.initialize(to: 0)
    defer { next.deallocate() }
    let lock = NSLock()
    withoutActuallyEscaping(makeState) { makeState in
        withoutActuallyEscaping(body) { body in
            let shared = UnsafeSendable((makeState, body, next))
            /// Runs chunks until none is left (no state made when none is left at the start).
            let worker: @Sendable () -> Void = {
                func take() -> Int {
                    lock.lock()
                    defer { lock.unlock() }
                    shared.value.2.pointee += 1
                    return (shared.value.2.pointee - 1) * perChunk
                }
                var lo = take()
                guard lo < count else { return }
                var state = shared.value.0()
                repeat {
                    shared.value.1(&state, lo ..< min(count, lo + perChunk))
                    lo = take()
                } while lo < count
            }
            let run = {
                if workers == 1 { worker() } else { DispatchQueue.concurrentPerform(iterations: workers) { _ in worker() } }
            }
            if let joinable { joinable.offer(worker, while: run) } else { run() }
        }
    }
}

/// Wraps a value that is shared across worker threads under the caller's guarantee that the
/// workers touch disjoint memory.
package struct UnsafeSendable<T>: @unchecked Sendable {
    package var value: T
    package init(_ value: T) { self.value = value }
}

/// `body(0) … body(count − 1)` computed by up to `threads` workers, each index by one of them
/// (dynamically handed out, lowest first), returned in index order. Results do not depend on
/// the thread count as long as `body` depends only on its index.
public func parallelMap<T>(_ count: Int, threads: Int, _ body: (Int) -> T) -> [T] {
    guard count > 0 else { return [] }
    let out = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    out.initialize(repeating: nil)
    defer {
        _ = out.deinitialize()
        out.deallocate()
    }
    let workers = min(max(1, threads), count)
    if workers == 1 {
        for n in 0 ..< count { out[n] = body(n) }
    } else {
        let next = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        next.initialize(to: 0)
        defer { next.deallocate() }
        let lock = NSLock()
        withoutActuallyEscaping(body) { body in
            let shared = UnsafeSendable((body, out, next))
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                let (body, out, next) = shared.value
                while true {
                    lock.lock()
                    let n = next.pointee
                    next.pointee += 1
                    lock.unlock()
                    guard n < count else { return }
                    out[n] = body(n)
                }
            }
        }
    }
    return out.map { $0! }
}

/// `a()` and `b()`, on two threads when `parallel` (else one after the other), returned together.
/// `b` runs on a thread of its own, not a Dispatch worker, so that threaded kernels called from
/// either side still get Dispatch workers (Dispatch runs a `concurrentPerform` nested in another
/// serially): a kernel's extra worker then shares the cores with the other side, and with
/// chunks handed out as workers come free, finishes what the other side leaves room for.
public func concurrently<A, B>(_ parallel: Bool, _ a: () -> A, and b: () -> B) -> (A, B) {
    guard parallel else { return (a(), b()) }
    var second: B?
    let first = withUnsafeMutablePointer(to: &second) { second in
        withoutActuallyEscaping(b) { b in
            // The thread holds `b` only until it has run: it must not outlive this block.
            let job = OneJob { second.pointee = b() }
            let thread = Thread { job.run() }
            thread.stackSize = 8 << 20
            thread.start()
            let first = a()
            job.wait()
            return first
        }
    }
    return (first, second!)
}

/// Work for one other thread, dropped once done (so that no reference to it outlives `wait`).
private final class OneJob: @unchecked Sendable {
    private var work: (() -> Void)?
    private let done = DispatchSemaphore(value: 0)
    init(_ work: @escaping () -> Void) { self.work = work }
    func run() {
        work?()
        work = nil
        done.signal()
    }
    func wait() { done.wait() }
}
