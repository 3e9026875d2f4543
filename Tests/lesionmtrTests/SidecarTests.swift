import Foundation
import TestSupport
import Testing

/// The JSON sidecars of a `stats` run: every column described, each family in words of its
/// own, units spelled one way, and the texts `docs/tables.md` gives.
@Suite struct SidecarTests {
    static let tables = ["lesions", "subjects", "bands", "voxels"]
    /// Columns that name or copy something rather than measure it: no units.
    static let identifiers: Set<String> = ["subject", "lesion", "tissue", "band", "arm", "age"]

    /// One table as written: the TSV's columns and rows, and its sidecar's text.
    struct Written: Sendable {
        var columns: [String]
        var rows: [[String]]
        /// The sidecar's bytes. Held as an array, not `Data`: `Data` keeps its storage behind a
        /// tagged pointer that LeakSanitizer cannot follow, so a `Data` in a static reads as a leak.
        var json: [UInt8]

        /// The sidecar's column entries (without `Provenance`).
        var sidecar: [String: [String: Any]] {
            let object = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any] ?? [:]
            return object.filter { $0.key != "Provenance" }.compactMapValues { $0 as? [String: Any] }
        }
    }

    /// A stats run of the small subject with MTR at base and m6, T1 at base, two covariates
    /// and voxels.tsv, per table.
    static let run: Result<[String: Written], Error> = Result {
        let dir = try SmallSubject.write()
        try runProcess(lesionmtrBinary, ["stats", "--lesions", dir + "/lesion.nii.gz", "--tissue", dir + "/tissue.nii.gz",
                                         "--subject", "s1", "--map", "mtr:base=\(dir)/mtr.nii.gz", "--map", "mtr:m6=\(dir)/mtr.nii.gz",
                                         "--map", "t1:base=\(dir)/off.nii.gz", "--covariate", "arm=treated", "--covariate", "age=40",
                                         "--voxels", "-o", dir + "/out"])
        var out: [String: Written] = [:]
        for name in tables {
            let lines = try String(contentsOfFile: "\(dir)/out/\(name).tsv", encoding: .utf8).split(separator: "\n")
                .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            out[name] = Written(columns: lines[0], rows: Array(lines.dropFirst()),
                                json: Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/out/\(name).json"))))
        }
        return out
    }

    static func entry(_ table: String, _ column: String) throws -> [String: Any] {
        try #require(try run.get()[table]?.sidecar[column], "\(table).json has no \(column)")
    }

    @Test("every column of every table has a description of its own, and units or levels unless it names or copies something")
    func everyColumnDescribed() throws {
        for (name, table) in try Self.run.get() {
            #expect(Set(table.sidecar.keys) == Set(table.columns), "\(name).json keys differ from \(name).tsv columns")
            for column in table.columns {
                let entry = try Self.entry(name, column)
                let description = entry["Description"] as? String ?? ""
                #expect(!description.isEmpty && description != column, "\(name).\(column) has no description")
                if !Self.identifiers.contains(column) {
                    #expect(entry["Units"] != nil || entry["Levels"] != nil, "\(name).\(column) has neither units nor levels")
                }
            }
        }
    }

    @Test("no two different columns share a description, in one sidecar or across them")
    func descriptionsDistinct() throws {
        var owner: [String: String] = [:]  // description → column
        for (name, table) in try Self.run.get() {
            for column in table.columns {
                let description = try Self.entry(name, column)["Description"] as! String
                if let other = owner[description] {
                    #expect(other == column, "\(other) and \(column) (\(name)) share '\(description)'")
                }
                owner[description] = column
            }
        }
    }

    @Test("units are spelled one way: MTR in pu, its slopes in pu/mm, T1 as its input; nothing else")
    func unitsOneSpelling() throws {
        var units: Set<String> = []
        for (name, table) in try Self.run.get() {
            for column in table.columns {
                guard let u = try Self.entry(name, column)["Units"] as? String else { continue }
                units.insert(u)
                let isCount = u == "voxels"
                if column.contains("mtr"), !isCount { #expect(u == (column.hasPrefix("slope_") ? "pu/mm" : "pu"), "\(name).\(column): \(u)") }
                if column.contains("t1"), !isCount {
                    #expect(u == (column.hasPrefix("slope_") ? "as the input T1 map (ms or s) per mm" : "as the input T1 map (ms or s)"))
                }
            }
        }
        #expect(units == ["pu", "pu/mm", "as the input T1 map (ms or s)", "as the input T1 map (ms or s) per mm",
                          "mm", "mm^3", "voxels", "lesions", "fraction"])
    }

    @Test("delta_submedian_mtr_<s> is the change from baseline to <s> of the mean MTR over submedian lesions, in pu")
    func primaryOutcome() throws {
        let entry = try Self.entry("subjects", "delta_submedian_mtr_m6")
        let description = try #require(entry["Description"] as? String)
        #expect(description.contains("change from baseline to m6 of the mean MTR over submedian lesions"))
        #expect(entry["Units"] as? String == "pu")
    }

    @Test("each slope column names its region, map and session, with the map's units per mm")
    func slopes() throws {
        let columns = try Self.run.get()["subjects"]!.columns.filter { $0.hasPrefix("slope_") }
        #expect(columns == ["slope_lesion_mtr_base", "slope_nawm_mtr_base", "slope_lesion_mtr_m6", "slope_nawm_mtr_m6",
                            "slope_lesion_t1_base", "slope_nawm_t1_base"])
        for column in columns {
            let parts = column.split(separator: "_").map(String.init)
            let description = try #require(try Self.entry("subjects", column)["Description"] as? String)
            #expect(description.contains("mean \(parts[2]) at \(parts[3])"), "\(column): \(description)")
            #expect(description.contains("region \(parts[1])"), "\(column): \(description)")
        }
    }

    @Test("bands.json lists the tissue_class values bands.tsv holds: wm, cgm, dgm, other and all")
    func bandClasses() throws {
        let bands = try Self.run.get()["bands"]!
        let levels = try #require(try Self.entry("bands", "tissue_class")["Levels"] as? [String: String])
        #expect(Set(levels.keys) == ["wm", "cgm", "dgm", "other", "all"])
        let k = try #require(bands.columns.firstIndex(of: "tissue_class"))
        let held = Set(bands.rows.map { $0[k] })
        #expect(held.isSubset(of: Set(levels.keys)))
        #expect(held.contains("all") && held.contains("wm"))  // the NAWM rows are wm and all
        #expect(try Self.entry("lesions", "tissue_class")["Levels"] as? [String: String] != nil)
    }

    @Test("docs/tables.md explains pu once and uses the sidecars' units and bands' classes")
    func docsAgree() throws {
        let docs = try String(contentsOf: Reference.packageRoot.appendingPathComponent("docs/tables.md"), encoding: .utf8)
        #expect(docs.contains("`pu`"))
        #expect(docs.contains("percentage units"))
        #expect(docs.contains("`pu/mm`"))
        #expect(!docs.contains("pu (percentage units)"))
        for level in ["wm", "cgm", "dgm", "other", "all"] { #expect(docs.contains("`\(level)`")) }
    }
}
