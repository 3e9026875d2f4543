import Foundation
import NIfTI
import VoxelKernels

/// One map at its sessions, baseline first; values are Float32 in the map's units.
public struct MapSeries: Sendable {
    /// Map name (`mtr`, `t1`, …).
    public var name: String
    /// Session labels of this map, in table order (baseline first when present).
    public var sessions: [String]
    /// One volume of values per session, in storage order.
    public var values: [[Float]]
}

/// The images of one subject, read, checked to share one grid, and put in table order
/// (`docs/tables.md`: maps in order of first appearance, baseline session first).
public struct SubjectImages: Sendable {
    public var grid: Grid
    /// Lesion id per voxel, 0 outside lesions: the connected components of the mask (> 0), with
    /// the connectivity and minimum size of the options (docs/definitions.md, Lesions), or with `labelled` the
    /// rounded values of the image (≤ 0 → 0).
    public var lesions: [Int32]
    /// Rounded tissue labels, one byte per voxel.
    public var tissue: TissueImage
    /// 1 where CSF (the `--csf` mask > 0, else the tissue label for CSF).
    public var csf: [UInt8]
    public var maps: [MapSeries]
    /// All sessions in table order: the baseline first, then by first appearance.
    public var sessions: [String]
    /// The baseline session.
    public var baseline: String
    /// Doubts about the inputs that do not stop the analysis (`InputChecks`), one line each.
    public var warnings: [String] = []

    /// Reads every file of `inputs` (with up to `threads` workers) and checks the grids: any difference names
    /// both files and what differs; maps must be 3-D. Then `InputChecks`: negative or
    /// all-background tissue labels and maps with no finite value in the brain are refused,
    /// naming the file; lesion and tissue images that look swapped, and lesion ids given as a
    /// binary mask, give warnings (`InputChecks.lesionAndTissueWarnings`). The maps are whole
    /// volumes (`readMaps(at: nil)`).
    public static func load(_ inputs: SubjectInputs, options: AnalysisOptions, threads: Int) throws(AnalysisError) -> SubjectImages {
        var images = try loadAnatomy(inputs, options: options, threads: threads)
        images.maps = try images.readMaps(inputs, options: options, at: nil, threads: threads)
        return images
    }

    /// The lesion, tissue and CSF images of `inputs`, read with up to `threads` workers and checked as by `load`;
    /// the lesion mask is labelled (`lesions` holds the ids); `maps` is left empty (read them with
    /// `readMaps`), `sessions` and `baseline` are set.
    public static func loadAnatomy(_ inputs: SubjectInputs, options: AnalysisOptions, threads: Int) throws(AnalysisError) -> SubjectImages {
        let plan = try MapPlan(inputs.maps, baseline: options.baseline)
        // Lesion, tissue, optional CSF, read at once, each made into what the analysis takes by
        // the thread that read it; problems are then reported in a fixed order (unreadable
        // files, grids, lesion values, tissue labels).
        let paths = [inputs.lesions, inputs.tissue] + (inputs.csf.map { [$0] } ?? [])
        let csfLabel = options.tissueLabels.csf
        let parts = parallelMap(paths.count, threads: threads) { k -> Result<AnatomyPart, NIfTIError> in
            do throws(NIfTIError) {
                switch k {
                case 0:
                    guard options.labelled else {
                        // A mask: read as one (no Float32 copy) and labelled by this thread, while
                        // the other reads the tissue; the mask is dropped once labelled.
                        let (v, positives) = try NIfTIReader.readMask(at: paths[0])
                        let labelled = LesionLabelling.label(v.voxels, dims: v.grid.dims, connectivity: options.connectivity,
                                                             minVoxels: options.minVoxels)
                        let part = LesionPart(ids: labelled.labels, voxels: labelled.voxels, positives: positives)
                        return .success(AnatomyPart(grid: v.grid, lesions: .success(part)))
                    }
                    let v = try NIfTIReader.readFloat(at: paths[0])
                    return .success(AnatomyPart(grid: v.grid, lesions: labelledInput(v.voxels, path: paths[0])))
                case 1:
                    let (v, labels) = try NIfTIReader.readLabelCodes(at: paths[1])
                    let tissue = TissueImage(codes: v.voxels, labels: labels)
                    let problem = InputChecks.tissueProblem(tissue, grid: v.grid, path: paths[1])
                    let csfCode = tissue.code(of: csfLabel)
                    let csf = inputs.csf == nil && problem == nil ? [UInt8](hugePageBacked: v.voxels) { $0 == csfCode ? 1 : 0 } : nil
                    // For the plausibility of the lesion load (one vectorised pass over bytes,
                    // beside the labelling of the lesions on the other thread).
                    let brain = v.voxels.count - ByteCount.count(of: 0, in: v.voxels)
                    return .success(AnatomyPart(grid: v.grid, tissue: tissue, tissueProblem: problem, brainVoxels: brain, csf: csf))
                default:
                    let v = try NIfTIReader.readFloat(at: paths[k])
                    return .success(AnatomyPart(grid: v.grid, csf: [UInt8](hugePageBacked: v.voxels) { $0 > 0 ? 1 : 0 }))
                }
            } catch {
                return .failure(error)
            }
        }
        var read: [AnatomyPart] = []
        for r in parts {
            switch r {
            case .success(let part): read.append(part)
            case .failure(let e): throw .file(e)
            }
        }
        let grid = read[0].grid
        for (n, part) in read.enumerated().dropFirst() {
            try check(part.grid, of: paths[n], against: grid, of: inputs.lesions)
        }
        let lesions = try read[0].lesions!.get()
        if let e = read[1].tissueProblem { throw .file(e) }
        let tissue = read[1].tissue!
        let csf = (read.count > 2 ? read[2].csf : read[1].csf)!
        let warnings = InputChecks.lesionAndTissueWarnings(
            lesionVoxels: lesions.voxels, positives: lesions.positives, brainVoxels: read[1].brainVoxels,
            tissueLabels: tissue.labels, lesionsPath: paths[0], tissuePath: paths[1])
        return SubjectImages(grid: grid, lesions: lesions.ids, tissue: tissue, csf: csf, maps: [],
                             sessions: plan.sessions, baseline: plan.sessions[0], warnings: warnings)
    }

    /// Reads the map files of `inputs` (with up to `threads` workers), checks each against this
    /// subject's grid and tissue (`InputChecks.emptyMap`), and returns the map series in table
    /// order — whole volumes, or with `voxels` only the values at the grid storage indices it
    /// gives, in that order, so that a whole map is held only while it is read. `voxels` is
    /// called once per map, after the map is inflated, so that it may wait for a list still
    /// being computed elsewhere (a `Handoff`); it must give the same list every time, and with
    /// several `threads` it is called from several at once. MT-on/MT-off pairs become MTR voxel
    /// by voxel either way. The first failing map in input order is thrown.
    public func readMaps(_ inputs: SubjectInputs, options: AnalysisOptions, at voxels: (() -> [Int])?,
                         threads: Int) throws(AnalysisError) -> [MapSeries] {
        let plan = try MapPlan(inputs.maps, baseline: options.baseline)
        let specs = inputs.maps
        let grid = grid, tissue = tissue, lesionsPath = inputs.lesions
        // With one thread, one payload buffer serves every map.
        let buffer = threads == 1 ? PayloadBuffer() : nil
        let results = parallelMap(specs.count, threads: threads) { n -> Result<[Float], AnalysisError> in
            let path = specs[n].path
            do throws(NIfTIError) {
                return try NIfTIReader.withFloatVoxels(at: path, buffer: buffer ?? PayloadBuffer()) { mapGrid, all -> Result<[Float], AnalysisError> in
                    do throws(AnalysisError) {
                        try Self.check(mapGrid, of: path, against: grid, of: lesionsPath)
                    } catch {
                        return .failure(error)
                    }
                    if let e = InputChecks.emptyMap(all, tissue: tissue, path: path) { return .failure(.file(e)) }
                    return .success(voxels.map { wanted in wanted().map { all[$0] } } ?? Array(all))
                }
            } catch {
                return .failure(.file(error))
            }
        }
        var values: [[Float]] = []
        for r in results {
            switch r {
            case .success(let v): values.append(v)
            case .failure(let e): throw e
            }
        }
        return plan.series(from: values, minMTOff: Float(options.minMTOff))
    }

    /// Throws unless `other` (of the file at `path`) is the grid of the lesion image at `reference`.
    private static func check(_ other: Grid, of path: String, against grid: Grid, of reference: String) throws(AnalysisError) {
        if let difference = grid.mismatch(with: other) {
            throw .file(NIfTIError(.gridMismatch, path: path, reason: "not on the grid of \(reference): \(difference)"))
        }
    }

    /// What one anatomy file gives, made by the thread that read it.
    private struct AnatomyPart {
        var grid: Grid
        /// The lesion image as taken, or the reason it is refused.
        var lesions: Result<LesionPart, AnalysisError>?
        var tissue: TissueImage?
        var tissueProblem: NIfTIError?
        /// Voxels with tissue ≠ 0.
        var brainVoxels = 0
        var csf: [UInt8]?
    }

    /// The lesion image as taken: ids per voxel, how many voxels are in a lesion, and (read as
    /// a mask) what its positive values look like.
    private struct LesionPart {
        var ids: [Int32]
        var voxels: Int
        var positives: PositiveValues?
    }

    /// The lesion ids of the labelled lesion image `values` (of the file at `path`): the rounded
    /// values (≤ 0 → 0), refused when not finite or beyond 32 bits.
    private static func labelledInput(_ values: [Float], path: String) -> Result<LesionPart, AnalysisError> {
        var ids = [Int32](hugePageBacked: values.count, repeating: 0)
        var inLesions = 0
        for (v, x) in values.enumerated() {
            guard x.isFinite else {
                return .failure(.file(NIfTIError(.badLabels, path: path, reason: "lesion ids must be finite numbers")))
            }
            let r = x.rounded()
            guard r <= Float(Int32.max) else {
                return .failure(.file(NIfTIError(.badLabels, path: path, reason: "lesion id \(x) does not fit in 32 bits")))
            }
            ids[v] = r > 0 ? Int32(r) : 0
            inLesions += r > 0 ? 1 : 0
        }
        return .success(LesionPart(ids: ids, voxels: inLesions, positives: nil))
    }
}
