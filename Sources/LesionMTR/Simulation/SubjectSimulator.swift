import Foundation
import NIfTI

/// The maps of one simulated subject, ready to be written.
struct SimulatedSubject {
    var truth: SubjectTruth
    /// 1 in lesion voxels, 0 elsewhere.
    var lesionMask: [UInt8]
    /// MTR (pu) per session, in `parameters.sessions` order.
    var mtr: [[Float]]
    /// T1 (ms) at baseline.
    var t1: [Float]
}

/// Simulates one subject on a shared anatomy: covariates, lesions, MTR and T1 maps with noise,
/// and the treatment effect in the treated arm. Deterministic in (seed, subject index).
struct SubjectSimulator {
    let anatomy: SimulatedAnatomy
    let parameters: SimulationParameters

    /// A lesion while it is being simulated: voxels by component.
    private struct Lesion {
        var kind: LesionKind
        var voxels: [Int]
        var core: [Int] = []
        var rim: [Int] = []
        var perilesional: [Int] = []
        var drop: Double
    }

    func simulate(index: Int, subject: String, treated: Bool) -> SimulatedSubject {
        var rng = SeededRandom(seed: parameters.seed, stream: UInt64(index) + 1)
        let p = parameters
        let age = min(65, max(18, Int(rng.normal(mean: 42, sd: 9).rounded())))
        let sex = rng.uniform() < 0.7 ? "F" : "M"
        let edss = Double(Int(rng.uniform() * 14)) * 0.5
        let site = ["A", "B", "C"][Int(rng.next() % 3)]
        let offset = rng.normal(mean: 0, sd: p.subjectSD)

        var lesions = placeLesions(&rng)
        // Ids follow the first voxel in storage order, as the analysis numbers components.
        lesions.sort { $0.voxels[0] < $1.voxels[0] }
        let count = anatomy.grid.voxelCount
        var mask = [UInt8](repeating: 0, count: count)
        for l in lesions { for v in l.voxels { mask[v] = 1 } }
        for n in lesions.indices { splitComponents(&lesions[n], mask: mask) }

        // Noise-free baseline MTR and T1.
        var mtrTrue = anatomy.mtrTemplate
        var t1True = anatomy.t1Template
        for v in 0..<count where anatomy.tissue[v] != 0 { mtrTrue[v] += Float(offset) }
        for l in lesions {
            for v in l.core { mtrTrue[v] -= Float(l.drop * p.coreDropRatio); t1True[v] += Float(p.t1LesionIncrease) }
            for v in l.rim { mtrTrue[v] -= Float(l.drop); t1True[v] += Float(0.7 * p.t1LesionIncrease) }
            for v in l.perilesional { mtrTrue[v] -= Float(l.drop * p.perilesionalDropRatio) }
        }

        // The treatment gain at the last session, voxel by voxel.
        var gain: [(voxel: Int, gain: Double)] = []
        var truths: [LesionTruth] = []
        let followUps = Array(p.sessions.dropFirst())
        for (n, l) in lesions.enumerated() {
            var baseline: [String: Double] = [:]
            var lastGain: [String: Double] = [:]
            let components: [(String, [Int], Double)] = [
                ("whole", l.voxels, .nan), ("core", l.core, p.coreEffectRatio),
                ("rim", l.rim, 1), ("perilesional", l.perilesional, p.perilesionalEffectRatio),
            ]
            let tissueFactor = l.kind.tissueClass == "wm" ? 1 : p.gmEffectRatio
            for (name, voxels, componentFactor) in components {
                baseline[name] = mean(voxels.map { Double(mtrTrue[$0]) })
                guard name != "whole" else { continue }
                var sum = 0.0
                for v in voxels {
                    let g = treated ? gainAt(v, baseline: Double(mtrTrue[v]), tissue: tissueFactor, component: componentFactor) : 0
                    if g != 0 { gain.append((v, g)) }
                    sum += g
                }
                lastGain[name] = voxels.isEmpty ? .nan : sum / Double(voxels.count)
            }
            let wholeSum = (lastGain["core"].map { $0.isNaN ? 0 : $0 * Double(l.core.count) } ?? 0)
                + (lastGain["rim"] ?? 0) * Double(l.rim.count)
            lastGain["whole"] = wholeSum / Double(l.voxels.count)
            var bySession: [String: [String: Double]] = [:]
            for (k, session) in followUps.enumerated() {
                let share = Double(k + 1) / Double(followUps.count)
                bySession[session] = lastGain.filter { !$0.value.isNaN }.mapValues { $0 * share }
            }
            let first = l.voxels[0]
            let dims = anatomy.grid.dims
            truths.append(LesionTruth(
                id: n + 1, kind: l.kind, tissueClass: l.kind.tissueClass,
                firstVoxel: [first % dims.x, first / dims.x % dims.y, first / (dims.x * dims.y)],
                nVoxels: l.voxels.count, nCore: l.core.count, nRim: l.rim.count,
                nPerilesional: l.perilesional.count, mtrDrop: l.drop,
                trueBaselineMTR: baseline.filter { !$0.value.isNaN }, trueGain: bySession))
        }

        // Observed maps: truth + share of the gain + noise, in brain voxels only.
        var maps: [[Float]] = []
        for k in p.sessions.indices {
            var map = mtrTrue
            let share = k == 0 ? 0 : Float(k) / Float(p.sessions.count - 1)
            if share > 0 { for (v, g) in gain { map[v] += share * Float(g) } }
            for v in 0..<count where anatomy.tissue[v] != 0 {
                map[v] += Float(rng.normal() * p.mtrNoiseSD)
            }
            maps.append(map)
        }
        for v in 0..<count where anatomy.tissue[v] != 0 { t1True[v] += Float(rng.normal() * p.t1NoiseSD) }

        let truth = SubjectTruth(subject: subject, arm: treated ? "treated" : "placebo", age: age, sex: sex,
                                 edss: edss, site: site, mtrOffset: offset, lesions: truths)
        return SimulatedSubject(truth: truth, lesionMask: mask, mtr: maps, t1: t1True)
    }

    /// The gain at voxel `v` at the last session (pu), by the rule of `SimulationParameters.effect`.
    private func gainAt(_ v: Int, baseline: Double, tissue: Double, component: Double) -> Double {
        let p = parameters
        let lowMTR = max(0, 1 + p.lowMTRSlope * (p.lowMTRReference - baseline))
        let d = Double(anatomy.distanceToCSF[v])
        let csf = d.isFinite ? 1 - Foundation.exp(-d / p.csfLengthMM) : 1
        return p.effect * tissue * component * lowMTR * csf
    }

    /// Draws the number, kinds and sizes of lesions and grows them.
    private func placeLesions(_ rng: inout SeededRandom) -> [Lesion] {
        let p = parameters
        let n = p.lesionsMin + Int(rng.next() % UInt64(p.lesionsMax - p.lesionsMin + 1))
        // At least one lesion of each tissue class; the rest mostly in white matter.
        var kinds: [LesionKind] = [.periventricular, .cortical, .deepGrey]
        let mix: [(LesionKind, Double)] = [(.periventricular, 0.35), (.deepWhiteMatter, 0.25), (.juxtacortical, 0.15),
                                           (.cortical, 0.15), (.deepGrey, 0.10)]
        while kinds.count < n {
            var u = rng.uniform()
            for (kind, w) in mix { if u < w { kinds.append(kind); break }; u -= w }
        }
        var grower = LesionGrower(dims: anatomy.grid.dims, tissue: anatomy.tissue)
        let scale = Double(p.gridMM * p.gridMM * p.gridMM)
        var lesions: [Lesion] = []
        for kind in kinds {
            let candidates = anatomy.seeds[kind] ?? []
            guard !candidates.isEmpty else { continue }
            let maxSize = Double(kind.tissueClass == "wm" ? p.lesionMaxVoxels : p.lesionMaxVoxels / 4) / scale
            let target = max(3, Int(Foundation.exp(Foundation.log(3) + rng.uniform() * (Foundation.log(max(maxSize, 4)) - Foundation.log(3)))))
            let label = UInt8(kind.tissueClass == "wm" ? 3 : kind.tissueClass == "cgm" ? 2 : 4)
            for _ in 0..<50 {
                let seed = candidates[Int(rng.next() % UInt64(candidates.count))]
                if let voxels = grower.grow(from: seed, label: label, target: target, rng: &rng) {
                    let drop = max(2, rng.normal(mean: p.lesionDropMean, sd: p.lesionDropSD))
                    lesions.append(Lesion(kind: kind, voxels: voxels, drop: drop))
                    break
                }
            }
        }
        return lesions
    }

    /// Rim (a 6-neighbour outside the lesion, or the grid edge), core (the rest) and perilesional
    /// shell (non-lesion brain voxels that are not CSF within 2 city-block steps). Computed here,
    /// independently of `LesionRegions`, so that truth.json checks the analysis, not repeats it.
    private func splitComponents(_ lesion: inout Lesion, mask: [UInt8]) {
        let dims = anatomy.grid.dims
        let members = Set(lesion.voxels)
        for v in lesion.voxels {
            let ns = LesionGrower.neighbours(v, dims: dims)
            let onEdge = ns.count < 6
            if onEdge || ns.contains(where: { !members.contains($0) }) { lesion.rim.append(v) } else { lesion.core.append(v) }
        }
        var seen = members
        var layer = lesion.voxels
        var shell: [Int] = []
        for _ in 0..<2 {
            var next: [Int] = []
            for v in layer {
                for n in LesionGrower.neighbours(v, dims: dims) where !seen.contains(n) {
                    seen.insert(n)
                    next.append(n)
                    let t = anatomy.tissue[n]
                    if mask[n] == 0, t != 0, t != 1 { shell.append(n) }
                }
            }
            layer = next
        }
        lesion.perilesional = shell.sorted()
    }

    private func mean(_ xs: [Double]) -> Double {
        xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count)
    }
}
