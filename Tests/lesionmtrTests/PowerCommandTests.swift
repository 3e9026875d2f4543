import Foundation
import TestSupport
import Testing

/// `lesionmtr power`: contradictory or ignored options are refused, one line each (exit 64);
/// a negative effect is accepted as written.
struct PowerCommandTests {
    /// A valid closed-form call: Δ = 1, σ² = 4, one lesion per patient.
    static let base = ["power", "--effect", "1", "--sd-residual", "2", "--lesions-per-patient", "1"]

    @Test("--effect -1 works as written and gives the n of Δ = 1: 2 (1.96 + 0.8416)² × 4 / 1 = 62.79 → 63")
    func negativeEffect() throws {
        let r = try runProcess(lesionmtrBinary, ["power", "--effect", "-1", "--sd-residual", "2", "--lesions-per-patient", "1"])
        #expect(r.stdoutText.contains("/ (-1)² = 62.79 → 63 per arm (126 patients)"), "\(r.stdoutText)")
    }

    @Test("--from-model with --sd-residual is refused: give one, not both (exit 64)")
    func fromModelAndSD() throws {
        let r = try runProcess(lesionmtrBinary, Self.base + ["--from-model", "fit.json"], check: false)
        #expect(r.status == 64)
        #expect(r.stderr.contains("--from-model and --sd-residual: give one, not both"), "\(r.stderr)")
    }

    @Test("options that would be ignored are refused naming the option (exit 64)",
          arguments: [(["--split", "wm"], "--from-model"), (["--preset", "component"], "--simulate"),
                      (["--where", "tissue_class=wm"], "--simulate"), (["--trial-effect", "0.5"], "--simulate"),
                      (["--term", "arm[T.treated]"], "--simulate"), (["--seed", "3"], "--simulate")])
    func ignoredOptions(extra: [String], needs: String) throws {
        let r = try runProcess(lesionmtrBinary, Self.base + extra, check: false)
        #expect(r.status == 64)
        let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.contains(extra[0]) && first.contains(needs), "\(r.stderr)")
    }

    @Test("--simulate without --trial-effect is refused: the simulated trials would silently use another effect than --effect (exit 64)")
    func simulateNeedsTrialEffect() throws {
        let r = try runProcess(lesionmtrBinary, ["power", "--effect", "0.5", "--sd-residual", "1", "--lesions-per-patient", "3",
                                                 "--simulate", "3", "--per-arm", "3"], check: false)
        #expect(r.status == 64)
        #expect(r.stderr.contains("--simulate needs --trial-effect") && r.stderr.contains("not --effect 0.5"), "\(r.stderr)")
        #expect(r.stdoutText.isEmpty)
    }

    @Test("a Monte-Carlo power from 5 replicates is printed without a ± and says why")
    func fewReplicates() throws {
        let r = try runProcess(lesionmtrBinary, Self.base + ["--simulate-components", "5", "--per-arm", "3"])
        let line = try #require(r.stdoutText.split(separator: "\n").first { $0.contains("simulated from the variance components") })
        #expect(line.contains("of 5 rejected; no Monte-Carlo SE: 5 replicates are too few"), "\(line)")
        #expect(!line.contains("±"))
    }
}
