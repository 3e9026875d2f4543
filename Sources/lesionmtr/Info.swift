import ArgumentParser
import Foundation
import NIfTI

/// `lesionmtr info FILE...`: what a NIfTI file holds, as lesionmtr will read it.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe NIfTI files: version, dims, spacing, datatype, scaling, transforms, value range.",
        discussion: """
            Reads each file exactly as the analysis would (NIfTI-1 or NIfTI-2; .nii, .nii.gz, \
            .hdr/.img) and prints one block per file. Values are after scl_slope/scl_inter \
            (a slope of 0 or NaN means no scaling); min, mean and max are over finite voxels. \
            The affine in use is the sform if its code > 0, else the qform if its code > 0, \
            else diag(pixdim). Exit status 0 if every file was read, else the sysexits code of \
            the first failure (65 bad data, 66 missing or unreadable).
            """)

    @Argument(help: ArgumentHelp("NIfTI files to describe.", valueName: "file"))
    var files: [String]

    @Flag(help: "Print one JSON document ({\"files\": [...]}) instead of text blocks.")
    var json = false

    func run() throws {
        var summaries: [ImageSummary] = []
        var firstFailure: Int32?
        for file in files {
            do {
                let (header, volume) = try NIfTIReader.readFloatWithHeader(at: file)
                summaries.append(ImageSummary(file: file, header: header, volume: volume))
            } catch {
                printError(error.description)
                firstFailure = firstFailure ?? error.exitCode
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            let data = try encoder.encode(["files": summaries])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(summaries.map(InfoText.block).joined(separator: "\n"))
        }
        if let code = firstFailure { throw ExitCode(code) }
    }
}

/// Human-readable rendering of an `ImageSummary`.
enum InfoText {
    static func block(_ s: ImageSummary) -> String {
        func num(_ x: Double?) -> String { x.map { String(format: "%.9g", $0) } ?? "n/a" }
        func matrix(_ m: [[Double]]) -> String {
            m.prefix(3).map { "[" + $0.map { String(format: "%.6g", $0) }.joined(separator: " ") + "]" }.joined(separator: " ")
        }
        let count = s.dims.reduce(1, *)
        let scaling = s.scalingApplied
            ? "slope \(num(s.sclSlope)), intercept \(num(s.sclInter))"
            : "none (scl_slope \(s.sclSlope.map { String(format: "%g", $0) } ?? "NaN"))"
        return """
            \(s.file)
              format    NIfTI-\(s.niftiVersion)\(s.compressed ? ", gzip" : "")
              dims      \(s.dims.map(String.init).joined(separator: "×")) (\(count) voxels)
              spacing   \(s.spacingMM.map { String(format: "%g", $0) }.joined(separator: " × ")) mm
              datatype  \(s.datatype) (code \(s.datatypeCode))
              scaling   \(scaling)
              qform     code \(s.qformCode)\(s.qformCode > 0 ? " " + matrix(s.qform) : "")
              sform     code \(s.sformCode)\(s.sformCode > 0 ? " " + matrix(s.sform) : "")
              affine    from \(s.affineSource): \(matrix(s.affine))
              values    min \(num(s.min))  mean \(num(s.mean))  max \(num(s.max))  non-finite \(s.nonFinite)
            """
    }
}
