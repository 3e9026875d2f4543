import Foundation

/// A value handed from one thread to another once: `take()` waits until `put(_:)` has been
/// called, then returns the value (to every caller, as often as asked).
public final class Handoff<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: Value?

    public init() {}

    /// Makes `value` available to `take()`; a second call is a programming error.
    public func put(_ value: Value) {
        condition.lock()
        defer { condition.unlock() }
        precondition(self.value == nil, "Handoff.put called twice")
        self.value = value
        condition.broadcast()
    }

    /// The value, waiting for `put(_:)` if it has not come yet.
    public func take() -> Value {
        condition.lock()
        defer { condition.unlock() }
        while value == nil { condition.wait() }
        return value!
    }
}
