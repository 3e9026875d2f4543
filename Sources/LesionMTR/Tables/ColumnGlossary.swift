/// Descriptions, units and levels of every column lesionmtr writes, for the BIDS-style JSON
/// sidecars (`docs/tables.md` says the same in words). Units are spelled one way everywhere:
/// `pu` (percentage units, the scale of MTR = 100 × (MToff − MTon) / MToff), `pu/mm`, `mm`,
/// `mm^3`, `voxels`, `lesions`, `fraction`; a map other than MTR is in the units of its input.
public enum ColumnGlossary {
    /// What a sidecar says about one column: a description, and units for a quantity or levels
    /// (value → meaning) for a categorical column; an identifier or a covariate has neither.
    public struct Entry: Sendable, Equatable {
        public var description: String
        public var units: String?
        public var levels: [String: String]?

        init(_ description: String, units: String? = nil, levels: [String: String]? = nil) {
            self.description = description
            self.units = units
            self.levels = levels
        }
    }

    /// Units of a map's values: `pu` for MTR; the input's own units otherwise (T1: ms or s).
    static func units(ofMap name: String) -> String {
        switch name {
        case "mtr": "pu"
        case "t1": "as the input T1 map (ms or s)"
        default: "as the input \(name) map"
        }
    }

    /// Units of a slope of map `name` against distance: `pu/mm` for MTR.
    static func slopeUnits(ofMap name: String) -> String {
        name == "mtr" ? "pu/mm" : units(ofMap: name) + " per mm"
    }

    /// The lesion classes, as `tissue_class` holds them.
    static let classLevels = [
        "wm": "white matter: most of the lesion's voxels are WM (ties go to WM, then CGM, then DGM)",
        "cgm": "cortical grey matter: most of the lesion's voxels are cortical GM",
        "dgm": "deep grey matter: most of the lesion's voxels are deep GM",
        "other": "none of the lesion's voxels is WM, cortical GM or deep GM",
    ]

    static let componentLevels = [
        "core": "lesion voxels farther from the lesion's edge than the rim width",
        "rim": "lesion voxels within the rim width of the lesion's edge",
        "perilesional": "voxels in no lesion, within the perilesional width of this lesion (its nearest), brain and not CSF",
    ]

    /// Columns whose meaning does not depend on the maps; those of one table only are looked up
    /// first in `perTable`.
    static let fixed: [String: Entry] = [
        "subject": Entry("Subject label"),
        "lesion": Entry("Lesion id: 1…n by first voxel in storage order (with --labelled: the given id)"),
        "n_voxels": Entry("Voxels in this component", units: "voxels"),
        "volume_mm3": Entry("Volume of this component: n_voxels × voxel volume", units: "mm^3"),
        "centroid_x": Entry("World x of the whole lesion's centroid (affine in use)", units: "mm"),
        "centroid_y": Entry("World y of the whole lesion's centroid (affine in use)", units: "mm"),
        "centroid_z": Entry("World z of the whole lesion's centroid (affine in use)", units: "mm"),
        "frac_wm": Entry("Fraction of the whole lesion's voxels labelled WM", units: "fraction"),
        "frac_cgm": Entry("Fraction of the whole lesion's voxels labelled cortical GM", units: "fraction"),
        "frac_dgm": Entry("Fraction of the whole lesion's voxels labelled deep GM", units: "fraction"),
        "dist_csf_mean_mm": Entry("Mean Euclidean distance from this component's voxels to the nearest CSF voxel", units: "mm"),
        "dist_csf_min_mm": Entry("Smallest Euclidean distance from this component's voxels to the nearest CSF voxel", units: "mm"),
        "below_subject_median": Entry("Whether the whole lesion's baseline MTR mean is below the subject's median over lesions (mtr_subject_median)",
                                      levels: ["1": "below the median (a submedian lesion)", "0": "at or above it, or no finite baseline MTR"]),
        "n_lesions": Entry("Number of lesions", units: "lesions"),
        "n_lesions_wm": Entry("Lesions of class wm", units: "lesions"),
        "n_lesions_cgm": Entry("Lesions of class cgm", units: "lesions"),
        "n_lesions_dgm": Entry("Lesions of class dgm", units: "lesions"),
        "n_lesions_other": Entry("Lesions of class other", units: "lesions"),
        "lesion_volume_mm3": Entry("Total lesion volume", units: "mm^3"),
        "lesion_volume_wm_mm3": Entry("Volume of the lesions of class wm", units: "mm^3"),
        "lesion_volume_cgm_mm3": Entry("Volume of the lesions of class cgm", units: "mm^3"),
        "lesion_volume_dgm_mm3": Entry("Volume of the lesions of class dgm", units: "mm^3"),
        "lesion_volume_other_mm3": Entry("Volume of the lesions of class other", units: "mm^3"),
        "mtr_subject_median": Entry("Median over lesions of the whole-lesion baseline MTR mean", units: "pu"),
        "n_submedian": Entry("Submedian lesions: those with below_subject_median = 1", units: "lesions"),
        "nawm_n_voxels": Entry("Voxels of normal-appearing white matter (NAWM)", units: "voxels"),
        "region": Entry("Region of the row's voxels",
                        levels: ["lesion": "voxels of whole lesions (core and rim)", "nawm": "normal-appearing white matter"]),
        "band": Entry("Distance band: the largest k ≥ 0 with k × band width ≤ distance to CSF (within a relative 1e-12, so a voxel at an exact multiple of the width is in the upper band); band 0 is the nearest to CSF"),
        "dist_lo_mm": Entry("Lower edge of the band's distance to CSF: band × band width", units: "mm"),
        "dist_hi_mm": Entry("Upper edge of the band's distance to CSF: (band + 1) × band width", units: "mm"),
        "n": Entry("Voxels in this region, class and band", units: "voxels"),
        "i": Entry("Voxel index along the first axis of the grid", units: "voxels"),
        "j": Entry("Voxel index along the second axis of the grid", units: "voxels"),
        "k": Entry("Voxel index along the third axis of the grid", units: "voxels"),
        "tissue": Entry("Tissue label of the voxel, as in the tissue segmentation"),
        "dist_csf_mm": Entry("Euclidean distance from the voxel's centre to the nearest CSF voxel's centre", units: "mm"),
    ]

    /// Columns whose meaning differs between tables, by table name then column.
    static let perTable: [String: [String: Entry]] = [
        "lesions": [
            "component": Entry("Lesion component of the row",
                               levels: componentLevels.merging(["whole": "the whole lesion: core and rim"]) { a, _ in a }),
            "tissue_class": Entry("Tissue class of the whole lesion: the majority of its WM, cortical GM and deep GM voxels",
                                  levels: classLevels),
        ],
        "bands": [
            "tissue_class": Entry("Tissue class of the row's voxels: for region lesion, the class of the lesions they belong to, "
                                  + "or all of them pooled; for region nawm, wm (NAWM is white matter), or all (the same voxels)",
                                  levels: classLevels.merging(["all": "every voxel of the region in this band, pooled over classes"]) { a, _ in a }),
        ],
        "voxels": [
            "component": Entry("Lesion component of the voxel", levels: componentLevels),
        ],
    ]

    static let statistics: [String: String] = [
        "mean": "mean", "sd": "standard deviation (n − 1)",
        "median": "median", "p10": "10th percentile (linear interpolation)", "p25": "25th percentile (linear interpolation)",
        "p75": "75th percentile (linear interpolation)", "p90": "90th percentile (linear interpolation)", "min": "minimum", "max": "maximum",
    ]

    /// The sidecar entry of `column` in the table `table` (`lesions`, `subjects`, `bands`,
    /// `voxels`), given the table's covariate names. A column no rule knows gets its own name
    /// as description.
    public static func describe(_ column: String, table: String, covariates: [String]) -> Entry {
        if let entry = perTable[table]?[column] ?? fixed[column] { return entry }
        if covariates.contains(column) { return Entry("Covariate \(column), copied verbatim from the input") }
        let parts = column.split(separator: "_").map(String.init)
        // subjects.tsv: the lesion-level MTR summaries and their changes (before the generic
        // delta_<map>_<session>_<what>, which they would match).
        if parts.count == 4, parts[0] == "delta", parts[2] == "mtr", parts[1] == "lesion" || parts[1] == "submedian" {
            let s = parts[3]
            return parts[1] == "lesion"
                ? Entry("Change from baseline to \(s) of the mean MTR over lesions: the mean over lesions of each whole lesion's "
                        + "mean MTR change (delta_mtr_\(s)_mean)", units: "pu")
                : Entry("Primary outcome: change from baseline to \(s) of the mean MTR over submedian lesions "
                        + "(below_subject_median = 1): the mean over them of each whole lesion's mean MTR change (delta_mtr_\(s)_mean)",
                        units: "pu")
        }
        if parts.count == 4, parts[1] == "mtr", parts[3] == "mean", parts[0] == "lesion" || parts[0] == "submedian" {
            let over = parts[0] == "lesion" ? "lesions" : "submedian lesions (below_subject_median = 1)"
            return Entry("Mean over \(over) of the whole-lesion MTR mean at \(parts[2])", units: "pu")
        }
        if parts.count == 4, parts[0] == "delta" {
            let (map, s) = (parts[1], parts[2])
            switch parts[3] {
            case "n": return Entry("Voxels of this component with a finite \(map) at both baseline and \(s)", units: "voxels")
            case "mean": return Entry("Mean over this component's voxels of the change in \(map) from baseline to \(s)", units: units(ofMap: map))
            default: break
            }
        }
        if parts.count == 4, parts[0] == "slope" {
            let (region, map, s) = (parts[1], parts[2], parts[3])
            let voxels = region == "lesion" ? "voxels of whole lesions" : region == "nawm" ? "NAWM voxels" : "\(region) voxels"
            return Entry("OLS slope of the mean \(map) at \(s) of the \(voxels) in each distance band against the band's centre "
                         + "distance to CSF (bands.tsv rows region \(region), tissue_class all, band ≥ 1)", units: slopeUnits(ofMap: map))
        }
        if parts.count >= 4, parts[0] == "nawm" {
            let (map, s) = (parts[1], parts[2])
            let stat = parts[3...].joined(separator: "_")
            if stat == "n_valid" { return Entry("NAWM voxels with a finite \(map) at \(s)", units: "voxels") }
            return Entry("NAWM \(statistics[stat] ?? stat) of \(map) at \(s)", units: units(ofMap: map))
        }
        if parts.count >= 3 {
            let (map, s) = (parts[0], parts[1])
            let stat = parts[2...].joined(separator: "_")
            if table == "bands", stat == "mean" {
                return Entry("Mean of \(map) at \(s) over the voxels of this region, class and band with a finite value", units: units(ofMap: map))
            }
            if stat == "n_valid" { return Entry("Voxels of this component with a finite \(map) at \(s)", units: "voxels") }
            if let name = statistics[stat] {
                return Entry("\(name.prefix(1).uppercased() + name.dropFirst()) of \(map) at \(s) over this component's voxels with a finite value",
                             units: units(ofMap: map))
            }
        }
        if parts.count == 2, table == "voxels" { return Entry("Value of \(parts[0]) at \(parts[1]) in this voxel", units: units(ofMap: parts[0])) }
        return Entry(column)
    }
}
