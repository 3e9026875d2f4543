#!/usr/bin/env python3
"""Independent Python reference implementation of `lesionmtr stats`.

Written from the definitions (docs/tables.md) only, never from the
Swift sources.  It follows the written definitions by the most direct route (nibabel, numpy,
scipy.ndimage) so that the Swift program can be checked against it; speed is secondary.

Usage (mirrors `lesionmtr stats`):

    lesionmtr_reference.py --lesions F --tissue F --map mtr:base=F --map mtr:m6=F \
        --map t1:base=F [--map mton:S=F --map mtoff:S=F] --subject ID -o DIR \
        [--covariate name=value ...] [--connectivity 6|18|26] [--min-voxels 3] [--labelled] \
        [--unit voxel|mm] [--rim-width 1] [--perilesional-width 2] [--nawm-gap 2] \
        [--band-width 1] [--tissue-labels csf=1,cgm=2,wm=3,dgm=4] [--csf MASK] \
        [--baseline SES] [--min-mtoff 0] [--voxels]

Writes DIR/lesions.tsv, DIR/subjects.tsv, DIR/bands.tsv (and DIR/voxels.tsv with --voxels).
JSON sidecars are not written: the reference exists to check the TSV contents.

Choices made where the written specification leaves room (also listed in the report):
  * Rounding of tissue labels and of pre-labelled lesion ids is "half away from zero"
    (floor(|x| + 0.5) with the sign of x), the everyday meaning of "rounded".  NaN counts as 0.
  * World coordinates without sform/qform use diag(pixdim[1..3]) as docs/definitions.md (Inputs)
    say (pixdim as stored, not its absolute value); spacing is always |pixdim[1..3]|.
  * Perilesional "not CSF" uses the tissue CSF label (tables.md: "tissue ≠ background and ≠ CSF");
    a `--csf` mask only replaces the CSF used for the distance to CSF.
  * `n_submedian` is `n/a` when `below_subject_median` is `n/a` (no baseline `mtr` map);
    `below_subject_median` is `n/a` when there is no `mtr` map *at the baseline session*.
  * subjects.tsv column order: all `lesion_mtr_<ses>_mean`, then all `submedian_mtr_<ses>_mean`,
    then all `delta_lesion_mtr_<ses>`, then all `delta_submedian_mtr_<ses>` (one table row each);
    slopes are interleaved per map and session, `slope_lesion_<m>_<s>, slope_nawm_<m>_<s>`,
    the same way lesions.tsv interleaves `delta_<m>_<s>_mean, delta_<m>_<s>_n`.
  * The mean over lesions in subjects.tsv (`lesion_mtr_<ses>_mean`, ...) is n/a when no lesion
    has a finite value.
  * Slopes: unweighted OLS of the band mean on the band centre (band + 0.5) × band_width.
  * Ties for the nearest lesion (perilesional) are detected by exact equality of the computed
    distances (city-block distances are integers; mm distances come from one formula).
  * voxels.tsv has no covariate columns (tables.md lists none); non-finite map values are `n/a`.
  * Exit codes: 64 usage, 65 bad data (grid mismatch, not 3-D, unreadable image), 66 missing file,
    73 cannot create the output folder.
"""

import math
import os
import sys

import nibabel as nib
import numpy as np
from scipy import ndimage

import stats_common as common
# the command line, map plan, table columns, cell text and exit codes are shared with the
# benchmark peer (scripts/bench/stats_peer.py); the computations below are this program's own
from stats_common import (COMPONENTS, Fail, check_same_grid, map_columns, plan_maps, reach_pad,
                          round_half_away, write_tsv)


# ----------------------------------------------------------------------------- reading

class Image:
    def __init__(self, path):
        if not os.path.exists(path):
            raise Fail(66, f"{path}: no such file")
        try:
            img = nib.load(path)
            hdr = img.header
            # get_fdata applies scl_slope/scl_inter (slope 0 or non-finite: no scaling); every
            # image is then converted to Float32, as docs/definitions.md (Inputs) says (the Swift side works in
            # Float32).  Statistics are later accumulated in float64 from these values.
            data = np.asarray(img.get_fdata(), dtype=np.float32)
        except Fail:
            raise
        except Exception as e:  # noqa: BLE001 - any reading problem is bad data
            raise Fail(65, f"{path}: cannot read NIfTI image: {e}")
        if not isinstance(img, (nib.Nifti1Image, nib.Nifti2Image, nib.Nifti1Pair, nib.Nifti2Pair)):
            raise Fail(65, f"{path}: not a NIfTI image")
        shape = data.shape
        if len(shape) > 3:
            if any(s != 1 for s in shape[3:]):
                raise Fail(65, f"{path}: not 3-D (dims {shape})")
            data = data.reshape(shape[:3])
        elif len(shape) < 3:
            data = data.reshape(tuple(shape) + (1,) * (3 - len(shape)))
        self.path = path
        self.data = data
        self.shape = data.shape
        pixdim = np.array([float(v) for v in hdr["pixdim"][1:4]], dtype=np.float64)
        self.spacing = np.abs(pixdim)
        if int(hdr["sform_code"]) > 0:
            self.affine = np.asarray(hdr.get_sform(), dtype=np.float64)
        elif int(hdr["qform_code"]) > 0:
            self.affine = np.asarray(hdr.get_qform(), dtype=np.float64)
        else:
            self.affine = np.diag([pixdim[0], pixdim[1], pixdim[2], 1.0])


# ----------------------------------------------------------------------------- statistics

def region_stats(values):
    """values: float32 array of the region's voxels (may hold NaN/Inf).  Returns 10 cells."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    n = int(v.size)
    if n == 0:
        return [0] + [None] * 9
    mean = float(np.mean(v))
    sd = float(np.std(v, ddof=1)) if n >= 2 else None
    q = np.percentile(v, [50, 10, 25, 75, 90])  # method 'linear' (numpy default)
    return [n, mean, sd, float(q[0]), float(q[1]), float(q[2]), float(q[3]), float(q[4]),
            float(np.min(v)), float(np.max(v))]


def delta_stats(follow, base):
    f = np.asarray(follow, dtype=np.float64)
    b = np.asarray(base, dtype=np.float64)
    ok = np.isfinite(f) & np.isfinite(b)
    n = int(ok.sum())
    if n == 0:
        return [None, 0]
    return [float(np.mean(f[ok] - b[ok])), n]


# ----------------------------------------------------------------------------- geometry

def box_of(mask, pad, shape):
    """Bounding box of mask (full-volume coordinates) expanded by pad[a] voxels, clipped."""
    idx = np.nonzero(mask)
    lo = [max(0, int(idx[a].min()) - pad[a]) for a in range(3)]
    hi = [min(shape[a], int(idx[a].max()) + 1 + pad[a]) for a in range(3)]
    return tuple(slice(lo[a], hi[a]) for a in range(3))


TOLERANCE = 1e-12  # docs/tables.md: distances in mm meet widths up to this relative rounding


def at_most(x, limit):
    """x <= limit up to rounding: x <= limit * (1 + 1e-12) (docs/tables.md, for mm)."""
    return x <= limit * (1 + TOLERANCE)


def within(d, width, unit):
    """Distance d (steps or mm) is within width: whole steps <= width (i.e. <= floor(width));
    mm with the rounding tolerance of docs/tables.md, on the squares (d^2 <= width^2 (1 + 1e-12))."""
    return d <= width if unit == "voxel" else at_most(d * d, width * width)


def band_of(dist, width):
    """Band of each distance (mm): the largest integer k >= 0 with k * width <= d * (1 + 1e-12)
    (docs/tables.md), so an exact multiple of the width is in the upper band whatever rounding
    the computed distance carries.  floor(d / width) is a first guess, corrected both ways."""
    k = np.floor(dist / width)
    k = np.where(at_most(k * width, dist) | (k <= 0), k, k - 1)
    return np.where(at_most((k + 1) * width, dist), k + 1, k)


def distance_to(mask, unit, spacing):
    """Distance from every voxel to the nearest True voxel of mask (mask must have one).

    voxel: city-block (6-connected steps) distance, exact (chamfer with unit weights on the
    6-neighbourhood is the L1 distance on an unobstructed grid).  mm: exact Euclidean with the
    voxel spacing."""
    if unit == "voxel":
        return ndimage.distance_transform_cdt(~mask, metric="taxicab").astype(np.float64)
    return ndimage.distance_transform_edt(~mask, sampling=spacing)


def rim_of(L, unit, width, spacing):
    """Voxels of L whose distance to the nearest voxel not in L is <= width.
    L is a box that holds all of the lesion; outside the box counts as not in L."""
    if unit == "voxel":
        steps = int(math.floor(width))
        if steps <= 0:
            return np.zeros_like(L)
        struct = ndimage.generate_binary_structure(3, 1)
        eroded = ndimage.binary_erosion(L, structure=struct, iterations=steps, border_value=0)
        return L & ~eroded
    padded = np.pad(L, 1, mode="constant", constant_values=False)
    d = ndimage.distance_transform_edt(padded, sampling=spacing)[1:-1, 1:-1, 1:-1]
    return L & at_most(d, width)


# ----------------------------------------------------------------------------- arguments

def parse_args(argv):
    def own_options(p):
        p.add_argument("--voxels", action="store_true")
    return common.parse_args(argv, __doc__.split("\n")[0], own_options)


# ----------------------------------------------------------------------------- analysis

def run(a):
    lesion_img = Image(a.lesions)
    tissue_img = Image(a.tissue)
    check_same_grid(lesion_img, tissue_img)
    shape = lesion_img.shape
    spacing = lesion_img.spacing
    affine = lesion_img.affine
    voxvol = float(spacing[0] * spacing[1] * spacing[2])

    maps, sessions, sources, baseline = plan_maps(a.map_specs, a.baseline)
    values = {}  # (map, ses) -> float32 volume
    for m in maps:
        for s in sessions[m]:
            src = sources[(m, s)]
            if src[0] == "file":
                im = Image(src[1])
                check_same_grid(lesion_img, im)
                values[(m, s)] = np.asarray(im.data, dtype=np.float32)
            else:
                on, off = Image(src[1]), Image(src[2])
                check_same_grid(lesion_img, on)
                check_same_grid(lesion_img, off)
                von = np.asarray(on.data, dtype=np.float32).astype(np.float64)
                voff = np.asarray(off.data, dtype=np.float32).astype(np.float64)
                ok = np.isfinite(von) & np.isfinite(voff) & (voff > a.min_mtoff)
                mtr = np.full(shape, np.nan, dtype=np.float64)
                mtr[ok] = 100.0 * (voff[ok] - von[ok]) / voff[ok]
                values[(m, s)] = mtr.astype(np.float32)
    csf_img = None
    if a.csf:
        csf_img = Image(a.csf)
        check_same_grid(lesion_img, csf_img)

    map_cols, delta_cols = map_columns(maps, sessions, baseline)

    # --- tissue
    tissue = round_half_away(tissue_img.data)
    L = a.labels
    is_csf = tissue == L["csf"]
    is_wm = tissue == L["wm"]
    is_cgm = tissue == L["cgm"]
    is_dgm = tissue == L["dgm"]
    brain_not_csf = (tissue != 0) & ~is_csf

    # --- lesions
    if a.labelled:
        ids_vol = round_half_away(lesion_img.data)
        ids_vol[ids_vol < 0] = 0
        lesion_ids = [int(x) for x in np.unique(ids_vol) if x > 0]
    else:
        binary = lesion_img.data > 0  # NaN > 0 is False
        struct = ndimage.generate_binary_structure(3, {6: 1, 18: 2, 26: 3}[a.connectivity])
        raw, n = ndimage.label(binary, structure=struct)
        flat = raw.ravel(order="F")
        sizes = np.bincount(flat, minlength=n + 1)
        labs, first = np.unique(flat, return_index=True)
        kept = [(int(f), int(lab)) for lab, f in zip(labs, first)
                if lab > 0 and sizes[lab] >= a.min_voxels]
        kept.sort()  # by first voxel in storage order (i fastest)
        remap = np.zeros(n + 1, dtype=np.int64)
        for new_id, (_, lab) in enumerate(kept, start=1):
            remap[lab] = new_id
        ids_vol = remap[raw]
        lesion_ids = list(range(1, len(kept) + 1))
    any_lesion = ids_vol > 0

    # --- distance to CSF (mm, Euclidean, over the whole volume)
    csf_mask = (csf_img.data > 0) if csf_img is not None else is_csf
    if csf_mask.any():
        dist_csf = ndimage.distance_transform_edt(~csf_mask, sampling=spacing)
        have_csf = True
    else:
        print(f"warning: {a.subject}: no CSF voxel; distances to CSF and bands are n/a",
              file=sys.stderr)
        dist_csf = np.full(shape, np.nan)
        have_csf = False
    band = band_of(dist_csf, a.band_width) if have_csf else None

    # --- NAWM
    if any_lesion.any():
        d_any = distance_to(any_lesion, a.unit, spacing)
        nawm = is_wm & ~any_lesion & ~within(d_any, a.nawm_gap, a.unit)
    else:
        nawm = is_wm.copy()

    # --- lesion boxes, rim/core, perilesional assignment (nearest lesion, ties lowest id)
    pad = reach_pad(a.perilesional_width, a.unit, spacing)
    best_d = np.full(shape, np.inf)
    peri_id = np.zeros(shape, dtype=np.int64)
    boxes, rims = {}, {}
    for lid in lesion_ids:  # ascending id: strict '<' keeps the lowest id on ties
        box = box_of(ids_vol == lid, pad, shape)
        Lb = ids_vol[box] == lid
        boxes[lid] = box
        rims[lid] = rim_of(Lb, a.unit, a.rim_width, spacing)
        d = distance_to(Lb, a.unit, spacing)
        cand = (~any_lesion[box]) & brain_not_csf[box] & within(d, a.perilesional_width, a.unit)
        better = cand & (d < best_d[box])
        best_d[box][better] = d[better]
        peri_id[box][better] = lid

    # --- per-lesion rows
    nx, ny, _ = shape
    lesion_rows_data = []  # per lesion: dict
    for lid in lesion_ids:
        box = boxes[lid]
        Lb = ids_vol[box] == lid
        rim = rims[lid]
        core = Lb & ~rim
        peri = peri_id[box] == lid
        comp_masks = {"whole": Lb, "core": core, "rim": rim, "perilesional": peri}
        n_all = int(Lb.sum())
        counts = {"wm": int((is_wm[box] & Lb).sum()), "cgm": int((is_cgm[box] & Lb).sum()),
                  "dgm": int((is_dgm[box] & Lb).sum())}
        cls = common.lesion_class(counts)  # ties: WM, then CGM, then DGM
        ii, jj, kk = np.nonzero(Lb)
        off = [box[0].start, box[1].start, box[2].start]
        mean_idx = np.array([ii.mean() + off[0], jj.mean() + off[1], kk.mean() + off[2]])
        centroid = affine[:3, :3] @ mean_idx + affine[:3, 3]
        comps = {}
        for comp in COMPONENTS:
            mask = comp_masks[comp]
            nvox = int(mask.sum())
            dc = dist_csf[box][mask]
            row = {"n_voxels": nvox, "volume_mm3": nvox * voxvol,
                   "dist_mean": float(np.mean(dc)) if (nvox and have_csf) else None,
                   "dist_min": float(np.min(dc)) if (nvox and have_csf) else None,
                   "stats": {}, "delta": {}}
            for key in map_cols:
                row["stats"][key] = region_stats(values[key][box][mask])
            for (m, s) in delta_cols:
                row["delta"][(m, s)] = delta_stats(values[(m, s)][box][mask],
                                                   values[(m, baseline)][box][mask])
            comps[comp] = row
        lesion_rows_data.append({"id": lid, "class": cls, "n": n_all, "counts": counts,
                                 "centroid": centroid, "comps": comps, "box": box,
                                 "masks": comp_masks})

    # --- submedian
    have_mtr_base = ("mtr", baseline) in values
    if have_mtr_base:
        base_means = [r["comps"]["whole"]["stats"][("mtr", baseline)][1] for r in lesion_rows_data]
        finite = [x for x in base_means if x is not None and math.isfinite(x)]
        subject_median = float(np.median(np.asarray(finite, dtype=np.float64))) if finite else None
        for r, x in zip(lesion_rows_data, base_means):
            ok = subject_median is not None and x is not None and math.isfinite(x)
            r["below"] = 1 if (ok and x < subject_median) else 0
        n_submedian = sum(r["below"] for r in lesion_rows_data)
    else:
        subject_median = None
        for r in lesion_rows_data:
            r["below"] = None
        n_submedian = None

    cov_names = [k for k, _ in a.covs]
    cov_values = [v for _, v in a.covs]

    # --- lesions.tsv
    header = common.lesions_header(cov_names, map_cols, delta_cols)
    rows = []
    for r in lesion_rows_data:
        for comp in COMPONENTS:
            c = r["comps"][comp]
            row = common.lesion_row_head(a.subject, cov_values, r["id"], comp, r["class"],
                                         c["n_voxels"], voxvol, r["centroid"], r["counts"],
                                         r["n"], c["dist_mean"], c["dist_min"], r["below"])
            for key in map_cols:
                row += c["stats"][key]
            for key in delta_cols:
                row += c["delta"][key]
            rows.append(row)
    os.makedirs(a.output, exist_ok=True)
    write_tsv(os.path.join(a.output, "lesions.tsv"), header, rows)

    # --- bands.tsv
    band_header = common.bands_header(cov_names, map_cols)
    band_rows = []
    slope_points = {"lesion": {}, "nawm": {}}  # region -> key -> list of (x, mean)
    if have_csf:
        lesion_cls = {r["id"]: r["class"] for r in lesion_rows_data}
        regions = []
        # lesion region: voxels of whole lesions, class = the lesion's class
        lesion_cls_vol = np.zeros(shape, dtype=np.int64)  # 1 wm, 2 cgm, 3 dgm, 4 other
        code = {"wm": 1, "cgm": 2, "dgm": 3, "other": 4}
        for lid, c in lesion_cls.items():
            lesion_cls_vol[ids_vol == lid] = code[c]
        regions.append(("lesion", any_lesion, lesion_cls_vol))
        nawm_cls_vol = np.where(nawm, 1, 0)
        regions.append(("nawm", nawm, nawm_cls_vol))
        for region, rmask, cls_vol in regions:
            groups = [(name, cls_vol == code[name]) for name in ("wm", "cgm", "dgm", "other")]
            groups.append(("all", rmask))
            for name, gmask in groups:
                gmask = gmask & rmask
                if not gmask.any():
                    continue
                gb = band[gmask].astype(np.int64)
                gvals = {key: values[key][gmask].astype(np.float64) for key in map_cols}
                for b in sorted(set(gb.tolist())):
                    sel = gb == b
                    n = int(sel.sum())
                    means = []
                    for key in map_cols:
                        v = gvals[key][sel]
                        v = v[np.isfinite(v)]
                        means.append(float(np.mean(v)) if v.size else None)
                    band_rows.append([a.subject] + cov_values +
                                     [region, name, b, b * a.band_width, (b + 1) * a.band_width, n]
                                     + means)
                    if name == "all" and b >= 1 and n >= 1:
                        for key, mu in zip(map_cols, means):
                            if mu is not None and math.isfinite(mu):
                                x = (b + 0.5) * a.band_width
                                slope_points[region].setdefault(key, []).append((x, mu))
    write_tsv(os.path.join(a.output, "bands.tsv"), band_header, band_rows)

    # --- subjects.tsv
    below = [r["below"] for r in lesion_rows_data]
    sh, srow = common.subjects_head(a.subject, a.covs, [r["class"] for r in lesion_rows_data],
                                    [r["n"] for r in lesion_rows_data], voxvol, subject_median,
                                    n_submedian, int(nawm.sum()))
    for col_names, col_cells in (
            common.subjects_nawm(map_cols, lambda key: region_stats(values[key][nawm])[:4]),
            common.subjects_mtr(
                sessions, delta_cols, below,
                lambda s: [r["comps"]["whole"]["stats"][("mtr", s)][1] for r in lesion_rows_data],
                lambda s: [r["comps"]["whole"]["delta"][("mtr", s)][0] for r in lesion_rows_data]),
            common.subjects_slopes(map_cols, slope_points)):
        sh += col_names
        srow += col_cells
    write_tsv(os.path.join(a.output, "subjects.tsv"), sh, [srow])

    # --- voxels.tsv
    if a.voxels:
        vh = (["subject", "lesion", "component", "i", "j", "k", "tissue", "dist_csf_mm", "band"] +
              [f"{m}_{s}" for (m, s) in map_cols])
        vrows = []
        for r in lesion_rows_data:
            box = r["box"]
            off = [box[0].start, box[1].start, box[2].start]
            for comp in ("core", "rim", "perilesional"):
                ii, jj, kk = np.nonzero(r["masks"][comp])
                ii, jj, kk = ii + off[0], jj + off[1], kk + off[2]
                order = np.argsort(ii + nx * (jj + ny * kk), kind="stable")  # storage order
                for t in order:
                    p = (int(ii[t]), int(jj[t]), int(kk[t]))
                    row = [a.subject, r["id"], comp, p[0], p[1], p[2], int(tissue[p]),
                           float(dist_csf[p]) if have_csf else None,
                           int(band[p]) if have_csf else None]
                    row += [float(values[key][p]) for key in map_cols]
                    vrows.append(row)
        write_tsv(os.path.join(a.output, "voxels.tsv"), vh, vrows)


def main(argv=None):
    return common.main(sys.argv[1:] if argv is None else argv, parse_args, run)


if __name__ == "__main__":
    sys.exit(main())
