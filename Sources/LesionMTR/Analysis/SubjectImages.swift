import Foundation
import NIfTI

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
    /// The lesion image: a binary mask (1 where > 0) or, with `labelled`, the rounded ids (≤ 0 → 0).
    public var lesions: LesionInput
    /// Rounded tissue labels.
    public var tissue: [Int32]
    /// 1 where CSF (the `--csf` mask > 0, else the tissue label for CSF).
    public var csf: [UInt8]
    public var maps: [MapSeries]
    /// All sessions in table order: the baseline first, then by first appearance.
    public var sessions: [String]
    /// The baseline session.
    public var baseline: String
    /// Doubts about the inputs that do not stop the analysis (`InputChecks`), one line each.
    public var warnings: [String] = []

    /// Reads every file of `inputs` (concurrently) and checks the grids: any difference names
    /// both files and what differs; maps must be 3-D. Then `InputChecks`: negative or
    /// all-background tissue labels and maps with no finite value in the brain are refused,
    /// naming the file; lesion ids given as a binary mask give a warning.
    public static func load(_ inputs: SubjectInputs, options: AnalysisOptions) throws(AnalysisError) -> SubjectImages {
        let plan = try MapPlan(inputs.maps, baseline: options.baseline)
        // Read everything at once: lesion, tissue, optional CSF, then each map file.
        var paths = [inputs.lesions, inputs.tissue] + (inputs.csf.map { [$0] } ?? [])
        paths += inputs.maps.map(\.path)
        let results = readAll(paths, labelsAt: [1])
        var volumes: [ReadVolume] = []
        for r in results {
            switch r {
            case .success(let v): volumes.append(v)
            case .failure(let e): throw .file(e)
            }
        }
        let grid = volumes[0].grid
        for (n, v) in volumes.enumerated().dropFirst() {
            if let difference = grid.mismatch(with: v.grid) {
                throw .file(NIfTIError(.gridMismatch, path: paths[n],
                                       reason: "not on the grid of \(inputs.lesions): \(difference)"))
            }
        }
        let lesionValues = volumes[0].floats!
        var warnings: [String] = []
        let lesions: LesionInput
        if options.labelled {
            var ids = [Int32](hugePageBacked: lesionValues.count, repeating: 0)
            for (v, x) in lesionValues.enumerated() {
                guard x.isFinite else {
                    throw .file(NIfTIError(.badLabels, path: inputs.lesions, reason: "lesion ids must be finite numbers"))
                }
                let r = x.rounded()
                guard r <= Float(Int32.max) else {
                    throw .file(NIfTIError(.badLabels, path: inputs.lesions, reason: "lesion id \(x) does not fit in 32 bits"))
                }
                ids[v] = r > 0 ? Int32(r) : 0
            }
            lesions = .ids(ids)
        } else {
            if let w = InputChecks.labelledLookingMask(lesionValues, path: inputs.lesions) { warnings.append(w) }
            lesions = .mask([UInt8](hugePageBacked: lesionValues) { $0 > 0 ? 1 : 0 })
        }
        let tissue = volumes[1].labels!
        if let e = InputChecks.tissueProblem(tissue, grid: grid, path: inputs.tissue) { throw .file(e) }
        let csf: [UInt8]
        var next = 2
        if inputs.csf != nil {
            csf = [UInt8](hugePageBacked: volumes[2].floats!) { $0 > 0 ? 1 : 0 }
            next = 3
        } else {
            let label = options.tissueLabels.csf
            csf = [UInt8](hugePageBacked: tissue) { $0 == label ? 1 : 0 }
        }
        let mapVolumes = volumes[next...].map { $0.floats! }
        for (values, spec) in zip(mapVolumes, inputs.maps) {
            if let e = InputChecks.emptyMap(values, tissue: tissue, path: spec.path) { throw .file(e) }
        }
        let maps = plan.series(from: Array(mapVolumes), minMTOff: Float(options.minMTOff))
        return SubjectImages(grid: grid, lesions: lesions, tissue: tissue, csf: csf, maps: maps,
                             sessions: plan.sessions, baseline: plan.sessions[0], warnings: warnings)
    }

    /// A volume as read: Float32 values or rounded labels, with its grid.
    struct ReadVolume: @unchecked Sendable {
        var grid: Grid
        var floats: [Float]?
        var labels: [Int32]?
    }

    /// Reads `paths` concurrently: those at `labelsAt` as labels, the others as Float32.
    static func readAll(_ paths: [String], labelsAt: Set<Int>) -> [Result<ReadVolume, NIfTIError>] {
        let out = UnsafeMutableBufferPointer<Result<ReadVolume, NIfTIError>?>.allocate(capacity: paths.count)
        out.initialize(repeating: nil)
        defer {
            _ = out.deinitialize()
            out.deallocate()
        }
        let box = SendableBuffer(out)
        DispatchQueue.concurrentPerform(iterations: paths.count) { n in
            let result: Result<ReadVolume, NIfTIError>
            do throws(NIfTIError) {
                if labelsAt.contains(n) {
                    let v = try NIfTIReader.readLabels(at: paths[n])
                    result = .success(ReadVolume(grid: v.grid, labels: v.voxels))
                } else {
                    let v = try NIfTIReader.readFloat(at: paths[n])
                    result = .success(ReadVolume(grid: v.grid, floats: v.voxels))
                }
            } catch {
                result = .failure(error)
            }
            box.buffer[n] = result
        }
        return out.map { $0! }
    }
}

/// A lesion image as the analysis takes it.
public enum LesionInput: Sendable {
    /// Binary input: 1 where the image is > 0, else 0.
    case mask([UInt8])
    /// Labelled input: the ids to keep (0 outside lesions).
    case ids([Int32])
}

/// A buffer written by concurrent workers at distinct indices.
struct SendableBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}
