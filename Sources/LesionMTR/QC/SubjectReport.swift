import Foundation
import NIfTI
import Raster

/// What one subject's QC page is made from: its images and regions (recomputed with
/// `SubjectImages`/`LesionRegions` from the inputs and options the batch recorded) and its rows
/// of the batch tables.
struct QCSubject {
    var subject: String
    var covariates: [Covariate]
    var images: SubjectImages
    var regions: LesionRegions
    var options: AnalysisOptions
    var lesionTable: Table
    var subjectTable: Table
    /// Warnings found by the caller (e.g. inputs changed since the batch).
    var warnings: [String]
}

/// The HTML page of one subject: conventions, warnings, the subject's row, per-component
/// distributions, a mosaic of axial slices with every lesion, and for each shown lesion three
/// orthogonal slices through it with components outlined, box plots and its table rows.
enum SubjectReport {
    /// Lesion views are about this wide (pixels); the mosaic uses `mosaicPixelsPerMM`.
    static let viewPixels = 220.0
    static let mosaicPixelsPerMM = 2.0
    /// At most this many mosaic tiles.
    static let mosaicTiles = 24
    static let sessionColours = ["#222222", "#1f6fd1", "#c2185b", "#2e7d32"]

    /// The page, and the warnings listed on it (for the index).
    static func build(_ s: QCSubject, maxLesions: Int, threads: Int) -> (html: String, warnings: [String]) {
        let grid = s.images.grid
        let display = displayMap(s.images)
        let brain = s.images.tissue.codes.map { $0 != 0 ? Int32(1) : 0 }
        let window = display.map { IntensityWindow.robust($0.values[0], mask: brain, threads: threads) } ?? IntensityWindow(low: 0, high: 4)
        let values = display?.values[0] ?? s.images.tissue.floatLabels
        let orientation = DisplayOrientation(grid.affine)
        let layout = LesionLayout(regions: s.regions, tissue: s.images.tissue.codes, grid: grid)
        let shown = layout.largest(maxLesions)
        let warnings = s.warnings + checks(s, layout: layout)
        let mapLabel = display.map { "\($0.name) at \($0.sessions[0])" } ?? "tissue labels (no map)"

        var body = "<p><a href=\"../index.html\">← all subjects</a></p>"
        body += "<h1>Subject \(HTML.escape(s.subject))</h1>"
        if !s.covariates.isEmpty {
            body += "<p>" + s.covariates.map { "\(HTML.escape($0.name)) <b>\(HTML.escape($0.value))</b>" }.joined(separator: " · ") + "</p>"
        }
        body += conventions(orientation, window: window, mapLabel: mapLabel, grid: grid, options: s.options)
        body += warnings.isEmpty ? "<div class=\"note\">No warnings.</div>"
            : "<div class=\"warn\"><b>Warnings</b><ul>" + warnings.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul></div>"

        body += "<h2>Subject summary (subjects.tsv)</h2><div class=\"scroll\">"
        body += HTML.table(columns: s.subjectTable.columns, rows: s.subjectTable.rows)
        body += "</div>"

        if let display {
            body += "<h2>\(HTML.escape(display.name.uppercased())) by component, all lesions</h2><div class=\"views\">"
            var voxels: [[Int]] = [[], [], [], []]  // by component code
            for (n, c) in s.regions.component.enumerated() where c != 0 { voxels[Int(c)].append(n) }
            for code in [ComponentCode.core, .rim, .perilesional] {
                let series = zip(display.sessions, display.values).enumerated().map { n, pair in
                    SVGPlot.Series(name: pair.0, colour: sessionColours[n % sessionColours.count],
                                   values: voxels[Int(code.rawValue)].map { pair.1[$0] })
                }
                body += SVGPlot.histogram(title: "\(code)", series: series, range: window.low...window.high, unit: unit(display.name))
            }
            body += "</div>"
        }

        body += "<h2>Axial mosaic</h2>"
        body += mosaic(s, layout: layout, orientation: orientation, values: values, window: window)

        body += "<h2>Lesions</h2>"
        body += "<p>\(layout.lesions.count) lesion(s); "
            + (shown.count < layout.lesions.count ? "the \(shown.count) largest are shown (--max-lesions)." : "all are shown.") + "</p>"
        for lesion in shown {
            body += lesionSection(lesion, s, orientation: orientation, values: values, window: window, display: display)
        }
        body += "<h2>All rows of lesions.tsv</h2><details><summary>\(s.lesionTable.rows.count) rows</summary><div class=\"scroll\">"
            + HTML.table(columns: s.lesionTable.columns, rows: s.lesionTable.rows) + "</div></details>"
        return (HTML.page(title: "lesionmtr QC — \(s.subject)", body: body), warnings)
    }

    /// The map shown in grey: `mtr` with the baseline session, else the first map; nil without maps.
    static func displayMap(_ images: SubjectImages) -> MapSeries? {
        images.maps.first { $0.name == "mtr" && $0.sessions.first == images.baseline } ?? images.maps.first
    }

    static func unit(_ map: String) -> String { map == "mtr" ? "MTR (pu)" : map }

    /// The conventions box: orientation, window, legend.
    static func conventions(_ o: DisplayOrientation, window: IntensityWindow, mapLabel: String, grid: Grid, options: AnalysisOptions) -> String {
        let legend = [ComponentCode.core, .rim, .perilesional].map {
            "<span class=\"swatch\" style=\"background:\(OverlayRenderer.colours[$0]!)\"></span>\($0)"
        }.joined()
        let oblique = o.obliquityDegrees < 0.01 ? "The grid is not oblique."
            : "The grid is oblique by \(SVGPlot.fixed(o.obliquityDegrees, 1))°: screen axes follow the voxel axes nearest to the anatomical ones, and each edge label names the nearest anatomical direction."
        return """
            <div class="note"><b>Conventions.</b> Neurological convention: the patient's left is on the screen's left \
            (axial and coronal views); sagittal views have anterior on the left. Edge labels (R/L, A/P, S/I) are computed \
            from the image affine (sform, else qform). Slices are planes of the voxel grid (\(formatDims(grid.dims)), \
            \(grid.spacing.x.formatted3)×\(grid.spacing.y.formatted3)×\(grid.spacing.z.formatted3) mm), shown without \
            resampling: one block of pixels per voxel. \(oblique)<br>
            Grey: \(HTML.escape(mapLabel)), window \(SVGPlot.fixed(window.low, 1))–\(SVGPlot.fixed(window.high, 1)) \
            (1st–99th percentile of brain voxels; invalid voxels black). Outlines:\(legend) \
            (rim width \(options.rimWidth.formatted3), perilesional width \(options.perilesionalWidth.formatted3), unit \(options.unit.rawValue)).</div>
            """
    }

    /// Subject-level checks worth a look.
    static func checks(_ s: QCSubject, layout: LesionLayout) -> [String] {
        var out: [String] = []
        if layout.lesions.isEmpty { out.append("no lesion") }
        if !s.images.csf.contains(1) { out.append("no CSF voxel: distances to CSF and bands are n/a") }
        let d = s.images.grid.dims
        let atEdge = layout.lesions.filter { l in
            (0..<3).contains { l.low[$0] == 0 || l.high[$0] == d[$0] - 1 }
        }
        if !atEdge.isEmpty { out.append("lesion(s) reaching the edge of the field of view: " + atEdge.map { String($0.id) }.joined(separator: ", ")) }
        let t = s.lesionTable
        if let lesion = t.columns.firstIndex(of: "lesion"), let component = t.columns.firstIndex(of: "component"),
           let n = t.columns.firstIndex(of: "n_voxels") {
            let noCore = t.rows.filter { $0[component] == "core" && $0[n] == "0" }.map { $0[lesion] }
            if !noCore.isEmpty { out.append("\(noCore.count) lesion(s) with an empty core (all rim): " + noCore.joined(separator: ", ")) }
            if let klass = t.columns.firstIndex(of: "tissue_class") {
                let other = t.rows.filter { $0[component] == "whole" && $0[klass] == "other" }.map { $0[lesion] }
                if !other.isEmpty { out.append("lesion(s) in no WM/CGM/DGM voxel (class other): " + other.joined(separator: ", ")) }
            }
            for column in t.columns where column.hasSuffix("_n_valid") && !column.hasPrefix("delta_") {
                let c = t.columns.firstIndex(of: column)!
                let short = t.rows.filter { $0[component] == "whole" && $0[c] != $0[n] }.map { $0[lesion] }
                if !short.isEmpty {
                    out.append("\(column.dropLast("_n_valid".count)): invalid (NaN/Inf) voxels in lesion(s) " + short.joined(separator: ", "))
                }
            }
        }
        return out
    }

    /// A mosaic of axial slices: the slices through the lesions' centres (at most `mosaicTiles`,
    /// evenly chosen), each over the brain's extent.
    static func mosaic(_ s: QCSubject, layout: LesionLayout, orientation: DisplayOrientation, values: [Float], window: IntensityWindow) -> String {
        let frame = orientation.frame(.axial, dims: s.images.grid.dims)
        var bySlice: [Int: [Int32]] = [:]
        for l in layout.lesions { bySlice[frame.screen(of: l.centre).slice, default: []].append(l.id) }
        var slices = bySlice.keys.sorted()
        if slices.count > mosaicTiles {
            slices = (0..<mosaicTiles).map { slices[$0 * (slices.count - 1) / (mosaicTiles - 1)] }
        }
        if slices.isEmpty { slices = [frame.screen(of: (layout.brainLow &+ layout.brainHigh) / 2).slice] }
        let range = LesionLayout.screenRange(frame, low: layout.brainLow, high: layout.brainHigh)
        var out = "<div class=\"mosaic\">"
        for slice in slices {
            let view = SliceView(frame: frame, slice: slice, u: range.u, v: range.v, spacing: s.images.grid.spacing, pixelsPerMM: mosaicPixelsPerMM)
            let ids = bySlice[slice] ?? []
            let caption = "slice \(slice)" + (ids.isEmpty ? "" : ": centre of lesion " + ids.map(String.init).joined(separator: ", "))
            out += figure(view, s, values: values, window: window, caption: caption)
        }
        return out + "</div>"
    }

    /// One lesion: heading, three views, box plots and its table rows.
    static func lesionSection(_ l: LesionLayout.Lesion, _ s: QCSubject, orientation: DisplayOrientation, values: [Float],
                              window: IntensityWindow, display: MapSeries?) -> String {
        let grid = s.images.grid
        let rows = s.lesionTable.rows.filter { cell($0, "lesion", s.lesionTable) == String(l.id) }
        let whole = rows.first { cell($0, "component", s.lesionTable) == "whole" }
        let klass = whole.flatMap { cell($0, "tissue_class", s.lesionTable) } ?? "?"
        let volume = whole.flatMap { cell($0, "volume_mm3", s.lesionTable) } ?? "?"
        let world = grid.affine.apply(SIMD3<Double>(l.centre))
        var out = "<div class=\"lesion\" id=\"lesion-\(l.id)\"><h3>Lesion \(l.id) — \(HTML.escape(klass)), \(l.count) voxels (\(HTML.escape(volume)) mm³); "
            + "views through voxel (\(l.centre.x), \(l.centre.y), \(l.centre.z)), world (\(SVGPlot.fixed(world.x, 1)), \(SVGPlot.fixed(world.y, 1)), \(SVGPlot.fixed(world.z, 1))) mm</h3><div class=\"views\">"
        for plane in ViewPlane.allCases {
            let frame = orientation.frame(plane, dims: grid.dims)
            let centre = frame.screen(of: l.centre)
            let box = LesionLayout.screenRange(frame, low: l.low, high: l.high)
            // A square field in mm: the lesion with its shell and a margin, at least 24 mm.
            let su = grid.spacing[frame.columnAxis], sv = grid.spacing[frame.rowAxis]
            let extent = max(Double(box.u.count) * su, Double(box.v.count) * sv)
            let half = max(12, extent / 2 + 4 * max(su, sv))
            let hu = Int((half / su).rounded(.up)), hv = Int((half / sv).rounded(.up))
            let cu = (box.u.lowerBound + box.u.upperBound) / 2, cv = (box.v.lowerBound + box.v.upperBound) / 2
            let view = SliceView(frame: frame, slice: centre.slice, u: (cu - hu)...(cu + hu), v: (cv - hv)...(cv + hv),
                                 spacing: grid.spacing, pixelsPerMM: min(12 / min(su, sv), viewPixels / (2 * half)))
            out += figure(view, s, values: values, window: window, caption: "\(plane.rawValue), slice \(centre.slice)")
        }
        if let display {
            var boxes: [SVGPlot.Box] = []
            for component in ["whole", "core", "rim", "perilesional"] {
                guard let row = rows.first(where: { cell($0, "component", s.lesionTable) == component }) else { continue }
                for (n, session) in display.sessions.enumerated() {
                    let q = ["p10", "p25", "median", "p75", "p90"].map { cell(row, "\(display.name)_\(session)_\($0)", s.lesionTable).flatMap(Double.init) }
                    guard q.allSatisfy({ $0 != nil }) else { continue }
                    boxes.append(SVGPlot.Box(label: "\(component) \(session)", colour: sessionColours[n % sessionColours.count],
                                             p10: q[0]!, p25: q[1]!, median: q[2]!, p75: q[3]!, p90: q[4]!))
                }
            }
            out += SVGPlot.boxPlot(title: "\(display.name.uppercased()) p10–p25–median–p75–p90", boxes: boxes,
                                   range: window.low...window.high, unit: unit(display.name))
        }
        out += "</div>"
        let keep = s.lesionTable.columns.indices.filter { c in
            let name = s.lesionTable.columns[c]
            return ["component", "n_voxels", "volume_mm3", "dist_csf_mean_mm", "below_subject_median"].contains(name)
                || (name.hasSuffix("_mean") && !name.hasPrefix("dist_")) || name.hasSuffix("_n_valid")
        }
        out += "<div class=\"scroll\">" + HTML.table(columns: keep.map { s.lesionTable.columns[$0] }, rows: rows.map { r in keep.map { r[$0] } }) + "</div>"
        return out + "</div>"
    }

    /// An image with its four edge labels and caption. `data-view` records the plane, slice, first
    /// column and row and the zoom, so the pixel → voxel mapping can be checked from the page.
    static func figure(_ view: SliceView, _ s: QCSubject, values: [Float], window: IntensityWindow, caption: String) -> String {
        let image = OverlayRenderer.render(view, values: values, window: window, component: s.regions.component, owner: s.regions.owner)
        let png = Data(PNG.encode(image)).base64EncodedString()
        let labels = view.frame.labels
        let data = "\(view.frame.plane.rawValue) \(view.slice) \(view.u0) \(view.v0) \(view.zoomX) \(view.zoomY)"
        return "<figure class=\"view\"><span class=\"o t\">\(labels.top)</span><span class=\"o l\">\(labels.left)</span>"
            + "<img src=\"data:image/png;base64,\(png)\" width=\"\(image.width)\" height=\"\(image.height)\" alt=\"\(HTML.escape(caption))\" data-view=\"\(data)\">"
            + "<span class=\"o r\">\(labels.right)</span><span class=\"o b\">\(labels.bottom)</span><figcaption>\(HTML.escape(caption))</figcaption></figure>"
    }

    /// The cell of `row` in `column` of `table`, if the column exists.
    static func cell(_ row: [String], _ column: String, _ table: Table) -> String? {
        table.columns.firstIndex(of: column).map { row[$0] }
    }
}

extension Double {
    /// Up to three decimals, trailing zeros dropped (`1`, `0.5`, `1.25`).
    var formatted3: String {
        var s = String(format: "%.3f", self)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
