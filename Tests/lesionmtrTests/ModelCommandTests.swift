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
        let f = try runProcess(lesionmtrBinary, ["model", folder + "/subjects.tsv", "--formula", "y ~ "], check: false)
        #expect(f.status == 64)
    }

    @Test("the voxel preset on a folder without voxels.tsv says there is no such file and that 'batch … --voxels' writes it (exit 66)")
    func voxelPresetWithoutVoxels() throws {
        let folder = makeTemporaryDirectory("model-novoxels").path
        let r = try runProcess(lesionmtrBinary, ["model", "--preset", "voxel", folder], check: false)
        #expect(r.status == 66)
        #expect(r.stderr.hasPrefix("lesionmtr: \(folder)/voxels.tsv: no such file"), "\(r.stderr)")
        #expect(r.stderr.contains("batch … --voxels"))
        #expect(!r.stderr.contains("no column"))
    }

    @Test("--formula on a folder says it is a folder, names a table in it and --preset (exit 66)")
    func formulaOnFolder() throws {
        let out = try Self.trial.get() + "/out"
        let r = try runProcess(lesionmtrBinary, ["model", out, "--formula", "delta_mtr_m6_mean ~ arm"], check: false)
        #expect(r.status == 66)
        #expect(r.stderr.hasPrefix("lesionmtr: \(out): is a folder; --formula takes a table file, e.g. \(out)/lesions.tsv"), "\(r.stderr)")
        #expect(r.stderr.contains("--preset"))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    @Test("power --from-model with a file that is not there is exit 66 'no such file'")
    func powerFromMissingModel() throws {
        let r = try runProcess(lesionmtrBinary, ["power", "--effect", "0.5", "--from-model", "/nonexistent/missing.json", "--lesions-per-patient", "10"], check: false)
        #expect(r.status == 66)
        #expect(r.stderr.hasPrefix("lesionmtr: /nonexistent/missing.json: no such file"), "\(r.stderr)")
    }

    @Test("the lesion preset names the reference levels in text, TSV and JSON, and notes that arm[T.treated] is the effect in the reference tissue class")
    func referenceLevelsInOutput() throws {
        let out = try Self.trial.get() + "/out"
        let r = try runProcess(lesionmtrBinary, ["model", "--preset", "lesion", out, "-o", out + "/ref.tsv"])
        #expect(r.stdoutText.contains("reference levels: arm=placebo, tissue_class=cgm\n"), "\(r.stdoutText)")
        #expect(r.stdoutText.contains("note: arm[T.treated] is the effect at tissue_class = cgm (reference), not averaged over tissue_class"))
        let tsv = try String(contentsOfFile: out + "/ref.tsv", encoding: .utf8).split(separator: "\n")
        #expect(tsv[0].hasSuffix("\tinference\treference_levels"))
        #expect(tsv.dropFirst().allSatisfy { $0.hasSuffix("\tarm=placebo;tissue_class=cgm") })
        try runProcess(lesionmtrBinary, ["model", "--preset", "lesion", out, "--quiet", "-o", out + "/ref.json"])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/ref.json"))) as! [String: Any]
        let fit = ((json["fits"] as! [[String: Any]])[0]["fit"]) as! [String: Any]
        let refs = try #require(fit["references"] as? [[String: String]])
        #expect(refs == [["factor": "arm", "column": "arm", "level": "placebo"], ["factor": "tissue_class", "column": "tissue_class", "level": "cgm"]])
    }

    @Test("--reference arm=treated and C(arm, Treatment('treated')) both compare with treated; the estimate changes sign")
    func chosenReference() throws {
        let out = try Self.trial.get() + "/out"
        func estimate(_ args: [String], _ name: String) throws -> Double {
            let file = out + "/chosen-\(args.joined().count).json"
            try runProcess(lesionmtrBinary, ["model", out + "/lesions.tsv", "--group", "subject", "--where", "component=whole", "--quiet", "-o", file] + args)
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as! [String: Any]
            let fit = ((json["fits"] as! [[String: Any]])[0]["fit"]) as! [String: Any]
            let c = try #require((fit["coefficients"] as! [[String: Any]]).first { $0["name"] as? String == name }, "\(name)")
            return c["estimate"] as! Double
        }
        let usual = try estimate(["--formula", "delta_mtr_m6_mean ~ arm + mtr_base_mean"], "arm[T.treated]")
        let option = try estimate(["--formula", "delta_mtr_m6_mean ~ arm + mtr_base_mean", "--reference", "arm=treated"], "arm[T.placebo]")
        let formula = try estimate(["--formula", "delta_mtr_m6_mean ~ C(arm, Treatment('treated')) + mtr_base_mean"],
                                   "C(arm, Treatment('treated'))[T.placebo]")
        #expect(abs(option + usual) <= 1e-9 * abs(usual))
        #expect(abs(formula + usual) <= 1e-9 * abs(usual))
        let bad = try runProcess(lesionmtrBinary, ["model", out + "/lesions.tsv", "--formula", "delta_mtr_m6_mean ~ arm", "--reference", "arm=placbo"], check: false)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("no level 'placbo'") && bad.stderr.contains("levels: placebo, treated"), "\(bad.stderr)")
    }

    @Test("the presets compare arm with placebo when it exists: arms active/placebo give arm[T.active] = active − placebo = +2")
    func presetPrefersPlacebo() throws {
        // OLS delta ~ arm + base: both arms have the same bases and the same pattern of deltas,
        // active 2 above placebo row by row, so the adjusted difference is arm[T.active] = 2
        // exactly (by hand: mean difference 2, base means equal).
        let folder = makeTemporaryDirectory("model-active").path
        try """
            subject\tarm\tdelta_submedian_mtr_m6\tsubmedian_mtr_base_mean
            s1\tactive\t2\t30
            s2\tactive\t3.5\t31
            s3\tactive\t4\t32
            s4\tplacebo\t0\t30
            s5\tplacebo\t1.5\t31
            s6\tplacebo\t2\t32

            """.write(toFile: folder + "/subjects.tsv", atomically: true, encoding: .utf8)
        let r = try runProcess(lesionmtrBinary, ["model", "--preset", "primary", folder])
        #expect(r.stdoutText.contains("reference levels: arm=placebo\n"))
        let line = try #require(r.stdoutText.split(separator: "\n").first { $0.hasPrefix("arm[T.active] ") }, "\(r.stdoutText)")
        #expect(Double(line.split(separator: " ")[1]).map { abs($0 - 2) < 1e-9 } == true, "\(line)")
        #expect(!r.stdoutText.contains("arm[T.placebo]"))
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
                                                 "--per-arm", "2", "--simulate", "1", "--trial-effect", "3", "--where", "tissue_class=wm",
                                                 "-o", folder + "/power.json"])
        #expect(r.stdoutText.contains("simulated trials (1 × simulate --subjects 4 --effect 3 → batch → model --preset lesion --where tissue_class=wm"))
        // One replicate cannot give a Monte-Carlo SE: the line says so instead of printing ± 0.
        #expect(r.stdoutText.contains("no Monte-Carlo SE: 1 replicate is too few"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/power.json"))) as! [String: Any]
        let sim = try #require(json["simulated_trials"] as? [String: Any])
        let power = try #require(sim["power"] as? [String: Any])
        #expect(power["replicates"] as? Int == 1)
        #expect(power["monte_carlo_se_note"] is String)
        #expect(power["power"] is Double)
        #expect((sim["mean_standard_error"] as? Double ?? 0) > 0)
    }
}
