import Foundation
import NIfTI
import VoxelKernels

/// The tables of one subject (`docs/tables.md`) and the regions behind them.
public struct SubjectResult: Sendable {
    public var lesions: Table
    public var subjects: Table
    public var bands: Table
    /// Present with `voxels: true`.
    public var voxels: Table?
    /// The grid and regions, for writing masks.
    public var grid: Grid
    public var regions: LesionRegions
    /// Warnings for the user (e.g. no CSF voxel).
    public var warnings: [String]
}

/// `lesionmtr stats` for one subject: reads the images, computes the regions of docs/definitions.md and
/// the per-lesion, per-subject, per-band (and per-voxel) rows.
public enum SubjectAnalysis {
    /// Analyses one subject. Throws `AnalysisError` for unreadable or inconsistent input.
    public static func run(_ inputs: SubjectInputs, options: AnalysisOptions, voxels: Bool = false,
                           threads: Int = defaultThreadCount) throws(AnalysisError) -> SubjectResult {
        // The anatomy first. Then two threads: one computes the regions and then the distance to
        // CSF at the analysed voxels; the other reads the maps, one whole map held at a time and
        // kept only at the analysed voxels (it inflates the first map while the regions are
        // computed, then waits for them), and then joins the distance transform.
        var images = try SubjectImages.loadAnatomy(inputs, options: options, threads: threads)
        var forMaps = images  // grid and tissue: the lesions and CSF are the regions' alone
        forMaps.lesions = []
        forMaps.csf = []
        let analysed = Handoff<[Int]>()
        let distanceHelp = JoinableWork()
        let (computed, maps) = concurrently(threads >= 2) { () -> LesionRegions in
            var regions = LesionRegions.compute(&images, options: options, threads: 1)
            analysed.put(regions.analysed)
            let csf = images.csf
            images.csf = []
            defer { distanceHelp.close() }
            regions.distanceToCSF = regions.distances(toCSF: csf, grid: images.grid, threads: max(1, threads - 1),
                                                      joinable: distanceHelp)
            return regions
        } and: {
            let read = Result { () throws(AnalysisError) in
                try forMaps.readMaps(inputs, options: options, at: { analysed.take() }, threads: 1)
            }
            distanceHelp.help()
            return read
        }
        let regions = computed
        let mapSeries = try maps.get()
        let builder = TableBuilder(inputs: inputs, options: options, images: images, maps: mapSeries, regions: regions, threads: threads)
        var warnings = images.warnings + InputChecks.swappedMTPairs(inputs.maps, series: mapSeries)
        if regions.distanceToCSF == nil {
            warnings.append("\(inputs.subject): no CSF voxel, distances to CSF and bands are n/a")
        }
        return SubjectResult(
            lesions: builder.lesionTable(), subjects: builder.subjectTable(), bands: builder.bandTable(),
            voxels: voxels ? builder.voxelTable() : nil, grid: images.grid, regions: regions, warnings: warnings)
    }
}

/// Builds the rows of every table from one subject's images and regions.
struct TableBuilder {
    let inputs: SubjectInputs
    let options: AnalysisOptions
    /// The grid, tissue, sessions and baseline (its `maps` are not read).
    let images: SubjectImages
    /// The map series at the voxels of `regions.analysed`, in that order.
    let maps: [MapSeries]
    let regions: LesionRegions
    let maxID: Int
    let geometry: LesionGeometry
    /// Per map, per session: statistics of whole lesions (index id − 1) and components
    /// (index (id − 1)·3 + component − 1).
    var whole: [[[LabelSummary]]] = []
    var parts: [[[LabelSummary]]] = []
    /// Per map, per non-baseline session with a baseline: delta statistics.
    var deltaWhole: [[(session: String, stats: [LabelSummary])]] = []
    var deltaParts: [[(session: String, stats: [LabelSummary])]] = []
    let covariateCells: [String]
    /// Band sums, computed once for bands.tsv and the slopes of subjects.tsv.
    var bands = BandSums(seriesCount: 0, bandCount: 0)
    /// The submedian split, computed once for lesions.tsv and subjects.tsv.
    var submedian: (median: Double?, below: [Int: Bool])?
    /// The NAWM voxel count and statistics, for subjects.tsv.
    var nawm: (count: Int, stats: [LabelSummary]) = (0, [])
    let threads: Int

    static let componentNames = ["whole", "core", "rim", "perilesional"]

    init(inputs: SubjectInputs, options: AnalysisOptions, images: SubjectImages, maps: [MapSeries], regions: LesionRegions,
         threads: Int) {
        self.inputs = inputs
        self.options = options
        self.images = images
        self.maps = maps
        self.regions = regions
        self.threads = threads
        maxID = Int(regions.lesionIDs.last ?? 0)
        geometry = LesionGeometry(images, regions, maxID: maxID, tissueLabels: options.tissueLabels)
        covariateCells = inputs.covariates.map(\.value)
        // The band sums, the statistics of the lesions and shells, and those of the NAWM per
        // map-session pair: independent pieces, handed out to the threads.
        enum Piece {
            case bands(BandSums)
            case summaries(([[[LabelSummary]]], [[[LabelSummary]]], [[(session: String, stats: [LabelSummary])]],
                            [[(session: String, stats: [LabelSummary])]]))
            case nawm(LabelSummary)
        }
        let me = self
        let nawmVoxels = regions.analysed.indices.filter { regions.nawm[regions.analysed[$0]] == 1 }
        let series = maps.flatMap(\.values)
        let pieces = parallelMap(2 + series.count, threads: threads) { k -> Piece in
            switch k {
            case 0: .bands(me.bandSums())
            case 1: .summaries(me.mapSummaries(threads: 1))
            default: .nawm(Self.nawmSummary(series[k - 2], at: nawmVoxels))
            }
        }
        var nawmStats: [LabelSummary] = []
        for piece in pieces {
            switch piece {
            case .bands(let b): bands = b
            case .summaries(let s): (whole, parts, deltaWhole, deltaParts) = s
            case .nawm(let n): nawmStats.append(n)
            }
        }
        nawm = (nawmVoxels.count, nawmStats)
        submedian = submedianSplit()
    }

    /// Per map and session, the statistics of whole lesions and of components, and of the
    /// changes from baseline (`whole`, `parts`, `deltaWhole`, `deltaParts`), gathered over the
    /// voxels that belong to some lesion or shell only (positions in `regions.analysed`).
    private func mapSummaries(threads: Int) -> ([[[LabelSummary]]], [[[LabelSummary]]],
                                                [[(session: String, stats: [LabelSummary])]], [[(session: String, stats: [LabelSummary])]]) {
        var whole: [[[LabelSummary]]] = [], parts: [[[LabelSummary]]] = []
        var deltaWhole: [[(session: String, stats: [LabelSummary])]] = [], deltaParts: [[(session: String, stats: [LabelSummary])]] = []
        let analysed = regions.analysed
        let roi = analysed.indices.filter { regions.owner[analysed[$0]] > 0 }
        let roiWhole = roi.map { regions.lesionID(at: analysed[$0]) }
        let roiParts = roi.map { (regions.owner[analysed[$0]] - 1) * 3 + Int32(regions.component[analysed[$0]]) }
        let p = MapStatistics.probabilities
        for map in maps {
            let gathered = map.values.map { values in roi.map { values[$0] } }
            whole.append(gathered.map {
                LabelStatistics.summarize($0, labels: roiWhole, labelCount: maxID, probabilities: p, threads: threads)
            })
            parts.append(gathered.map {
                LabelStatistics.summarize($0, labels: roiParts, labelCount: 3 * maxID, probabilities: p, threads: threads)
            })
            var dw: [(String, [LabelSummary])] = [], dp: [(String, [LabelSummary])] = []
            if map.sessions.first == images.baseline {
                for (s, values) in zip(map.sessions, gathered).dropFirst() {
                    let diff = zip(values, gathered[0]).map { $0 - $1 }
                    dw.append((s, LabelStatistics.summarize(diff, labels: roiWhole, labelCount: maxID, threads: threads)))
                    dp.append((s, LabelStatistics.summarize(diff, labels: roiParts, labelCount: 3 * maxID, threads: threads)))
                }
            }
            deltaWhole.append(dw)
            deltaParts.append(dp)
        }
        return (whole, parts, deltaWhole, deltaParts)
    }

    /// The statistics of `values` at the positions `nawmVoxels` (median only among the quantiles).
    private static func nawmSummary(_ values: [Float], at nawmVoxels: [Int]) -> LabelSummary {
        let gathered = nawmVoxels.map { values[$0] }
        return LabelStatistics.summarize(gathered, labels: [Int32](repeating: 1, count: gathered.count), labelCount: 1,
                                         probabilities: [0.5], threads: 1)[0]
    }

    // MARK: - lesions.tsv

    func lesionTable() -> Table {
        var columns = ["subject"] + inputs.covariates.map(\.name)
        columns += ["lesion", "component", "tissue_class", "n_voxels", "volume_mm3", "centroid_x", "centroid_y", "centroid_z",
                    "frac_wm", "frac_cgm", "frac_dgm", "dist_csf_mean_mm", "dist_csf_min_mm", "below_subject_median"]
        for map in maps {
            for s in map.sessions { columns += MapStatistics.suffixes.map { "\(map.name)_\(s)_\($0)" } }
        }
        for (m, map) in maps.enumerated() {
            for d in deltaWhole[m] { columns += ["delta_\(map.name)_\(d.session)_mean", "delta_\(map.name)_\(d.session)_n"] }
        }
        var table = Table(columns: columns)
        let below = submedian?.below
        let affine = images.grid.affine
        let voxelVolume = images.grid.voxelVolume
        // Rows made lesion by lesion on the threads (thousands of numbers to print), kept in order.
        let me = self
        let rowsPerLesion = parallelMap(regions.lesionIDs.count, threads: threads) { k -> [[String]] in
            let id = Int(me.regions.lesionIDs[k])
            return me.lesionRows(id: id, below: below, affine: affine, voxelVolume: voxelVolume)
        }
        table.rows = rowsPerLesion.flatMap { $0 }
        return table
    }

    /// The four rows (whole, core, rim, perilesional) of lesion `id` in lesions.tsv.
    private func lesionRows(id: Int, below: [Int: Bool]?, affine: Affine, voxelVolume: Double) -> [[String]] {
        var rows: [[String]] = []
        let n = geometry.wholeCount[id]
        let centroid = affine.apply(geometry.indexSum[id] / Double(n))
        let t = geometry.tissueCount[id]
        let klass = tissueClass(t)
        for (c, name) in Self.componentNames.enumerated() {
            let slot = id * 4 + c
            let count = geometry.count[slot]
            let hasDistance = regions.distanceToCSF != nil && count > 0
            var row = [inputs.subject] + covariateCells
            row += [String(id), name, klass, Cell.count(count), Cell.number(Double(count) * voxelVolume),
                    Cell.number(centroid.x), Cell.number(centroid.y), Cell.number(centroid.z),
                    Cell.number(Double(t.x) / Double(n)), Cell.number(Double(t.y) / Double(n)), Cell.number(Double(t.z) / Double(n)),
                    hasDistance ? Cell.number(geometry.distanceSum[slot] / Double(count)) : Cell.missing,
                    hasDistance ? Cell.number(geometry.distanceMin[slot]) : Cell.missing,
                    below.map { $0[id] == true ? "1" : "0" } ?? Cell.missing]
            for m in maps.indices {
                for s in maps[m].sessions.indices {
                    row += MapStatistics.cells(summary(m, s, id: id, component: c))
                }
            }
            for m in maps.indices {
                for d in deltaWhole[m].indices {
                    let stats = c == 0 ? deltaWhole[m][d].stats[id - 1] : deltaParts[m][d].stats[(id - 1) * 3 + c - 1]
                    row += [Cell.number(stats.mean), Cell.count(stats.validCount)]
                }
            }
            rows.append(row)
        }
        return rows
    }

    /// Statistics of map `m`, session `s` over lesion `id`'s component `c` (0 whole); nil if empty.
    private func summary(_ m: Int, _ s: Int, id: Int, component c: Int) -> LabelSummary? {
        let stats = c == 0 ? whole[m][s][id - 1] : parts[m][s][(id - 1) * 3 + c - 1]
        return stats.validCount > 0 ? stats : nil
    }

    /// The whole lesion's class: majority of WM, CGM, DGM voxels (ties WM, CGM, DGM); `other` if none.
    private func tissueClass(_ t: SIMD3<Int>) -> String {
        if t == .zero { return "other" }
        if t.x >= t.y && t.x >= t.z { return "wm" }
        if t.y >= t.z { return "cgm" }
        return "dgm"
    }

    /// Index of the map named `mtr` if it has the baseline session.
    private var mtrIndex: Int? {
        maps.firstIndex { $0.name == "mtr" && $0.sessions.first == images.baseline }
    }

    /// The submedian split (docs/definitions.md, Submedian lesions): the median over lesions of the finite whole-lesion
    /// baseline MTR means (numpy's median; nil without any), and `below_subject_median` per id
    /// (a lesion without a finite mean is 0); nil with no MTR map at baseline.
    private func submedianSplit() -> (median: Double?, below: [Int: Bool])? {
        guard let m = mtrIndex else { return nil }
        var means: [Int: Double] = [:]
        for id in regions.lesionIDs.map(Int.init) {
            if let mean = whole[m][0][id - 1].mean, mean.isFinite { means[id] = mean }
        }
        let sorted = means.values.sorted(), n = sorted.count
        let median = n == 0 ? nil : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        var below: [Int: Bool] = [:]
        for id in regions.lesionIDs.map(Int.init) {
            if let mean = means[id], let median { below[id] = mean < median } else { below[id] = false }
        }
        return (median, below)
    }

    // MARK: - subjects.tsv

    func subjectTable() -> Table {
        var columns = ["subject"] + inputs.covariates.map(\.name)
        columns += ["n_lesions", "n_lesions_wm", "n_lesions_cgm", "n_lesions_dgm", "n_lesions_other",
                    "lesion_volume_mm3", "lesion_volume_wm_mm3", "lesion_volume_cgm_mm3", "lesion_volume_dgm_mm3",
                    "lesion_volume_other_mm3", "mtr_subject_median", "n_submedian", "nawm_n_voxels"]
        var row = [inputs.subject] + covariateCells
        var counts = [String: Int](), volumes = [String: Double]()
        let voxelVolume = images.grid.voxelVolume
        for id in regions.lesionIDs.map(Int.init) {
            let klass = tissueClass(geometry.tissueCount[id])
            counts[klass, default: 0] += 1
            volumes[klass, default: 0] += Double(geometry.wholeCount[id]) * voxelVolume
        }
        let classes = ["wm", "cgm", "dgm", "other"]
        row.append(Cell.count(regions.lesionIDs.count))
        row += classes.map { Cell.count(counts[$0] ?? 0) }
        row.append(Cell.number(volumes.values.reduce(0, +)))
        row += classes.map { Cell.number(volumes[$0] ?? 0) }
        let below = submedian?.below
        row.append(Cell.number(submedian?.median))
        row.append(below.map { Cell.count($0.values.filter { $0 }.count) } ?? Cell.missing)
        row.append(Cell.count(nawm.count))
        let nawmStats = nawm.stats
        var k = 0
        for map in maps {
            for s in map.sessions {
                columns += ["n_valid", "mean", "sd", "median"].map { "nawm_\(map.name)_\(s)_\($0)" }
                let stats = nawmStats[k]
                k += 1
                row += [Cell.count(stats.validCount), Cell.number(stats.mean), Cell.number(stats.sd), Cell.number(stats.quantiles?[0])]
            }
        }
        if let m = mtrIndex {
            let map = maps[m]
            let ids = regions.lesionIDs.map(Int.init)
            let submedian = ids.filter { below?[$0] == true }
            func meanOf(_ xs: [Double?]) -> Double? {
                let finite = xs.compactMap { $0 }.filter(\.isFinite)
                return finite.isEmpty ? nil : finite.reduce(0, +) / Double(finite.count)
            }
            for (s, session) in map.sessions.enumerated() {
                columns.append("lesion_mtr_\(session)_mean")
                row.append(Cell.number(meanOf(ids.map { whole[m][s][$0 - 1].mean })))
            }
            for (s, session) in map.sessions.enumerated() {
                columns.append("submedian_mtr_\(session)_mean")
                row.append(Cell.number(meanOf(submedian.map { whole[m][s][$0 - 1].mean })))
            }
            for d in deltaWhole[m] {
                columns.append("delta_lesion_mtr_\(d.session)")
                row.append(Cell.number(meanOf(ids.map { d.stats[$0 - 1].mean })))
            }
            for d in deltaWhole[m] {
                columns.append("delta_submedian_mtr_\(d.session)")
                row.append(Cell.number(meanOf(submedian.map { d.stats[$0 - 1].mean })))
            }
        }
        for (m, map) in maps.enumerated() {
            for (s, session) in map.sessions.enumerated() {
                for (r, region) in BandSums.regions.enumerated() {
                    columns.append("slope_\(region)_\(map.name)_\(session)")
                    row.append(Cell.number(bands.slope(region: r, series: bandSeriesIndex(m, s), width: options.bandWidthMM)))
                }
            }
        }
        return Table(columns: columns, rows: [row])
    }

    // MARK: - bands.tsv

    /// Column position of map `m`, session `s` among all map-session pairs.
    private func bandSeriesIndex(_ m: Int, _ s: Int) -> Int {
        maps[..<m].reduce(0) { $0 + $1.sessions.count } + s
    }

    private func bandSums() -> BandSums {
        let seriesCount = maps.reduce(0) { $0 + $1.sessions.count }
        guard let distance = regions.distanceToCSF else { return BandSums(seriesCount: seriesCount, bandCount: 0) }
        let width = options.bandWidthMM
        var klass = [Int](repeating: 3, count: maxID + 1)
        for id in regions.lesionIDs.map(Int.init) {
            klass[id] = BandSums.classes.firstIndex(of: tissueClass(geometry.tissueCount[id]))!
        }
        // Each analysed voxel's cell (lesion by its lesion's class, or NAWM), then the sums.
        var slots = [Int32](repeating: -1, count: regions.analysed.count)
        var top = -1
        regions.analysed.withUnsafeBufferPointer { analysed in
            for (r, v) in analysed.enumerated() {
                let region: Int, tissueClass: Int
                if regions.isLesion(v) {
                    (region, tissueClass) = (0, klass[Int(regions.owner[v])])
                } else if regions.nawm[v] == 1 {
                    (region, tissueClass) = (1, 0)
                } else {
                    continue
                }
                let band = distanceBand(distance[r], width: width)
                top = max(top, band)
                slots[r] = Int32(BandSums.slot(region: region, tissueClass: tissueClass, band: band))
            }
        }
        var sums = BandSums(seriesCount: seriesCount, bandCount: top + 1)
        sums.accumulate(slots: slots, series: maps.flatMap(\.values))
        return sums
    }

    func bandTable() -> Table {
        var columns = ["subject"] + inputs.covariates.map(\.name)
        columns += ["region", "tissue_class", "band", "dist_lo_mm", "dist_hi_mm", "n"]
        for map in maps { columns += map.sessions.map { "\(map.name)_\($0)_mean" } }
        var table = Table(columns: columns)
        let width = options.bandWidthMM
        for cell in bands.nonEmptyCells() {
            var row = [inputs.subject] + covariateCells
            row += [BandSums.regions[cell.region], BandSums.classes[cell.tissueClass], String(cell.band),
                    Cell.number(Double(cell.band) * width), Cell.number(Double(cell.band + 1) * width), Cell.count(bands.n[cell.slot])]
            row += (0..<bands.seriesCount).map { bands.mean(cell.slot, series: $0).map(Cell.number) ?? Cell.missing }
            table.rows.append(row)
        }
        return table
    }

    // MARK: - voxels.tsv

    func voxelTable() -> Table {
        var columns = ["subject", "lesion", "component", "i", "j", "k", "tissue", "dist_csf_mm", "band"]
        for map in maps { columns += map.sessions.map { "\(map.name)_\($0)" } }
        let series = maps.flatMap(\.values)
        let dims = images.grid.dims
        var order: [(id: Int32, component: UInt8, voxel: Int, position: Int)] = []
        for (r, v) in regions.analysed.enumerated() where regions.owner[v] > 0 {
            order.append((regions.owner[v], regions.component[v], v, r))
        }
        order.sort { ($0.id, $0.component, $0.voxel) < ($1.id, $1.component, $1.voxel) }
        var table = Table(columns: columns)
        table.rows.reserveCapacity(order.count)
        for (id, c, v, r) in order {
            let d = regions.distanceToCSF?[r]
            var row = [inputs.subject, String(id), Self.componentNames[Int(c)],
                       String(v % dims.x), String(v / dims.x % dims.y), String(v / (dims.x * dims.y)),
                       String(images.tissue[v]), Cell.number(d),
                       d.map { String(distanceBand($0, width: options.bandWidthMM)) } ?? Cell.missing]
            row += series.map { Cell.number(Double($0[r])) }
            table.rows.append(row)
        }
        return table
    }
}

/// Sums per (region, tissue class, band) for bands.tsv and the slopes in subjects.tsv, in flat
/// arrays indexed by `band · 10 + region · 5 + class`.
struct BandSums {
    /// Regions and classes in table order; `all` pools a region's classes.
    static let regions = ["lesion", "nawm"]
    static let classes = ["wm", "cgm", "dgm", "other", "all"]
    static let all = 4

    let seriesCount: Int
    /// Bands held: 0 ..< bandCount.
    let bandCount: Int
    static let cellsPerBand = regions.count * classes.count
    /// Voxels per cell.
    var n: [Int]
    /// Per cell and series: the sum of finite values and their count.
    var sum: [Double]
    var valid: [Int]

    init(seriesCount: Int, bandCount: Int) {
        self.seriesCount = seriesCount
        self.bandCount = bandCount
        let cells = Self.cellsPerBand * bandCount
        n = [Int](repeating: 0, count: cells)
        sum = [Double](repeating: 0, count: cells * seriesCount)
        valid = [Int](repeating: 0, count: cells * seriesCount)
    }

    static func slot(region: Int, tissueClass: Int, band: Int) -> Int {
        band * cellsPerBand + region * classes.count + tissueClass
    }

    func slot(region: Int, tissueClass: Int, band: Int) -> Int {
        Self.slot(region: region, tissueClass: tissueClass, band: band)
    }

    /// Adds each voxel `r` with `slots[r] ≥ 0` to that cell and to its region's `all` cell:
    /// `series[s][r]` for each series (finite values only). Cells must lie below `bandCount`.
    /// Values are added in voxel order within each cell and series.
    mutating func accumulate(slots: [Int32], series: [[Float]]) {
        let perRegion = Self.classes.count
        func pooled(_ slot: Int) -> Int { slot - slot % perRegion + Self.all }
        for slot in slots where slot >= 0 {
            n[Int(slot)] += 1
            n[pooled(Int(slot))] += 1
        }
        let count = seriesCount
        sum.withUnsafeMutableBufferPointer { sum in
            valid.withUnsafeMutableBufferPointer { valid in
                for (s, values) in series.enumerated() {
                    values.withUnsafeBufferPointer { x in
                        for (r, slot) in slots.enumerated() where slot >= 0 {
                            let value = x[r]
                            guard value.isFinite else { continue }
                            let own = Int(slot) * count + s, all = pooled(Int(slot)) * count + s
                            sum[own] += Double(value)
                            valid[own] += 1
                            sum[all] += Double(value)
                            valid[all] += 1
                        }
                    }
                }
            }
        }
    }

    /// Mean of series `s` in a cell, nil without a finite value.
    func mean(_ cell: Int, series s: Int) -> Double? {
        let k = valid[cell * seriesCount + s]
        return k > 0 ? sum[cell * seriesCount + s] / Double(k) : nil
    }

    /// The cells with voxels, in table order: region, class, band.
    func nonEmptyCells() -> [(region: Int, tissueClass: Int, band: Int, slot: Int)] {
        var out: [(Int, Int, Int, Int)] = []
        for r in Self.regions.indices {
            for c in Self.classes.indices {
                for b in 0..<bandCount where n[slot(region: r, tissueClass: c, band: b)] > 0 {
                    out.append((r, c, b, slot(region: r, tissueClass: c, band: b)))
                }
            }
        }
        return out
    }

    /// OLS slope of band means against band centres over the region's `all` cells with band ≥ 1
    /// and a finite mean; nil with fewer than 2 such bands.
    func slope(region: Int, series s: Int, width: Double) -> Double? {
        var points: [(Double, Double)] = []
        for b in 1..<max(bandCount, 1) {
            if let m = mean(slot(region: region, tissueClass: Self.all, band: b), series: s) {
                points.append(((Double(b) + 0.5) * width, m))
            }
        }
        guard points.count >= 2 else { return nil }
        let mx = points.map(\.0).reduce(0, +) / Double(points.count)
        let my = points.map(\.1).reduce(0, +) / Double(points.count)
        let sxy = points.reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = points.reduce(0) { $0 + ($1.0 - mx) * ($1.0 - mx) }
        return sxx > 0 ? sxy / sxx : nil
    }
}
