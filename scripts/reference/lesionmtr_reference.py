#!/usr/bin/env python3
"""Independent Python reference implementation of `lesionmtr stats`.

Written from /work/shared/DESIGN.md (sections 2-4) and docs/tables.md only, never from the
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
  * World coordinates without sform/qform use diag(pixdim[1..3]) as DESIGN.md's fine points
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

import argparse
import math
import os
import re
import sys

import nibabel as nib
import numpy as np
from scipy import ndimage

CLASSES = ("wm", "cgm", "dgm")
COMPONENTS = ("whole", "core", "rim", "perilesional")
STAT_NAMES = ("n_valid", "mean", "sd", "median", "p10", "p25", "p75", "p90", "min", "max")
NAME_RE = re.compile(r"^[A-Za-z0-9]+$")


class Fail(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


# ----------------------------------------------------------------------------- formatting

def fmt(x):
    """One table cell: None / non-finite -> n/a, ints as ints, floats with %.9g."""
    if x is None:
        return "n/a"
    if isinstance(x, str):
        return x
    if isinstance(x, (bool, np.bool_)):
        return str(int(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if not math.isfinite(x):
        return "n/a"
    return "%.9g" % x


def write_tsv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(header) + "\n")
        for row in rows:
            assert len(row) == len(header)
            f.write("\t".join(fmt(v) for v in row) + "\n")


# ----------------------------------------------------------------------------- reading

def round_half_away(x):
    """Round half away from zero; NaN/Inf -> 0.  Returns int64."""
    x = np.where(np.isfinite(x), x, 0.0)
    return (np.sign(x) * np.floor(np.abs(x) + 0.5)).astype(np.int64)


class Image:
    def __init__(self, path):
        if not os.path.exists(path):
            raise Fail(66, f"{path}: no such file")
        try:
            img = nib.load(path)
            hdr = img.header
            # get_fdata applies scl_slope/scl_inter (slope 0 or non-finite: no scaling); every
            # image is then converted to Float32, as DESIGN.md §2 says (the Swift side works in
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


def check_same_grid(ref, other):
    if ref.shape != other.shape:
        raise Fail(65, f"grid mismatch: {ref.path} has dims {ref.shape}, "
                       f"{other.path} has dims {other.shape}")
    diff = float(np.max(np.abs(ref.affine - other.affine)))
    if diff > 1e-4:
        raise Fail(65, f"grid mismatch: affines of {ref.path} and {other.path} differ by "
                       f"{diff:g} mm (more than 1e-4)")


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


def finite_mean(values):
    v = np.asarray([x for x in values if x is not None and math.isfinite(x)], dtype=np.float64)
    if v.size == 0:
        return None
    return float(np.mean(v))


# ----------------------------------------------------------------------------- geometry

def box_of(mask, pad, shape):
    """Bounding box of mask (full-volume coordinates) expanded by pad[a] voxels, clipped."""
    idx = np.nonzero(mask)
    lo = [max(0, int(idx[a].min()) - pad[a]) for a in range(3)]
    hi = [min(shape[a], int(idx[a].max()) + 1 + pad[a]) for a in range(3)]
    return tuple(slice(lo[a], hi[a]) for a in range(3))


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
    return L & (d <= width)


def reach_pad(width, unit, spacing):
    """Voxels of margin per axis so that everything within `width` of a box is in the box."""
    if unit == "voxel":
        return [int(math.floor(width)) + 1] * 3
    return [int(math.ceil(width / s)) + 1 if s > 0 else 1 for s in spacing]


# ----------------------------------------------------------------------------- arguments

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--lesions", required=True)
    p.add_argument("--tissue", required=True)
    p.add_argument("--map", action="append", default=[], dest="maps")
    p.add_argument("--subject", required=True)
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--covariate", action="append", default=[])
    p.add_argument("--connectivity", type=int, default=26)
    p.add_argument("--min-voxels", type=int, default=3)
    p.add_argument("--labelled", action="store_true")
    p.add_argument("--unit", choices=["voxel", "mm"], default="voxel")
    p.add_argument("--rim-width", type=float, default=1.0)
    p.add_argument("--perilesional-width", type=float, default=2.0)
    p.add_argument("--nawm-gap", type=float, default=2.0)
    p.add_argument("--band-width", type=float, default=1.0)
    p.add_argument("--tissue-labels", default="csf=1,cgm=2,wm=3,dgm=4")
    p.add_argument("--csf")
    p.add_argument("--baseline")
    p.add_argument("--min-mtoff", type=float, default=0.0)
    p.add_argument("--voxels", action="store_true")
    try:
        a = p.parse_args(argv)
    except SystemExit as e:
        raise Fail(64 if e.code else 0, "usage error") from None
    if a.connectivity not in (6, 18, 26):
        raise Fail(64, "--connectivity must be 6, 18 or 26")
    if not NAME_RE.match(a.subject):
        raise Fail(64, f"bad subject label {a.subject!r}")
    if a.band_width <= 0 or a.rim_width < 0 or a.perilesional_width < 0 or a.nawm_gap < 0:
        raise Fail(64, "widths must be >= 0 and --band-width > 0")
    labels = {"csf": 1, "cgm": 2, "wm": 3, "dgm": 4}
    for part in a.tissue_labels.split(","):
        if not part.strip():
            continue
        k, sep, v = part.partition("=")
        k = k.strip()
        if not sep or k not in labels:
            raise Fail(64, f"bad --tissue-labels entry {part!r}")
        try:
            labels[k] = int(v)
        except ValueError:
            raise Fail(64, f"bad --tissue-labels entry {part!r}") from None
    a.labels = labels
    covs = []
    for c in a.covariate:
        k, sep, v = c.partition("=")
        if not sep or not k:
            raise Fail(64, f"bad --covariate {c!r} (want name=value)")
        covs.append((k, v))
    a.covs = covs
    specs = []
    for m in a.maps:
        mm = re.match(r"^([A-Za-z0-9]+):([A-Za-z0-9]+)=(.+)$", m)
        if not mm:
            raise Fail(64, f"bad --map {m!r} (want name:session=file)")
        specs.append((mm.group(1), mm.group(2), mm.group(3)))
    a.map_specs = specs
    return a


def plan_maps(specs, baseline):
    """Map order, session order, and how each (map, session) is obtained.

    Returns (maps, sessions, sources, baseline) where maps is the ordered list of map names,
    sessions[m] the ordered sessions of map m, sources[(m, s)] either ('file', path) or
    ('mt', mton_path, mtoff_path)."""
    seen = set()
    map_order, ses_order = [], []
    mt = {}
    sources = {}
    for name, ses, path in specs:
        key = (name, ses)
        if key in seen:
            raise Fail(64, f"--map {name}:{ses} given twice")
        seen.add(key)
        if ses not in ses_order:
            ses_order.append(ses)
        target = "mtr" if name in ("mton", "mtoff") else name
        if target not in map_order:
            map_order.append(target)
        if name in ("mton", "mtoff"):
            mt.setdefault(ses, {})[name] = path
        else:
            sources[(name, ses)] = ("file", path)
    for ses, d in mt.items():
        if "mton" not in d or "mtoff" not in d:
            raise Fail(64, f"session {ses}: mton and mtoff must be given together")
        if ("mtr", ses) in sources:
            raise Fail(64, f"session {ses}: both mtr and mton/mtoff given")
        sources[("mtr", ses)] = ("mt", d["mton"], d["mtoff"])
    if baseline is None:
        baseline = ses_order[0] if ses_order else None
    elif baseline not in ses_order:
        raise Fail(64, f"--baseline {baseline}: no map has that session")
    ordered = ([baseline] if baseline is not None else []) + [s for s in ses_order if s != baseline]
    sessions = {m: [s for s in ordered if (m, s) in sources] for m in map_order}
    return map_order, sessions, sources, baseline


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

    map_cols = [(m, s) for m in maps for s in sessions[m]]
    delta_cols = [(m, s) for m in maps if baseline in sessions[m]
                  for s in sessions[m] if s != baseline]

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
    band = np.floor(dist_csf / a.band_width) if have_csf else None

    # --- NAWM
    if any_lesion.any():
        d_any = distance_to(any_lesion, a.unit, spacing)
        nawm = is_wm & ~any_lesion & (d_any > a.nawm_gap)
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
        cand = (~any_lesion[box]) & brain_not_csf[box] & (d <= a.perilesional_width)
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
        best = max(counts.values())
        cls = "other"
        if best > 0:
            for c in CLASSES:  # ties: WM, then CGM, then DGM
                if counts[c] == best:
                    cls = c
                    break
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
    header = (["subject"] + cov_names +
              ["lesion", "component", "tissue_class", "n_voxels", "volume_mm3",
               "centroid_x", "centroid_y", "centroid_z", "frac_wm", "frac_cgm", "frac_dgm",
               "dist_csf_mean_mm", "dist_csf_min_mm", "below_subject_median"])
    for (m, s) in map_cols:
        header += [f"{m}_{s}_{st}" for st in STAT_NAMES]
    for (m, s) in delta_cols:
        header += [f"delta_{m}_{s}_mean", f"delta_{m}_{s}_n"]
    rows = []
    for r in lesion_rows_data:
        for comp in COMPONENTS:
            c = r["comps"][comp]
            row = ([a.subject] + cov_values +
                   [r["id"], comp, r["class"], c["n_voxels"], c["volume_mm3"],
                    r["centroid"][0], r["centroid"][1], r["centroid"][2],
                    r["counts"]["wm"] / r["n"], r["counts"]["cgm"] / r["n"],
                    r["counts"]["dgm"] / r["n"],
                    c["dist_mean"], c["dist_min"], r["below"]])
            for key in map_cols:
                row += c["stats"][key]
            for key in delta_cols:
                row += c["delta"][key]
            rows.append(row)
    os.makedirs(a.output, exist_ok=True)
    write_tsv(os.path.join(a.output, "lesions.tsv"), header, rows)

    # --- bands.tsv
    band_header = (["subject"] + cov_names +
                   ["region", "tissue_class", "band", "dist_lo_mm", "dist_hi_mm", "n"] +
                   [f"{m}_{s}_mean" for (m, s) in map_cols])
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
    def ols_slope(points):
        if len(points) < 2:
            return None
        x = np.array([p[0] for p in points], dtype=np.float64)
        y = np.array([p[1] for p in points], dtype=np.float64)
        xm, ym = x.mean(), y.mean()
        sxx = float(np.sum((x - xm) ** 2))
        if sxx == 0:
            return None
        return float(np.sum((x - xm) * (y - ym)) / sxx)

    counts_by_class = {c: 0 for c in ("wm", "cgm", "dgm", "other")}
    vox_by_class = {c: 0 for c in ("wm", "cgm", "dgm", "other")}
    for r in lesion_rows_data:
        counts_by_class[r["class"]] += 1
        vox_by_class[r["class"]] += r["n"]
    total_vox = sum(vox_by_class.values())
    sh = (["subject"] + cov_names +
          ["n_lesions", "n_lesions_wm", "n_lesions_cgm", "n_lesions_dgm", "n_lesions_other",
           "lesion_volume_mm3", "lesion_volume_wm_mm3", "lesion_volume_cgm_mm3",
           "lesion_volume_dgm_mm3", "lesion_volume_other_mm3",
           "mtr_subject_median", "n_submedian", "nawm_n_voxels"])
    srow = ([a.subject] + cov_values +
            [len(lesion_rows_data), counts_by_class["wm"], counts_by_class["cgm"],
             counts_by_class["dgm"], counts_by_class["other"],
             total_vox * voxvol, vox_by_class["wm"] * voxvol, vox_by_class["cgm"] * voxvol,
             vox_by_class["dgm"] * voxvol, vox_by_class["other"] * voxvol,
             subject_median, n_submedian, int(nawm.sum())])
    for key in map_cols:
        m, s = key
        sh += [f"nawm_{m}_{s}_{st}" for st in ("n_valid", "mean", "sd", "median")]
        srow += region_stats(values[key][nawm])[:4]
    mtr_sessions = sessions.get("mtr", [])
    mtr_follow = [s for (m, s) in delta_cols if m == "mtr"]
    for s in mtr_sessions:
        sh.append(f"lesion_mtr_{s}_mean")
        srow.append(finite_mean([r["comps"]["whole"]["stats"][("mtr", s)][1]
                                 for r in lesion_rows_data]))
    for s in mtr_sessions:
        sh.append(f"submedian_mtr_{s}_mean")
        srow.append(finite_mean([r["comps"]["whole"]["stats"][("mtr", s)][1]
                                 for r in lesion_rows_data if r["below"] == 1]))
    for s in mtr_follow:
        sh.append(f"delta_lesion_mtr_{s}")
        srow.append(finite_mean([r["comps"]["whole"]["delta"][("mtr", s)][0]
                                 for r in lesion_rows_data]))
    for s in mtr_follow:
        sh.append(f"delta_submedian_mtr_{s}")
        srow.append(finite_mean([r["comps"]["whole"]["delta"][("mtr", s)][0]
                                 for r in lesion_rows_data if r["below"] == 1]))
    for key in map_cols:
        m, s = key
        sh += [f"slope_lesion_{m}_{s}", f"slope_nawm_{m}_{s}"]
        srow += [ols_slope(slope_points["lesion"].get(key, [])),
                 ols_slope(slope_points["nawm"].get(key, []))]
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
    try:
        a = parse_args(sys.argv[1:] if argv is None else argv)
        try:
            os.makedirs(a.output, exist_ok=True)
        except OSError as e:
            raise Fail(73, f"{a.output}: cannot create output folder: {e}")
        run(a)
    except Fail as e:
        if e.code:
            print(f"error: {e}", file=sys.stderr)
        return e.code
    return 0


if __name__ == "__main__":
    sys.exit(main())
