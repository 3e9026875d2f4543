/// Descriptions and units of every column lesionmtr writes, for the BIDS-style JSON sidecars.
public enum ColumnGlossary {
    /// Units of a map's values: `pu` for MTR, "as input" otherwise (T1 in ms or s, as given).
    static func units(ofMap name: String) -> String {
        switch name {
        case "mtr": "pu (percentage units)"
        case "t1": "as input (ms or s)"
        default: "as input"
        }
    }

    static let fixed: [String: (String, String?)] = [
        "subject": ("Subject label", nil),
        "lesion": ("Lesion id: 1…n by first voxel in storage order (labelled input: the given id)", nil),
        "component": ("Lesion component: whole, core, rim or perilesional (DESIGN.md §3.2)", nil),
        "tissue_class": ("Tissue class of the whole lesion: majority of WM/CGM/DGM voxels (ties WM, CGM, DGM); other if none", nil),
        "n_voxels": ("Voxels in this component", "voxels"),
        "volume_mm3": ("Volume of this component", "mm^3"),
        "centroid_x": ("World x of the whole lesion's centroid (affine in use)", "mm"),
        "centroid_y": ("World y of the whole lesion's centroid", "mm"),
        "centroid_z": ("World z of the whole lesion's centroid", "mm"),
        "frac_wm": ("Fraction of the whole lesion's voxels labelled WM", "fraction"),
        "frac_cgm": ("Fraction of the whole lesion's voxels labelled cortical GM", "fraction"),
        "frac_dgm": ("Fraction of the whole lesion's voxels labelled deep GM", "fraction"),
        "dist_csf_mean_mm": ("Mean Euclidean distance from this component's voxels to the nearest CSF voxel", "mm"),
        "dist_csf_min_mm": ("Smallest distance from this component's voxels to the nearest CSF voxel", "mm"),
        "below_subject_median": ("1 if the whole lesion's baseline MTR mean is below the subject's median over lesions, else 0", nil),
        "n_lesions": ("Number of lesions", nil),
        "n_lesions_wm": ("Lesions of class WM", nil), "n_lesions_cgm": ("Lesions of class CGM", nil),
        "n_lesions_dgm": ("Lesions of class DGM", nil), "n_lesions_other": ("Lesions of class other", nil),
        "lesion_volume_mm3": ("Total lesion volume", "mm^3"),
        "lesion_volume_wm_mm3": ("Volume of WM-class lesions", "mm^3"),
        "lesion_volume_cgm_mm3": ("Volume of CGM-class lesions", "mm^3"),
        "lesion_volume_dgm_mm3": ("Volume of DGM-class lesions", "mm^3"),
        "lesion_volume_other_mm3": ("Volume of other-class lesions", "mm^3"),
        "mtr_subject_median": ("Median over lesions of the whole-lesion baseline MTR mean", "pu"),
        "n_submedian": ("Lesions with below_subject_median = 1", nil),
        "nawm_n_voxels": ("Voxels of normal-appearing white matter", "voxels"),
        "region": ("lesion (whole lesions) or nawm", nil),
        "band": ("Distance band: floor(distance to CSF / band width)", nil),
        "dist_lo_mm": ("Lower edge of the band", "mm"),
        "dist_hi_mm": ("Upper edge of the band", "mm"),
        "n": ("Voxels in the band", "voxels"),
        "i": ("Voxel index along the first axis", nil), "j": ("Voxel index along the second axis", nil),
        "k": ("Voxel index along the third axis", nil),
        "tissue": ("Tissue label of the voxel", nil),
        "dist_csf_mm": ("Euclidean distance to the nearest CSF voxel", "mm"),
    ]

    static let statistics: [String: String] = [
        "n_valid": "number of voxels with a finite value", "mean": "mean", "sd": "standard deviation (n − 1)",
        "median": "median", "p10": "10th percentile (linear interpolation)", "p25": "25th percentile",
        "p75": "75th percentile", "p90": "90th percentile", "min": "minimum", "max": "maximum",
    ]

    /// Description and units of `column`, given the map names in the table.
    public static func describe(_ column: String, maps: [String], covariates: [String]) -> (description: String, units: String?) {
        if let f = fixed[column] { return f }
        if covariates.contains(column) { return ("Covariate, copied from the input", nil) }
        let parts = column.split(separator: "_").map(String.init)
        if parts.first == "delta", parts.count == 4 {
            let (map, ses, what) = (parts[1], parts[2], parts[3])
            return what == "n"
                ? ("Voxels with a finite \(map) at \(ses) and at baseline", "voxels")
                : ("Mean of \(map) at \(ses) minus \(map) at baseline", units(ofMap: map))
        }
        if column.hasPrefix("delta_lesion_mtr_") {
            return ("Mean over lesions of the whole-lesion MTR change from baseline to \(column.dropFirst(17))", "pu")
        }
        if column.hasPrefix("delta_submedian_mtr_") {
            return ("Primary outcome: mean over submedian lesions of the whole-lesion MTR change to \(column.dropFirst(20))", "pu")
        }
        if column.hasPrefix("lesion_mtr_") { return ("Mean over lesions of the whole-lesion MTR mean", "pu") }
        if column.hasPrefix("submedian_mtr_") { return ("Mean over submedian lesions of the whole-lesion MTR mean", "pu") }
        if column.hasPrefix("slope_") {
            return ("OLS slope of band means against band centre distance (bands ≥ 1)", "map units per mm")
        }
        if parts.first == "nawm", parts.count >= 4 {
            let stat = parts[3...].joined(separator: "_")
            return ("NAWM \(statistics[stat] ?? stat) of \(parts[1]) at \(parts[2])", stat == "n_valid" ? "voxels" : units(ofMap: parts[1]))
        }
        if parts.count >= 3, maps.contains(parts[0]) {
            let stat = parts[2...].joined(separator: "_")
            if stat == "mean", parts.count == 3 {
                return ("Mean of \(parts[0]) at \(parts[1])", units(ofMap: parts[0]))
            }
            return ("\(statistics[stat] ?? stat) of \(parts[0]) at \(parts[1]) over the row's voxels",
                    stat == "n_valid" ? "voxels" : units(ofMap: parts[0]))
        }
        if parts.count == 2, maps.contains(parts[0]) { return ("Value of \(parts[0]) at \(parts[1])", units(ofMap: parts[0])) }
        return (column, nil)
    }
}
