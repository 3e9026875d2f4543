/// Small HTML helpers for the QC pages: escaping, a page skeleton with the report's inline
/// stylesheet (no external resources: a page opens offline, from any folder), and tables.
enum HTML {
    /// `s` with `&`, `<`, `>`, `"` and `'` escaped, for text and attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A complete page: `title` and `body` (already HTML).
    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>\(stylesheet)</style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    /// A table with a header row; cells are escaped.
    static func table(columns: [String], rows: [[String]], cssClass: String = "data") -> String {
        var out = "<table class=\"\(cssClass)\"><thead><tr>" + columns.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows { out += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }
        return out + "</tbody></table>"
    }

    static let stylesheet = """
        body{font-family:system-ui,sans-serif;margin:1.2em;color:#222;background:#fff;max-width:1400px}
        h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin-top:1.4em;border-bottom:1px solid #ddd}
        h3{font-size:1em;margin:.2em 0}
        .note{background:#f4f6f8;border-left:4px solid #8aa;padding:.5em .8em;margin:.6em 0}
        .warn{background:#fff4e5;border-left:4px solid #e69500;padding:.5em .8em;margin:.6em 0}
        table.data{border-collapse:collapse;font-size:.8em;margin:.4em 0}
        table.data th,table.data td{border:1px solid #ddd;padding:2px 6px;text-align:right;white-space:nowrap}
        table.data th{background:#f0f0f0}table.data td:first-child,table.data th:first-child{text-align:left}
        .scroll{overflow-x:auto;max-width:100%}
        .lesion{border:1px solid #ddd;border-radius:4px;padding:.6em;margin:.8em 0}
        .views{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
        figure.view{margin:0;display:grid;grid-template-columns:auto auto auto;grid-template-rows:auto auto auto auto;align-items:center;justify-items:center;font-size:.8em}
        figure.view img{grid-column:2;grid-row:2;image-rendering:pixelated;background:#000}
        figure.view .t{grid-column:2;grid-row:1}figure.view .b{grid-column:2;grid-row:3}
        figure.view .l{grid-column:1;grid-row:2;padding-right:3px}figure.view .r{grid-column:3;grid-row:2;padding-left:3px}
        figure.view figcaption{grid-column:1/4;grid-row:4;color:#555}
        .o{font-weight:bold;color:#036}
        .mosaic{display:flex;flex-wrap:wrap;gap:8px}
        .swatch{display:inline-block;width:.9em;height:.9em;vertical-align:middle;margin:0 .25em 0 .8em;border:1px solid #444}
        """
}
