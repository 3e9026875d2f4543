/// The baseline session of a run, decided in one place for `stats`, `batch` and `--bids`: the
/// session `--baseline` names, else the first session in the order the input gives them — but
/// never against the evidence. Without `--baseline`, a session named like a baseline (`base`,
/// `baseline`, `bl`, `m0`, `pre`, `screening`, `0`, any case) that is not first, or a first
/// session dated after another session of the same subject (a BIDS `sessions.tsv`), is refused
/// with one line asking for `--baseline`.
public struct BaselineChoice: Sendable, Equatable, CustomStringConvertible {
    /// What "first" means: where the order of the sessions comes from.
    public enum Order: Sendable, Equatable {
        /// The order of first appearance of the map columns in the manifest header.
        case manifestHeader
        /// The `ses-<label>` folders of a BIDS dataset, sorted.
        case sortedSessionFolders
        /// The order of the `--map` options.
        case mapOptions

        /// "first in the manifest header", …
        var firstDescription: String {
            switch self {
            case .manifestHeader: "first in the manifest header"
            case .sortedSessionFolders: "first of the sorted ses- folders"
            case .mapOptions: "first in the --map options"
            }
        }
    }

    /// The acquisition dates of one subject's sessions, as a BIDS `sessions.tsv` gives them.
    public struct Dates: Sendable, Equatable {
        /// The `sessions.tsv` file, named in messages.
        public var file: String
        /// Session label (without `ses-`) → `acq_time` (ISO 8601, compared as text, which orders
        /// ISO 8601 times of one format correctly).
        public var acquired: [String: String]

        public init(file: String, acquired: [String: String]) {
            self.file = file
            self.acquired = acquired
        }
    }

    /// Why no baseline can be taken: names the file (or option) and says to give `--baseline`.
    /// A usage error (exit 64): the fix is an option on the command line.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        /// The manifest, BIDS folder, `sessions.tsv` or option concerned.
        public var file: String
        /// The reason and the fix, in words.
        public var reason: String
        /// `file: reason`.
        public var description: String { "\(file): \(reason)" }
        /// The sysexits code: 64, usage.
        public var exitCode: Int32 { 64 }
    }

    /// The baseline session label.
    public var session: String
    /// Whether `--baseline` named it (else it is the first session).
    public var given: Bool
    /// The order it was first in (when not given).
    public var order: Order

    /// `base (first in the manifest header; --baseline to choose)` or `m0 (--baseline)`.
    public var description: String {
        given ? "\(session) (--baseline)" : "\(session) (\(order.firstDescription); --baseline to choose)"
    }

    /// Session labels that name a baseline, lower case.
    public static let baselineNames: Set<String> = ["base", "baseline", "bl", "m0", "pre", "screening", "0"]

    /// Whether `session` is named like a baseline (`baselineNames`, any case).
    public static func isBaselineName(_ session: String) -> Bool { baselineNames.contains(session.lowercased()) }

    /// The sessions of `maps` in order of first appearance.
    public static func sessions(of maps: [MapSpec]) -> [String] {
        var seen: [String] = []
        for m in maps where !seen.contains(m.session) { seen.append(m.session) }
        return seen
    }

    /// `decide` over the sessions of `maps` in order of first appearance (`--map` options, one
    /// subject's maps).
    public static func decide(maps: [MapSpec], given: String?, source: String) throws(Refusal) -> BaselineChoice? {
        try decide(sessions: sessions(of: maps), given: given, order: .mapOptions, source: source)
    }

    /// Decides the baseline among `sessions` (in `order`, as read from `source`, the file or option
    /// named in messages). `given` is `--baseline`: it must be one of `sessions`, and is then
    /// taken whatever the names and dates say. Without it the first session is taken, unless a
    /// later one is named like a baseline or one of `dates` is earlier than the first's (the
    /// first contradicting subject is named). Nil when there are no sessions and none is given.
    public static func decide(sessions: [String], given: String?, order: Order, source: String,
                              dates: [Dates] = []) throws(Refusal) -> BaselineChoice? {
        let listed = sessions.isEmpty ? "there are none" : "sessions in order: " + sessions.joined(separator: ", ")
        if let given {
            guard sessions.contains(given) else {
                throw Refusal(file: source, reason: "--baseline \(given) matches no session (\(listed)); give one of them")
            }
            return BaselineChoice(session: given, given: true, order: order)
        }
        guard let first = sessions.first else { return nil }
        if !isBaselineName(first), let named = sessions.first(where: isBaselineName) {
            throw Refusal(file: source, reason: "session '\(named)' is named like a baseline but '\(first)' is \(order.firstDescription) "
                          + "(\(listed)); give --baseline \(named) (or --baseline \(first) if that is the baseline)")
        }
        for d in dates {
            guard let firstTime = d.acquired[first] else { continue }
            if let (earlier, time) = d.acquired.filter({ $0.key != first && $0.value < firstTime }).min(by: { $0.value < $1.value }) {
                throw Refusal(file: d.file, reason: "ses-\(earlier) was acquired (\(time)) before ses-\(first) (\(firstTime)), "
                              + "which is \(order.firstDescription) (\(listed)); give --baseline \(earlier) (or --baseline \(first) to keep it)")
            }
        }
        return BaselineChoice(session: first, given: false, order: order)
    }
}
