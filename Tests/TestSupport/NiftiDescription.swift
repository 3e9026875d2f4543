import Foundation

/// A NIfTI file as nibabel describes it (`scripts/reference/nifti_json.py` documents the keys).
public struct NiftiDescription: Decodable, Sendable {
    public var name: String?
    public var file: String
    public var version: Int
    public var datatype: Int32
    public var dims: [Int]
    public var spacing: [Double]
    public var qformCode: Int32
    public var sformCode: Int32
    public var affine: [[JSONNumber]]
    public var sclSlope: JSONNumber?
    public var sclInter: JSONNumber?
    public var values: [JSONNumber]
    public var integerValued: Bool

    enum CodingKeys: String, CodingKey {
        case name, file, version, datatype, dims, spacing, affine, values
        case qformCode = "qform_code", sformCode = "sform_code"
        case sclSlope = "scl_slope", sclInter = "scl_inter", integerValued = "integer_valued"
    }
}

/// A float from the reference JSON, where NaN and ±Inf are the strings "nan", "inf", "-inf".
public struct JSONNumber: Decodable, Sendable {
    public var value: Double
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let d = try? c.decode(Double.self) {
            value = d
        } else {
            switch try c.decode(String.self) {
            case "nan": value = .nan
            case "inf": value = .infinity
            case "-inf": value = -.infinity
            case let s: throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a number: \(s)")
            }
        }
    }
}

/// One file a reader must refuse, and the reason category (`not_nifti`, `truncated`, …).
public struct NiftiErrorFixture: Decodable, Sendable, CustomStringConvertible {
    public var name: String
    public var file: String
    public var reason: String
    public var description: String { name }
}

/// The fixtures written by `scripts/reference/nifti_fixtures.py`, generated once per test run.
public struct NiftiFixtures: Decodable, Sendable {
    public var cases: [NiftiDescription]
    public var errors: [NiftiErrorFixture]
    /// The folder holding the files (not part of the JSON).
    public var directory: String = ""

    enum CodingKeys: String, CodingKey { case cases, errors }

    /// Generates the fixtures in a temporary folder (once per process) and decodes expected.json.
    public static let shared: Result<NiftiFixtures, Error> = Result {
        let dir = makeTemporaryDirectory("nifti-fixtures")
        _ = try Reference.run("nifti_fixtures.py", [dir.path])
        let data = try Data(contentsOf: dir.appendingPathComponent("expected.json"))
        var fixtures = try JSONDecoder().decode(NiftiFixtures.self, from: data)
        fixtures.directory = dir.path
        return fixtures
    }

    /// The absolute path of a fixture file.
    public func path(_ file: String) -> String { directory + "/" + file }

    /// nibabel's description of files written elsewhere (`nifti_describe.py`).
    public static func describe(_ paths: [String]) throws -> [NiftiDescription] {
        struct Files: Decodable { var files: [NiftiDescription] }
        return try JSONDecoder().decode(Files.self, from: Reference.run("nifti_describe.py", paths)).files
    }
}

/// Whether `a` and `b` agree within `relative` tolerance (NaN equals NaN, infinities must match).
public func agrees(_ a: Double, _ b: Double, relative: Double, absolute: Double = 0) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if a.isInfinite || b.isInfinite { return a == b }
    return abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}
