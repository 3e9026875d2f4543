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
/// what a previous chunk left in the state.
/// - Complexity: O(count / grain) scheduling overhead and one `makeState` per worker.
@usableFromInline
func parallelChunks<State>(
    _ count: Int, threads: Int, grain: Int = 1, state makeState: () -> State, _ body: (inout State, Range<Int>) -> Void
) {
    guard count > 0 else { return }
    let grain = max(1, grain)
    let chunks = (count + grain - 1) / grain
    let workers = min(max(1, threads), chunks)
    if workers == 1 {
        var state = makeState()
        body(&state, 0 ..< count)
        return
    }
    // Hand chunks out in order to each worker from a shared atomic-free striding scheme:
    // worker w takes chunks w, w + workers, … (deterministic data, dynamic-free scheduling).
    let perChunk = (count + chunks - 1) / chunks
    withoutActuallyEscaping(makeState) { makeState in
        withoutActuallyEscaping(body) { body in
            let shared = UnsafeSendable((makeState, body))
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var state = shared.value.0()
                var c = w
                while c < chunks {
                    let lo = c * perChunk
                    let hi = min(count, lo + perChunk)
                    if lo < hi { shared.value.1(&state, lo ..< hi) }
                    c += workers
                }
            }
        }
    }
}

/// Wraps a value that is shared across worker threads under the caller's guarantee that the
/// workers touch disjoint memory.
@usableFromInline
struct UnsafeSendable<T>: @unchecked Sendable {
    @usableFromInline var value: T
    @usableFromInline init(_ value: T) { self.value = value }
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
public func concurrently<A, B>(_ parallel: Bool, _ a: () -> A, and b: () -> B) -> (A, B) {
    guard parallel else { return (a(), b()) }
    var first: A?, second: B?
    withUnsafeMutablePointer(to: &first) { first in
        withUnsafeMutablePointer(to: &second) { second in
            withoutActuallyEscaping(a) { a in
                withoutActuallyEscaping(b) { b in
                    let shared = UnsafeSendable((a, b, first, second))
                    DispatchQueue.concurrentPerform(iterations: 2) { k in
                        let (a, b, first, second) = shared.value
                        if k == 0 { first.pointee = a() } else { second.pointee = b() }
                    }
                }
            }
        }
    }
    return (first!, second!)
}
