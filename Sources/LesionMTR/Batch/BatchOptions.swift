/// How a batch runs (README, What a batch folder holds). Only `analysis`, `voxels` and `writeMasks` change what is
/// computed; the rest changes how, and never the bytes written.
public struct BatchOptions: Sendable {
    public var analysis = AnalysisOptions()
    /// Also write voxels.tsv per subject.
    public var voxels = false
    /// Also write lesion-id and component masks per subject.
    public var writeMasks = false
    /// Cores the batch uses: up to `jobs` subjects at once, one core each; with fewer subjects
    /// than `jobs`, each subject's kernels share the spare cores (`threadsPerSubject`).
    public var jobs = 1
    /// Skip subjects already complete with the same parameters and inputs.
    public var resume = false
    /// Process only the subjects with `row index % count == index` (0-based); nil: all.
    public var shard: Shard?
    /// The command line recorded in the sidecars.
    public var commandLine: [String] = []

    public init() {}
}

/// A deterministic share of a batch: rows `i` with `i % count == index` (`index` 0-based, the
/// way Slurm numbers array tasks 0…N−1).
public struct Shard: Sendable, Equatable {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `K/N` (0 ≤ K < N).
    public init?(parsing text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, k >= 0, k < n else { return nil }
        self.init(index: k, count: n)
    }

    /// The shard of a Slurm array task: `SLURM_ARRAY_TASK_ID` within `SLURM_ARRAY_TASK_COUNT`
    /// (or `SLURM_ARRAY_TASK_MAX − SLURM_ARRAY_TASK_MIN + 1`), ids counted from the minimum.
    public init?(slurmEnvironment env: [String: String]) {
        guard let id = env["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) else { return nil }
        let low = env["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0
        let count = env["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init)
            ?? env["SLURM_ARRAY_TASK_MAX"].flatMap(Int.init).map { $0 - low + 1 }
        guard let count, count >= 1, id - low >= 0, id - low < count else { return nil }
        self.init(index: id - low, count: count)
    }

    /// Whether manifest row `row` belongs to this shard.
    public func contains(_ row: Int) -> Bool { row % count == index }
}

extension BatchOptions {
    /// Worker threads for each subject's kernels when `subjects` subjects are to be analysed:
    /// `jobs` shared among the subjects that run at once (at least 1). Never more threads in
    /// all than `jobs`, so `--jobs 1` keeps to one core (a one-CPU cluster task, a shared node).
    public func threadsPerSubject(subjects: Int) -> Int {
        threadsEach(cores: jobs, items: subjects)
    }
}

/// Threads for each of `items` pieces of work run at once on `cores` cores: the cores shared
/// among the pieces that run at once (at most `cores` of them), at least 1.
func threadsEach(cores: Int, items: Int) -> Int {
    max(1, cores / max(1, min(cores, items)))
}
