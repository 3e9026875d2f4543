import Foundation

/// Where a table came from, recorded in its sidecar: tool, version, command line, parameters,
/// and each input file with its size and modification time.
public struct Provenance: Sendable {
    /// The tool version (`lesionmtr --version`).
    public static let toolVersion = "0.1.0"

    public var commandLine: [String]
    public var parameters: AnalysisOptions
    public var inputFiles: [String]

    public init(commandLine: [String], parameters: AnalysisOptions, inputFiles: [String]) {
        self.commandLine = commandLine
        self.parameters = parameters
        self.inputFiles = inputFiles
    }

    /// `seconds` since 1970 as ISO 8601 UTC to the second (`2026-11-22T04:14:00Z`, as
    /// Foundation's `ISO8601DateFormatter` writes it, without loading ICU for it).
    static func utcTimestamp(_ seconds: Int) -> String {
        var time = seconds
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "n/a" }
        var text = [CChar](repeating: 0, count: 32)
        let n = strftime(&text, text.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return n > 0 ? String(decoding: text[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "n/a"
    }

    /// The provenance as a JSON-ready dictionary.
    func json() -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let params = (try? JSONSerialization.jsonObject(with: encoder.encode(parameters))) ?? [:]
        let files: [[String: Any]] = inputFiles.map { path in
            var st = stat()
            guard stat(path, &st) == 0 else { return ["path": path, "size_bytes": -1, "modified": "n/a"] }
            return ["path": path, "size_bytes": Int(st.st_size), "modified": Self.utcTimestamp(st.st_mtim.tv_sec)]
        }
        return [
            "GeneratedBy": [["Name": "lesionmtr", "Version": Self.toolVersion]],
            "CommandLine": commandLine.joined(separator: " "),
            "Parameters": params,
            "InputFiles": files,
        ]
    }
}

/// The BIDS-style sidecar of a table: each column's `Description` and `Units`, and `Provenance`.
public enum Sidecar {
    /// The sidecar text of the table named `name` (`lesions`, …; sorted keys, so identical
    /// inputs give identical bytes), with the provenance made into a dictionary once
    /// (`Provenance.json`) for all tables of one run.
    static func json(for table: Table, named name: String, covariates: [String], provenance: [String: Any]) -> String {
        var object: [String: Any] = [:]
        for column in table.columns {
            let described = ColumnGlossary.describe(column, table: name, covariates: covariates)
            var entry: [String: Any] = ["Description": described.description]
            if let units = described.units { entry["Units"] = units }
            if let levels = described.levels { entry["Levels"] = levels }
            object[column] = entry
        }
        object["Provenance"] = provenance
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
