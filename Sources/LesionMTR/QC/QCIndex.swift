/// One subject's line in the index page.
struct IndexLine: Sendable {
    var subject: String
    /// Covariates, lesion count, lesion volume (mm³).
    var cells: [String]
    var warnings: [String]
    /// Why the subject has no page, if it has none.
    var failure: String?
}

/// The report's index page: one line per subject (covariates, lesion count, volume, warnings,
/// link), then the subjects the batch itself could not analyse (`errors.tsv`).
enum QCIndex {
    static func html(_ lines: [IndexLine], batchErrors: [[String]]) -> String {
        var body = "<h1>lesionmtr quality-control report</h1>"
        body += "<div class=\"note\">One page per subject: slices through each lesion with core, rim and perilesional shell outlined, "
            + "an axial mosaic, MTR distributions by component and session, and the subject's table rows. Neurological convention "
            + "(the patient's left on the screen's left). \(lines.filter { $0.failure == nil }.count) of \(lines.count) subject(s) rendered.</div>"
        body += "<table class=\"data\"><thead><tr><th>subject</th><th>covariates</th><th>lesions</th><th>lesion volume (mm³)</th><th>warnings</th></tr></thead><tbody>"
        for line in lines {
            if let failure = line.failure {
                body += "<tr><td>\(HTML.escape(line.subject))</td><td colspan=\"3\"></td><td style=\"text-align:left\">no page: \(HTML.escape(failure))</td></tr>"
                continue
            }
            let warnings = line.warnings.isEmpty ? "" : "\(line.warnings.count): " + line.warnings.map(HTML.escape).joined(separator: "; ")
            body += "<tr><td><a href=\"subjects/\(HTML.escape(line.subject)).html\">\(HTML.escape(line.subject))</a></td>"
                + line.cells.map { "<td>\(HTML.escape($0))</td>" }.joined()
                + "<td style=\"text-align:left;white-space:normal\">\(warnings)</td></tr>"
        }
        body += "</tbody></table>"
        if !batchErrors.isEmpty {
            body += "<h2>Subjects the batch could not analyse (errors.tsv)</h2>"
            body += HTML.table(columns: ["subject", "file", "reason"], rows: batchErrors.map { Array($0.prefix(3)) })
        }
        return HTML.page(title: "lesionmtr QC report", body: body)
    }
}
