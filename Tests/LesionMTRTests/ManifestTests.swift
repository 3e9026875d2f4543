import Foundation
import LesionMTR
import TestSupport
import Testing

/// Manifest text as spreadsheets and editors write it (issue 9).
@Suite struct ManifestTests {
    static let lf = "subject\tlesions\ttissue\tmtr_base\tarm\nsA\tl.nii.gz\tt.nii.gz\tm.nii.gz\tplacebo\nsB\t/abs/l.nii.gz\tt.nii.gz\tm.nii.gz\ttreated\n"

    func inputs(_ m: Manifest) -> [SubjectInputs] {
        m.entries.compactMap { if case .subject(let s) = $0 { s } else { nil } }
    }

    @Test("CRLF line ends read as LF (\"\\r\\n\" is one Character in Swift); relative paths join the manifest's folder")
    func crlf() throws {
        let a = try Manifest.parse(Self.lf, folder: "/data")
        let b = try Manifest.parse(Self.lf.replacingOccurrences(of: "\n", with: "\r\n"), folder: "/data")
        #expect(inputs(a).count == 2)
        #expect(inputs(a) == inputs(b))
        #expect(inputs(a)[0].lesions == "/data/l.nii.gz" && inputs(a)[1].lesions == "/abs/l.nii.gz")
        #expect(inputs(b)[1].covariates == [Covariate(name: "arm", value: "treated")])
    }

    @Test("bad UTF-8 is refused with its line number")
    func badUTF8() throws {
        let path = makeTemporaryDirectory("manifest").appendingPathComponent("m.tsv").path
        var bytes = Array(Self.lf.utf8)
        bytes[bytes.lastIndex(of: UInt8(ascii: "t"))!] = 0xE9
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: Manifest.Failure.self) { try Manifest.read(path) }
        #expect(error.description == "\(path): line 3 is not valid UTF-8 (save the manifest as UTF-8)")
    }
}
