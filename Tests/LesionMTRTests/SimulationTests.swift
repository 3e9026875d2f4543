import Foundation
import LesionMTR
import NIfTI
import TestSupport
import Testing
import VoxelKernels

/// `lesionmtr simulate` (README, How the simulated trial is made): deterministic, realistic, and with a truth the maps obey.
@Suite(.serialized) struct SimulationTests {
    static let anatomy = Reference.packageRoot.appendingPathComponent("sample-data/anatomy").path

    /// Four subjects on the 2 mm grid (two treated), simulated once for the suite.
    static let trial: Result<String, Error> = Result {
        var p = SimulationParameters()
        p.subjects = 4
        p.seed = 11
        p.gridMM = 2
        let folder = makeTemporaryDirectory("sim").path
        try TrialSimulator.run(p, anatomyFolder: anatomy, output: folder, threads: 2)
        return folder
    }

    static func subjects() throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: try trial.get() + "/truth.json"))
        return (try JSONSerialization.jsonObject(with: data) as! [String: Any])["subjects"] as! [[String: Any]]
    }

    /// Lesion ids (26-connected components, first voxel order) and the tissue labels of a subject.
    static func load(_ subject: String) throws -> (ids: [Int32], sizes: [Int], tissue: [Int32], base: [Float], m6: [Float]) {
        let folder = try trial.get()
        let mask = try NIfTIReader.readLabels(at: "\(folder)/sub-\(subject)/anat/sub-\(subject)_label-lesion_mask.nii.gz")
        let tissue = try NIfTIReader.readLabels(at: "\(folder)/sub-\(subject)/anat/sub-\(subject)_dseg.nii.gz")
        let base = try NIfTIReader.readFloat(at: "\(folder)/sub-\(subject)/ses-base/anat/sub-\(subject)_ses-base_MTRmap.nii.gz")
        let m6 = try NIfTIReader.readFloat(at: "\(folder)/sub-\(subject)/ses-m6/anat/sub-\(subject)_ses-m6_MTRmap.nii.gz")
        let labelled = ConnectedComponents.label(mask.voxels.map { $0 > 0 ? UInt8(1) : 0 }, dims: mask.grid.dims)
        return (labelled.labels, labelled.sizes, tissue.voxels, base.voxels, m6.voxels)
    }

    @Test("the same seed gives byte-identical files with 1 and 2 threads")
    func deterministic() throws {
        var p = SimulationParameters()
        p.subjects = 4
        p.seed = 11
        p.gridMM = 2
        let again = makeTemporaryDirectory("sim-again").path
        try TrialSimulator.run(p, anatomyFolder: Self.anatomy, output: again, threads: 1)
        let first = try Self.trial.get()
        let files = FileManager.default.enumerator(atPath: first)!.compactMap { $0 as? String }
            .filter { !$0.hasSuffix("/") && !(try! FileManager.default.attributesOfItem(atPath: first + "/" + $0)[.type] as! FileAttributeType == .typeDirectory) }
        #expect(files.count == 4 + 4 * 5)  // manifest, participants, truth, dseg + 5 files a subject
        for file in files {
            let a = try Data(contentsOf: URL(fileURLWithPath: first + "/" + file))
            let b = try Data(contentsOf: URL(fileURLWithPath: again + "/" + file))
            #expect(a == b, "\(file) differs")
        }
    }

    @Test("every subject has WM, CGM and DGM lesions, and the mask holds exactly the truth's lesions")
    func lesionClasses() throws {
        for s in try Self.subjects() {
            let lesions = s["lesions"] as! [[String: Any]]
            let classes = Set(lesions.map { $0["tissue_class"] as! String })
            #expect(classes == ["wm", "cgm", "dgm"])
            let (_, sizes, _, _, _) = try Self.load(s["subject"] as! String)
            #expect(sizes == lesions.map { $0["n_voxels"] as! Int })
            #expect(sizes.allSatisfy { $0 >= 3 })
        }
    }

    @Test("every lesion voxel sits in the tissue its class names")
    func lesionTissue() throws {
        let code: [String: Int32] = ["wm": 3, "cgm": 2, "dgm": 4]
        for s in try Self.subjects() {
            let lesions = s["lesions"] as! [[String: Any]]
            let (ids, _, tissue, _, _) = try Self.load(s["subject"] as! String)
            for v in ids.indices where ids[v] > 0 {
                let expected = code[lesions[Int(ids[v]) - 1]["tissue_class"] as! String]!
                #expect(tissue[v] == expected)
            }
        }
    }

    @Test("baseline MTR per tissue is the documented partial-volume mixture of the tissue levels, within noise")
    func tissueLevels() throws {
        // Expected MTR of a healthy voxel: (wm·41 + gm·(33 cortical | 36 deep) + csf·8) pu with the
        // GM/WM fractions of its 2×2×2 block of the 1 mm MNI probabilities, csf = 1 − gm − wm,
        // plus the subject's offset.
        let gm = try NIfTIReader.readFloat(at: Self.anatomy + "/gm.nii.gz")
        let wm = try NIfTIReader.readFloat(at: Self.anatomy + "/wm.nii.gz")
        let d = gm.grid.dims, nd = SIMD3((d.x + 1) / 2, (d.y + 1) / 2, (d.z + 1) / 2)
        var g = [Double](repeating: 0, count: nd.x * nd.y * nd.z), w = g, count = g
        for k in 0..<d.z {
            for j in 0..<d.y {
                for i in 0..<d.x {
                    let t = i / 2 + nd.x * (j / 2 + nd.y * (k / 2)), v = i + d.x * (j + d.y * k)
                    g[t] += Double(gm.voxels[v]) / 255
                    w[t] += Double(wm.voxels[v]) / 255
                    count[t] += 1
                }
            }
        }
        let subject = try Self.subjects()[0]
        let offset = subject["mtr_offset"] as! Double
        let (ids, _, tissue, base, _) = try Self.load(subject["subject"] as! String)
        // Away from lesions (their MTR drop reaches 2 voxels out).
        let nearLesion = CityBlockDistance.distances(ids.map { $0 > 0 ? UInt8(1) : 0 }, dims: nd, bound: 3)
        for (label, gmLevel) in [(Int32(3), 33.0), (2, 33.0), (4, 36.0), (1, 33.0)] {
            var sum = 0.0, n = 0
            for v in tissue.indices where tissue[v] == label && nearLesion[v] > 3 {
                let gv = g[v] / count[v], wv = w[v] / count[v], total = max(gv + wv, 1)
                let expected = (wv / total) * 41 + (gv / total) * gmLevel + max(0, 1 - (gv + wv) / total) * 8
                sum += Double(base[v]) - offset - expected
                n += 1
            }
            #expect(n >= 1000, "label \(label): only \(n) voxels")
            let bias = sum / Double(n)
            // float32 rounding of the mixture is far below the noise SD of 1.5 pu.
            #expect(abs(bias) < 4 * 1.5 / Double(n).squareRoot() + 1e-4, "label \(label): mean residual \(bias) pu over \(n)")
        }
    }

    @Test("follow-up minus baseline in each lesion matches the truth (treated gain, placebo 0) within noise")
    func treatmentEffect() throws {
        var checked = 0
        for s in try Self.subjects() {
            let lesions = s["lesions"] as! [[String: Any]]
            let (ids, sizes, _, base, m6) = try Self.load(s["subject"] as! String)
            var sums = [Double](repeating: 0, count: sizes.count)
            for v in ids.indices where ids[v] > 0 { sums[Int(ids[v]) - 1] += Double(m6[v] - base[v]) }
            for (n, lesion) in lesions.enumerated() where sizes[n] >= 10 {
                let gain = ((lesion["true_gain"] as! [String: [String: Double]])["m6"]!)["whole"]!
                if s["arm"] as! String == "placebo" { #expect(gain == 0) } else { #expect(gain > 0) }
                let observed = sums[n] / Double(sizes[n])
                let tolerance = 4 * 1.5 * 2.0.squareRoot() / Double(sizes[n]).squareRoot()
                #expect(abs(observed - gain) < tolerance, "\(s["subject"]!) lesion \(n + 1): \(observed) vs \(gain)")
                checked += 1
            }
        }
        #expect(checked >= 8)
    }

    @Test("the manifest lists every subject with its maps and covariates")
    func manifest() throws {
        let folder = try Self.trial.get()
        let lines = try String(contentsOfFile: folder + "/manifest.tsv", encoding: .utf8).split(separator: "\n")
        #expect(lines[0] == "subject\tlesions\ttissue\tmtr_base\tmtr_m6\tt1_base\tarm\tage\tsex\tedss\tsite")
        #expect(lines.count == 5)
        for line in lines.dropFirst() {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            #expect(cells.count == 11)
            for path in cells[1...5] { #expect(FileManager.default.fileExists(atPath: folder + "/" + path), "\(path)") }
            #expect(["treated", "placebo"].contains(cells[6]))
        }
        let arms = lines.dropFirst().map { $0.split(separator: "\t")[6] }
        #expect(arms.filter { $0 == "treated" }.count == 2)
    }
}
