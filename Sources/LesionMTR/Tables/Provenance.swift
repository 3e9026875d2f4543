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

    /// The provenance as a JSON-ready dictionary.
    func json() -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let params = (try? JSONSerialization.jsonObject(with: encoder.encode(parameters))) ?? [:]
        let files: [[String: Any]] = inputFiles.map { path in
            let attributes = (try? FileManager.default.attributesOfItem(atPath: path)) ?? [:]
            let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
            let mtime = (attributes[.modificationDate] as? Date).map { ISO8601DateFormatter().string(from: $0) } ?? "n/a"
            return ["path": path, "size_bytes": size, "modified": mtime]
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
    /// The sidecar text (sorted keys, so identical inputs give identical bytes).
    public static func json(for table: Table, maps: [String], covariates: [String], provenance: Provenance) -> String {
        var object: [String: Any] = [:]
        for column in table.columns {
            let (description, units) = ColumnGlossary.describe(column, maps: maps, covariates: covariates)
            var entry: [String: Any] = ["Description": description]
            if let units { entry["Units"] = units }
            object[column] = entry
        }
        object["Provenance"] = provenance.json()
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
