/// The order of maps and sessions in the tables (`docs/tables.md`), and how input files become
/// map series: maps by first appearance, `mton`+`mtoff` of a session combined into `mtr` (at the
/// place of the first of them); sessions with the baseline first, then by first appearance. The
/// baseline is the one given, else `BaselineChoice.decide` over the sessions in order of appearance.
struct MapPlan {
    /// One output map: its name and, per session in order, which input files make it.
    struct Entry {
        var name: String
        var sessions: [(session: String, source: Source)]
    }

    /// Where a map value comes from: one input file, or an MT-on/MT-off pair.
    enum Source {
        case file(Int)
        case mtPair(on: Int, off: Int)
    }

    var entries: [Entry] = []
    var sessions: [String] = []

    /// Orders `maps` for the tables; throws when there is no map at all, when `baseline` names a
    /// session without a map, or when a map or an MT pair is incomplete or given twice.
    init(_ maps: [MapSpec], baseline: String?) throws(AnalysisError) {
        let firstSeen = BaselineChoice.sessions(of: maps)
        guard !maps.isEmpty else {
            throw .invalidInput("no map given: the tables need at least one map (mtr, t1, or an mton/mtoff pair) at the baseline")
        }
        if let baseline, !firstSeen.contains(baseline) {
            throw .invalidInput("baseline session '\(baseline)' has no map")
        }
        let base: String
        do throws(BaselineChoice.Refusal) {
            base = try BaselineChoice.decide(maps: maps, given: baseline, source: "maps")?.session ?? firstSeen[0]
        } catch {
            throw .invalidInput(error.reason)
        }
        sessions = [base] + firstSeen.filter { $0 != base }

        var seen = Set<String>()
        for (n, m) in maps.enumerated() {
            let key = "\(m.name):\(m.session)"
            guard seen.insert(key).inserted else { throw .invalidInput("map \(key) is given twice") }
            let outName = (m.name == "mton" || m.name == "mtoff") ? "mtr" : m.name
            if !entries.contains(where: { $0.name == outName }) { entries.append(Entry(name: outName, sessions: [])) }
            guard m.name == "mton" || m.name == "mtoff" else {
                let e = entries.firstIndex { $0.name == outName }!
                entries[e].sessions.append((m.session, .file(n)))
                continue
            }
            _ = n
        }
        // Pair MT-on/MT-off per session.
        for session in firstSeen {
            let on = maps.firstIndex { $0.name == "mton" && $0.session == session }
            let off = maps.firstIndex { $0.name == "mtoff" && $0.session == session }
            switch (on, off) {
            case (nil, nil): continue
            case (let on?, let off?):
                guard !seen.contains("mtr:\(session)") else {
                    throw .invalidInput("session \(session) has both an mtr map and an mton/mtoff pair")
                }
                let e = entries.firstIndex { $0.name == "mtr" }!
                entries[e].sessions.append((session, .mtPair(on: on, off: off)))
            case (nil, _): throw .invalidInput("mtoff:\(session) has no mton:\(session)")
            case (_, nil): throw .invalidInput("mton:\(session) has no mtoff:\(session)")
            }
        }
        // Each map's sessions in table order.
        for e in entries.indices {
            entries[e].sessions.sort { sessions.firstIndex(of: $0.session)! < sessions.firstIndex(of: $1.session)! }
        }
    }

    /// The map series, from the map volumes read in input order.
    func series(from volumes: [[Float]], minMTOff: Float) -> [MapSeries] {
        entries.map { e in
            MapSeries(name: e.name, sessions: e.sessions.map(\.session), values: e.sessions.map { s in
                switch s.source {
                case .file(let n): volumes[n]
                case .mtPair(let on, let off): mtr(on: volumes[on], off: volumes[off], minMTOff: minMTOff)
                }
            })
        }
    }
}

/// MTR in percentage units, `100 × (MToff − MTon) / MToff`, voxel by voxel; NaN where MToff ≤
/// `minMTOff` or either value is not finite.
public func mtr(on: [Float], off: [Float], minMTOff: Float) -> [Float] {
    zip(on, off).map { on, off in
        guard on.isFinite, off.isFinite, off > minMTOff else { return .nan }
        return 100 * (off - on) / off
    }
}
