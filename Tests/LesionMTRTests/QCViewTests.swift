import Foundation
import LesionMTR
import NIfTI
import Raster
import TestSupport
import Testing

/// The QC report's display geometry (`DisplayOrientation`, `SliceFrame`, `SliceView`) and
/// overlays (`OverlayRenderer`): orientation labels from the affine, and outlines on the voxels
/// of the component their colour names.
struct QCViewTests {
    /// An affine from its three columns (voxel axes in world mm) and origin.
    static func affine(_ i: SIMD3<Double>, _ j: SIMD3<Double>, _ k: SIMD3<Double>, origin: SIMD3<Double> = .zero) -> Affine {
        Affine(SIMD4(i.x, j.x, k.x, origin.x), SIMD4(i.y, j.y, k.y, origin.y), SIMD4(i.z, j.z, k.z, origin.z))
    }

    /// Rotation by `degrees` about the world z axis applied to the unit voxel axes.
    static func rotatedAboutZ(_ degrees: Double) -> Affine {
        let c = cos(degrees * .pi / 180), s = sin(degrees * .pi / 180)
        return affine(SIMD3(c, s, 0), SIMD3(-s, c, 0), SIMD3(0, 0, 1))
    }

    static let dims = SIMD3(10, 12, 14)

    @Test("RAS grid: axial shows i left→right and j bottom→top; labels L R A P, S I, A P")
    func ras() {
        let o = DisplayOrientation(.scaling(SIMD3(2, 2, 2)))
        #expect(o.voxelAxis == [0, 1, 2] && o.direction == [1, 1, 1] && o.obliquityDegrees == 0)
        let axial = o.frame(.axial, dims: Self.dims)
        #expect(axial.columnAxis == 0 && !axial.columnReversed && axial.rowAxis == 1 && axial.rowReversed && axial.sliceAxis == 2)
        #expect(axial.voxel(u: 0, v: 0, slice: 5) == SIMD3(0, 11, 5))  // top left: patient's left, anterior
        #expect(axial.labels == ("L", "R", "A", "P"))
        #expect(o.frame(.coronal, dims: Self.dims).labels == ("L", "R", "S", "I"))
        let sagittal = o.frame(.sagittal, dims: Self.dims)
        #expect(sagittal.labels == ("A", "P", "S", "I"))
        #expect(sagittal.voxel(u: 0, v: 0, slice: 3) == SIMD3(3, 11, 13))  // top left: anterior, superior
    }

    @Test("LAS grid (i runs to the patient's left): the axial view is mirrored so the left stays on the left")
    func flipped() {
        let o = DisplayOrientation(.scaling(SIMD3(-1, 1, 1)))
        #expect(o.direction == [-1, 1, 1])
        let axial = o.frame(.axial, dims: Self.dims)
        #expect(axial.columnReversed)
        #expect(axial.voxel(u: 0, v: 0, slice: 0).x == 9)  // i = 9 is the patient's leftmost column
        #expect(axial.labels == ("L", "R", "A", "P"))
    }

    @Test("permuted axes (i superior, j posterior, k right): each view takes the right voxel axes")
    func permuted() {
        let o = DisplayOrientation(Self.affine(SIMD3(0, 0, 1), SIMD3(0, -1, 0), SIMD3(1, 0, 0)))
        #expect(o.voxelAxis == [2, 1, 0] && o.direction == [1, -1, 1])
        let axial = o.frame(.axial, dims: Self.dims)
        // Columns along k (x), not reversed; rows along j, which already runs posterior (down).
        #expect(axial.columnAxis == 2 && !axial.columnReversed && axial.rowAxis == 1 && !axial.rowReversed && axial.sliceAxis == 0)
        #expect(axial.labels == ("L", "R", "A", "P"))
        #expect(o.frame(.sagittal, dims: Self.dims).labels == ("A", "P", "S", "I"))
    }

    @Test("oblique by 30° and 60° about z: obliquity reported, labels name the nearest direction")
    func oblique() {
        let thirty = DisplayOrientation(Self.rotatedAboutZ(30))
        #expect(abs(thirty.obliquityDegrees - 30) < 1e-9)
        #expect(thirty.voxelAxis == [0, 1, 2] && thirty.direction == [1, 1, 1])
        // 60°: i = (0.5, 0.866, 0) is nearest +y, j = (−0.866, 0.5, 0) nearest −x.
        let sixty = DisplayOrientation(Self.rotatedAboutZ(60))
        #expect(sixty.voxelAxis == [1, 0, 2] && sixty.direction == [-1, 1, 1])
        let axial = sixty.frame(.axial, dims: Self.dims)
        #expect(axial.columnAxis == 1 && axial.columnReversed && axial.rowAxis == 0 && axial.rowReversed)
        #expect(axial.labels == ("L", "R", "A", "P"))
        // One step right on screen moves towards the patient's right (world x grows).
        let a = sixty.affine.apply(SIMD3<Double>(axial.voxel(u: 3, v: 4, slice: 2)))
        let b = sixty.affine.apply(SIMD3<Double>(axial.voxel(u: 4, v: 4, slice: 2)))
        let c = sixty.affine.apply(SIMD3<Double>(axial.voxel(u: 3, v: 5, slice: 2)))
        #expect(b.x > a.x && c.y < a.y)
    }

    @Test("screen(of:) inverts voxel(u:v:slice:) in every view")
    func roundTrip() {
        let o = DisplayOrientation(Self.affine(SIMD3(0, -1, 0), SIMD3(0, 0, -1), SIMD3(1, 0, 0)))
        for plane in ViewPlane.allCases {
            let f = o.frame(plane, dims: Self.dims)
            let p = SIMD3(3, 7, 11)
            let s = f.screen(of: p)
            #expect(f.voxel(u: s.u, v: s.v, slice: s.slice) == p)
        }
    }

    /// The cube lesion's component at `p`, by construction (`TestSupport.CubeLesion`).
    static func cubeComponent(_ p: SIMD3<Int>) -> ComponentCode { ComponentCode(rawValue: CubeLesion.component(p))! }

    @Test("outlined pixels lie on voxels of the component their colour names (oblique affine, anisotropic zoom)")
    func overlayPlacement() throws {
        let d = SIMD3(21, 21, 21)
        // Oblique (rotated 25° about z, then tilted), anisotropic voxels: 1 × 1.5 × 2 mm.
        let r = Self.rotatedAboutZ(25)
        let tilt = 0.2
        let aff = Self.affine(SIMD3(r[0, 0], r[1, 0], tilt) * 1, SIMD3(r[0, 1], r[1, 1], 0) * 1.5, SIMD3(-tilt, 0, 1) * 2)
        let grid = Grid(dims: d, affine: aff)
        var component = [UInt8](repeating: 0, count: grid.voxelCount), owner = [Int32](repeating: 0, count: grid.voxelCount)
        var values = [Float](repeating: 0, count: grid.voxelCount)
        for k in 0..<d.z { for j in 0..<d.y { for i in 0..<d.x {
            let n = grid.index(i, j, k), c = Self.cubeComponent(SIMD3(i, j, k))
            component[n] = c.rawValue
            owner[n] = c == .none ? 0 : 1
            values[n] = Float((i + j + k) % 7) * 10
        } } }
        let orientation = DisplayOrientation(grid.affine)
        #expect(orientation.obliquityDegrees > 20)
        let window = IntensityWindow(low: 0, high: 60)
        for plane in ViewPlane.allCases {
            let frame = orientation.frame(plane, dims: d)
            let slice = frame.screen(of: SIMD3(10, 10, 10)).slice
            let view = SliceView(frame: frame, slice: slice, u: 2...18, v: 2...18, spacing: grid.spacing, pixelsPerMM: 4)
            let image = OverlayRenderer.render(view, values: values, window: window, component: component, owner: owner)
            // Through the PNG bytes, as the page carries them.
            let decoded = try PNG.decode(PNG.encode(image))
            var seen: [ComponentCode: Int] = [:]
            for y in 0..<decoded.height {
                for x in 0..<decoded.width {
                    let colour = decoded[x, y], voxel = view.voxel(atPixel: x, y)
                    let truth = Self.cubeComponent(voxel)
                    if let named = OverlayRenderer.colours.first(where: { $0.value == colour })?.key {
                        #expect(named == truth, "\(plane) pixel (\(x), \(y)) is \(named) but voxel \(voxel) is \(truth)")
                        seen[named, default: 0] += 1
                    } else {
                        // Not outlined: the windowed grey of the voxel.
                        let g = window.grey(values[grid.index(voxel.x, voxel.y, voxel.z)])
                        #expect(colour == RGB(grey: g), "\(plane) pixel (\(x), \(y))")
                    }
                }
            }
            #expect(seen[.core, default: 0] > 0 && seen[.rim, default: 0] > 0 && seen[.perilesional, default: 0] > 0, "\(plane): \(seen)")
        }
    }

    @Test("an outline marks the boundary: a core voxel deep inside the core has no outlined pixel")
    func interiorUnmarked() {
        let d = SIMD3(9, 9, 1)
        let grid = Grid(dims: d, affine: .scaling(SIMD3(1, 1, 1)))
        var component = [UInt8](repeating: ComponentCode.core.rawValue, count: grid.voxelCount)
        component[grid.index(0, 0, 0)] = 0
        let owner = component.map { $0 == 0 ? Int32(0) : 1 }
        let frame = DisplayOrientation(grid.affine).frame(.axial, dims: d)
        let view = SliceView(frame: frame, slice: 0, u: 0...8, v: 0...8, spacing: grid.spacing, pixelsPerMM: 4)
        let image = OverlayRenderer.render(view, values: [Float](repeating: 1, count: grid.voxelCount),
                                           window: IntensityWindow(low: 0, high: 2), component: component, owner: owner)
        // Voxel (4, 4) is surrounded by core: its 4×4 block is all grey (128).
        let s = frame.screen(of: SIMD3(4, 4, 0))
        for y in 0..<4 { for x in 0..<4 { #expect(image[s.u * 4 + x, s.v * 4 + y] == RGB(grey: 128)) } }
        // Voxel (1, 0) borders the volume's edge and the hole at (0, 0): outlined.
        let e = frame.screen(of: SIMD3(1, 0, 0))
        #expect(image[e.u * 4, e.v * 4 + 3] == OverlayRenderer.colours[.core])
    }
}
