import Foundation
import TestSupport
import Testing

/// `lesionmtr model` and `lesionmtr power` end to end, on a small simulated trial.
@Suite(.serialized) struct ModelCommandTests {
    /// Eight simulated subjects on the 2 mm grid, analysed by `batch --voxels`, made once.
    static let trial: Result<String, Error> = Result {
        let folder = makeTemporaryDirectory("model-trial").path
        try runProcess(lesionmtrBinary, ["simulate", "--subjects", "8", "--grid", "2mm", "--seed", "7", "--quiet", "-o", folder + "/trial"])
        try runProcess(lesionmtrBinary, ["batch", folder + "/trial/manifest.tsv", "-o", folder + "/out", "--voxels", "--quiet"])
        return folder
    }

    struct Coefficient: Decodable { var name: String; var estimate, se: Double }
    struct Case: Decodable { var name, formula, table: String; var group, nested: String?; var coefficients: [Coefficient] }

    @Test("on a simulated trial's tables, model agrees with statsmodels (lesion, component and primary analyses)")
    func statsmodelsOnTrial() throws {
        let folder = try Self.trial.get()
        _ = try Reference.run("mixedlm_cases.py", [folder + "/cases", "--tables", folder + "/out"])
        struct File: Decodable { var cases: [Case] }
        let cases = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/cases/cases.json"))).cases
        #expect(cases.map(\.name) == ["trial_lesion", "trial_component", "trial_primary"])
        for c in cases {
            var args = ["model", c.table, "--formula", c.formula, "--quiet", "-o", folder + "/\(c.name).json"]
            if let g = c.group { args += ["--group", g] }
            if let n = c.nested { args += ["--nested", n] }
            try runProcess(lesionmtrBinary, args)
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/\(c.name).json"))) as! [String: Any]
            let fit = ((json["fits"] as! [[String: Any]])[0]["fit"]) as! [String: Any]
            let ours = Dictionary(uniqueKeysWithValues: (fit["coefficients"] as! [[String: Any]]).map { ($0["name"] as! String, $0) })
            for ref in c.coefficients {
                let o = try #require(ours[ref.name], "\(c.name): \(ref.name) missing")
                let scale = max(abs(ref.estimate), ref.se)
                #expect(abs(o["estimate"] as! Double - ref.estimate) <= 1e-4 * scale, "\(c.name) \(ref.name) estimate")
                #expect(abs(o["se"] as! Double - ref.se) <= 1e-4 * ref.se, "\(c.name) \(ref.name) se")
            }
        }
    }

    @Test("every preset fits the batch output and reports the treatment effect")
    func presets() throws {
        let out = try Self.trial.get() + "/out"
        for preset in ["primary", "lesion", "component", "voxel"] {
            let r = try runProcess(lesionmtrBinary, ["model", "--preset", preset, out])
            #expect(r.stdoutText.contains("arm[T.treated]"), "\(preset): \(r.stdoutText)")
        }
        let split = try runProcess(lesionmtrBinary, ["model", "--preset", "lesion", out, "--by", "tissue_class", "-o", out + "/by.tsv"])
        #expect(split.stdoutText.contains("── tissue_class = wm ──"))
        let tsv = try String(contentsOfFile: out + "/by.tsv", encoding: .utf8)
        #expect(tsv.contains("tissue_class=cgm\tcoefficient\tarm[T.treated]\t"))
    }

    @Test("a preset on a table without a column it needs fails with one line naming the table and the column (exit 65)")
    func missingColumn() throws {
        let folder = makeTemporaryDirectory("model-missing").path
        try "subject\tage\tdelta_submedian_mtr_m6\tsubmedian_mtr_base_mean\ns1\t40\t0.5\t30\n".write(toFile: folder + "/subjects.tsv", atomically: true, encoding: .utf8)
        let r = try runProcess(lesionmtrBinary, ["model", "--preset", "primary", folder], check: false)
        #expect(r.status == 65)
        #expect(r.stderr == "lesionmtr: \(folder)/subjects.tsv: no column 'arm' (needed by the primary preset)\n")
        let v = try runProcess(lesionmtrBinary, ["model", "--preset", "voxel", folder], check: false)
        #expect(v.status == 66)
        #expect(v.stderr.contains("voxels.tsv"))
        let f = try runProcess(lesionmtrBinary, ["model", folder + "/subjects.tsv", "--formula", "y ~ "], check: false)
        #expect(f.status == 64)
    }

    @Test("power gives the closed-form n per arm: Δ = 1, σ² = 4 → 62.79 → 63")
    func power() throws {
        let r = try runProcess(lesionmtrBinary, ["power", "--effect", "1", "--sd-residual", "2", "--lesions-per-patient", "1"])
        #expect(r.stdoutText.contains("= 62.79 → 63 per arm (126 patients)"), "\(r.stdoutText)")
    }

    @Test("power reads the variance components of a fitted model")
    func powerFromModel() throws {
        let out = try Self.trial.get() + "/out"
        try runProcess(lesionmtrBinary, ["model", "--preset", "lesion", out, "--by", "tissue_class", "--quiet", "-o", out + "/lesion.json"])
        let r = try runProcess(lesionmtrBinary, ["power", "--effect", "0.5", "--from-model", out + "/lesion.json", "--split", "wm",
                                                 "--lesions-per-patient", "10"])
        #expect(r.stdoutText.contains("per arm"))
        let bad = try runProcess(lesionmtrBinary, ["power", "--effect", "0.5", "--from-model", out + "/lesion.json", "--lesions-per-patient", "10"], check: false)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("choose one with --split"))
    }

    @Test("power --simulate runs whole trials (simulate → batch → model) and reports the empirical power")
    func powerSimulatedTrials() throws {
        let folder = makeTemporaryDirectory("power-sim").path
        let r = try runProcess(lesionmtrBinary, ["power", "--effect", "1", "--sd-residual", "1", "--lesions-per-patient", "10",
                                                 "--per-arm", "2", "--simulate", "1", "--where", "tissue_class=wm",
                                                 "-o", folder + "/power.json"])
        #expect(r.stdoutText.contains("simulated trials (1 × simulate --subjects 4 → batch → model --preset lesion --where tissue_class=wm"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/power.json"))) as! [String: Any]
        let sim = try #require(json["simulated_trials"] as? [String: Any])
        let power = try #require(sim["power"] as? [String: Any])
        #expect(power["replicates"] as? Int == 1)
        #expect(power["power"] is Double)
        #expect((sim["mean_standard_error"] as? Double ?? 0) > 0)
    }
}
