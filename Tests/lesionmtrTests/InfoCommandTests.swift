import Foundation
import TestSupport
import Testing

/// `lesionmtr info` run as a user would: the built binary, its output and exit status.
@Suite struct InfoCommandTests {
    static let t1 = Reference.packageRoot.appendingPathComponent("sample-data/anatomy/t1.nii.gz").path

    @Test("info on the MNI T1 prints 197×233×189, 1 mm, and nibabel's mean")
    func mniText() throws {
        let result = try runProcess(lesionmtrBinary, ["info", Self.t1])
        #expect(result.stdoutText.contains("197×233×189"))
        #expect(result.stdoutText.contains("1 × 1 × 1 mm"))
        let nibabelMean = try Reference.evaluate(
            "import sys, nibabel; print('%.9g' % nibabel.load(sys.argv[1]).get_fdata().mean())", [Self.t1])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(result.stdoutText.contains("mean \(nibabelMean) "))
    }

    @Test("info --json gives machine-readable facts")
    func json() throws {
        let result = try runProcess(lesionmtrBinary, ["info", "--json", Self.t1])
        let object = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any]
        let file = try #require((object?["files"] as? [[String: Any]])?.first)
        #expect(file["dims"] as? [Int] == [197, 233, 189])
        #expect(file["spacing_mm"] as? [Double] == [1, 1, 1])
        #expect(file["datatype"] as? String == "uint8")
        #expect(file["sform_code"] as? Int == 2)
        #expect(file["affine_source"] as? String == "sform")
    }

    @Test("a missing file: one line on stderr naming it, exit 66, other files still described")
    func missing() throws {
        let result = try runProcess(lesionmtrBinary, ["info", "/nonexistent/scan.nii.gz", Self.t1], check: false)
        #expect(result.status == 66)
        #expect(result.stderr == "lesionmtr: /nonexistent/scan.nii.gz: no such file\n")
        #expect(result.stdoutText.contains("197×233×189"))
    }

    @Test("no file is a usage error, exit 64")
    func usage() throws {
        let result = try runProcess(lesionmtrBinary, ["info"], check: false)
        #expect(result.status == 64)
    }
}

/// The `lesionmtr` executable built beside this test bundle.
let lesionmtrBinary: String = {
    var dir = Bundle.main.bundleURL
    for _ in 0..<3 {
        let candidate = dir.appendingPathComponent("lesionmtr").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return Reference.packageRoot.appendingPathComponent(".build/debug/lesionmtr").path
}()
