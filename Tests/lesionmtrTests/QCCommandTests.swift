import Foundation
import LesionMTR
import NIfTI
import Raster
import TestSupport
import Testing

/// `lesionmtr qc` and `batch --qc`: the report loads in a browser, is byte-identical whatever
/// `--jobs` is, and its outlines sit on the component voxels of a known lesion.
@Suite(.serialized) struct QCCommandTests {
    /// Two simulated subjects on the 2 mm grid, analysed with `batch --qc`, made once.
    static let batch: Result<String, Error> = Result {
        let folder = makeTemporaryDirectory("qc-trial").path
        try runProcess(lesionmtrBinary, ["simulate", "--subjects", "2", "--grid", "2mm", "--seed", "5", "--quiet", "-o", folder + "/trial"])
        try runProcess(lesionmtrBinary, ["batch", folder + "/trial/manifest.tsv", "-o", folder + "/out", "--qc", "--quiet", "--jobs", "2"])
        return folder + "/out"
    }

    /// Headless Chromium (Debian's `chromium`), if installed; `make test` installs it and sets
    /// LESIONMTR_REQUIRE_CHROMIUM=1 so that a missing browser fails instead of skipping.
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let requireChromium = ProcessInfo.processInfo.environment["LESIONMTR_REQUIRE_CHROMIUM"] == "1"

    /// Recorded into the page copy under test: JavaScript and resource errors, and per image
    /// whether it loaded (`complete && naturalWidth > 0`), written into `<pre id="qc-check">`.
    static let probe = """
        <script>
        window.__qcErrors = [];
        window.addEventListener('error', function (e) { window.__qcErrors.push(String(e.message || (e.target && (e.target.src || '').slice(0, 40)) || 'error')); }, true);
        window.addEventListener('load', function () {
          var imgs = document.images, broken = 0;
          for (var i = 0; i < imgs.length; i++) { if (!(imgs[i].complete && imgs[i].naturalWidth > 0)) broken++; }
          var p = document.createElement('pre'); p.id = 'qc-check';
          p.textContent = 'images=' + imgs.length + ' broken=' + broken + ' errors=' + window.__qcErrors.length + ' ' + window.__qcErrors.join('|');
          document.body.appendChild(p);
        });
        </script>
        """

    @Test("the subject page opens in headless Chromium: no errors, every image loaded, a non-blank screenshot (kept in .build/qc-artifacts)")
    func chromiumScreenshot() throws {
        guard let chromium = Self.chromium else {
            if Self.requireChromium { Issue.record("chromium is not installed: run scripts/install-deps.sh") }
            return
        }
        let out = try Self.batch.get()
        let page = out + "/qc/subjects/sim001.html"
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let probed = out + "/qc/subjects/.probe-sim001.html"
        try html.replacingOccurrences(of: "<head>", with: "<head>" + Self.probe).write(toFile: probed, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: probed) }
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--virtual-time-budget=10000"]
        let dom = try runProcess(chromium, flags + ["--dump-dom", "file://" + probed]).stdoutText
        let check = try #require(dom.range(of: #"<pre id="qc-check">[^<]*"#, options: .regularExpression).map { String(dom[$0]) })
        let expectedImages = html.components(separatedBy: "<img ").count - 1
        #expect(expectedImages > 10)
        #expect(check.contains("images=\(expectedImages) broken=0 errors=0"), "\(check)")

        let artifacts = Reference.packageRoot.appendingPathComponent(".build/qc-artifacts").path
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        let shot = artifacts + "/qc-subject-sim001.png"
        try? FileManager.default.removeItem(atPath: shot)
        try runProcess(chromium, flags + ["--screenshot=" + shot, "--window-size=1280,2400", "file://" + page])
        let png = try PNG.decode(Array(try Data(contentsOf: URL(fileURLWithPath: shot))))
        #expect(png.width == 1280 && png.height == 2400)
        // Non-blank: many distinct colours, and a good share of dark pixels (the slices).
        var colours = Set<RGB>(), dark = 0
        for y in stride(from: 0, to: png.height, by: 2) {
            for x in stride(from: 0, to: png.width, by: 2) {
                let c = png[x, y]
                colours.insert(c)
                if Int(c.r) + Int(c.g) + Int(c.b) < 200 { dark += 1 }
            }
        }
        #expect(colours.count > 100, "\(colours.count) colours")
        #expect(dark > png.width * png.height / 4 / 20, "\(dark) dark pixels")
        try runProcess(chromium, flags + ["--screenshot=" + artifacts + "/qc-index.png", "--window-size=1100,500", "file://" + out + "/qc/index.html"])
    }

    @Test("qc --jobs 1 and --jobs 2 give byte-identical reports; the index links every subject")
    func identical() throws {
        let out = try Self.batch.get()
        let fm = FileManager.default
        func files(_ root: String) throws -> [String: Data] {
            var all: [String: Data] = [:]
            for name in try fm.subpathsOfDirectory(atPath: root) where !name.contains(".probe") {
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: root + "/" + name, isDirectory: &isDir), !isDir.boolValue {
                    all[name] = try Data(contentsOf: URL(fileURLWithPath: root + "/" + name))
                }
            }
            return all
        }
        let fromBatch = try files(out + "/qc")
        try runProcess(lesionmtrBinary, ["qc", out, "--jobs", "1", "--quiet"])
        let one = try files(out + "/qc")
        try runProcess(lesionmtrBinary, ["qc", out, "--jobs", "2", "--quiet"])
        #expect(try files(out + "/qc") == one)
        #expect(one == fromBatch)
        #expect(Set(one.keys) == ["index.html", "subjects/sim001.html", "subjects/sim002.html"])
        let index = String(decoding: one["index.html"]!, as: UTF8.self)
        #expect(index.contains("href=\"subjects/sim001.html\"") && index.contains("href=\"subjects/sim002.html\""))
        // Nothing temporary is left beside the report.
        #expect(try fm.contentsOfDirectory(atPath: out).filter { $0.hasPrefix(".qc") }.isEmpty)
    }

    @Test("outlines in the written page lie on the cube lesion's core, rim and shell voxels (oblique affine)")
    func overlayOnKnownLesion() throws {
        let dir = makeTemporaryDirectory("qc-cube").path
        // 21³ voxels of 1 × 1.25 × 1.5 mm, rotated 20° about z and tilted 10° about x.
        let (c, s) = (cos(20 * Double.pi / 180), sin(20 * Double.pi / 180))
        let (ct, st) = (cos(10 * Double.pi / 180), sin(10 * Double.pi / 180))
        let i = SIMD3(c, s, 0), j = SIMD3(-s * ct, c * ct, st) * 1.25, k = SIMD3(s * st, -c * st, ct) * 1.5
        let affine = Affine(SIMD4(i.x, j.x, k.x, -10), SIMD4(i.y, j.y, k.y, -12), SIMD4(i.z, j.z, k.z, -15))
        let grid = Grid(dims: SIMD3(21, 21, 21), affine: affine)
        var lesion = [UInt8](repeating: 0, count: grid.voxelCount), mtr = [Float](repeating: 0, count: grid.voxelCount)
        for z in 0..<21 { for y in 0..<21 { for x in 0..<21 {
            let n = grid.index(x, y, z), code = CubeLesion.component(SIMD3(x, y, z))
            lesion[n] = code == 1 || code == 2 ? 1 : 0
            mtr[n] = 40 - Float(code) * 5 + Float((x * 7 + y * 3 + z) % 5)
        } } }
        try NIfTIWriter.write(Volume(grid: grid, voxels: lesion), to: dir + "/lesion.nii.gz")
        try NIfTIWriter.write(Volume(grid: grid, repeating: UInt8(3)), to: dir + "/tissue.nii.gz")
        try NIfTIWriter.write(Volume(grid: grid, voxels: mtr), to: dir + "/mtr.nii.gz")
        try "subject\tlesions\ttissue\tmtr_base\ncube\tlesion.nii.gz\ttissue.nii.gz\tmtr.nii.gz\n"
            .write(toFile: dir + "/manifest.tsv", atomically: true, encoding: .utf8)
        try runProcess(lesionmtrBinary, ["batch", dir + "/manifest.tsv", "-o", dir + "/out", "--qc", "--quiet"])
        let html = try String(contentsOfFile: dir + "/out/qc/subjects/cube.html", encoding: .utf8)
        #expect(html.contains("no CSF voxel"))
        #expect(html.contains("oblique by"))
        let pattern = try NSRegularExpression(pattern: #"data:image/png;base64,([^"]+)"[^>]*data-view="(\w+) (\d+) (\d+) (\d+) (\d+) (\d+)""#)
        let matches = pattern.matches(in: html, range: NSRange(html.startIndex..., in: html))
        #expect(matches.count == 4)  // three lesion views and one mosaic tile
        let orientation = DisplayOrientationProbe(affine)
        let colours: [RGB: UInt8] = [RGB(0xE6, 0x3B, 0x1F): 1, RGB(0xF5, 0xD3, 0x00): 2, RGB(0x38, 0xB6, 0xFF): 3]
        var outlined: [UInt8: Int] = [:]
        for m in matches {
            func group(_ g: Int) -> String { String(html[Range(m.range(at: g), in: html)!]) }
            let png = try PNG.decode(Array(try #require(Data(base64Encoded: group(1)))))
            let plane = group(2), numbers = (3...7).map { Int(group($0))! }
            let (slice, u0, v0, zx, zy) = (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4])
            for y in 0..<png.height {
                for x in 0..<png.width {
                    guard let code = colours[png[x, y]] else { continue }
                    let voxel = orientation.voxel(plane: plane, u: u0 + x / zx, v: v0 + y / zy, slice: slice)
                    #expect(CubeLesion.component(voxel) == code, "\(plane) pixel (\(x), \(y)) → voxel \(voxel)")
                    outlined[code, default: 0] += 1
                }
            }
        }
        #expect(outlined[1, default: 0] > 0 && outlined[2, default: 0] > 0 && outlined[3, default: 0] > 0, "\(outlined)")
    }
}

/// The page's pixel → voxel mapping, rebuilt from the affine with the library's display geometry.
struct DisplayOrientationProbe {
    let orientation: DisplayOrientation
    init(_ affine: Affine) { orientation = DisplayOrientation(affine) }
    func voxel(plane: String, u: Int, v: Int, slice: Int) -> SIMD3<Int> {
        orientation.frame(ViewPlane(rawValue: plane)!, dims: SIMD3(21, 21, 21)).voxel(u: u, v: v, slice: slice)
    }
}
