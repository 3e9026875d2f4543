#!/usr/bin/env python3
"""Write small, seeded test inputs for `lesionmtr stats` vs the Python reference.

Usage:
    make_stats_cases.py OUTDIR

Writes NIfTI files (nibabel) into OUTDIR and OUTDIR/cases.json:

    {"cases": [{"name": ..., "args": [...]}, ...]}

`args` are the command-line arguments common to both implementations (everything except the
output folder `-o DIR`), with paths relative to OUTDIR, so run them with OUTDIR as the working
directory:  `cd OUTDIR && lesionmtr stats ARGS -o OUT` and
`cd OUTDIR && lesionmtr_reference.py ARGS -o OUT`.

What is covered: 24×20×12 volumes with 0.9×0.9×3 mm voxels and an oblique sform (rotation),
qform-only and no-transform (diag pixdim) headers, scaled int16 maps (scl_slope/scl_inter),
a NIfTI-2 map, a .hdr/.img pair, a pre-labelled lesion image (two touching lesions, a lesion on
the image border, an id in two pieces, a one-voxel lesion, an equidistant voxel between two
lesions), NaN and ±Inf map voxels, lesions too small to have a core, --unit voxel and mm,
--connectivity 6/18/26, an MT-on/MT-off pair, an empty lesion mask, a subject without CSF,
follow-up sessions (three sessions, maps missing at some, --baseline not first), remapped
--tissue-labels, a separate --csf mask, non-integer widths, covariates and --voxels.
Everything is seeded (numpy default_rng); the output is deterministic.
"""

import json
import math
import os
import sys

import nibabel as nib
import numpy as np

SHAPE = (24, 20, 12)
SPACING = (0.9, 0.9, 3.0)


def rotation(ax, ay, az):
    ax, ay, az = (math.radians(v) for v in (ax, ay, az))
    rx = np.array([[1, 0, 0], [0, math.cos(ax), -math.sin(ax)], [0, math.sin(ax), math.cos(ax)]])
    ry = np.array([[math.cos(ay), 0, math.sin(ay)], [0, 1, 0], [-math.sin(ay), 0, math.cos(ay)]])
    rz = np.array([[math.cos(az), -math.sin(az), 0], [math.sin(az), math.cos(az), 0], [0, 0, 1]])
    return rz @ ry @ rx


def oblique_affine(spacing=SPACING, angles=(12.0, -7.0, 20.0), origin=(-10.5, -20.25, -15.0)):
    a = np.eye(4)
    a[:3, :3] = rotation(*angles) @ np.diag(spacing)
    a[:3, 3] = origin
    return a


class Writer:
    """Writes images with one of three header styles: 'sform' (oblique sform code 1 plus a
    different, plain qform code 1 that must be ignored), 'qform' (oblique qform only,
    sform code 0) or 'none' (both codes 0: world = diag(pixdim))."""

    def __init__(self, outdir, style, affine, spacing=SPACING):
        self.outdir = outdir
        self.style = style
        self.affine = affine
        self.spacing = spacing

    def save(self, name, data, dtype=np.float32, nifti2=False, pair=False):
        data = np.asarray(data)
        cls = nib.Nifti2Image if nifti2 else (nib.Nifti1Pair if pair else nib.Nifti1Image)
        img = cls(data.astype(dtype) if np.dtype(dtype).kind == "f" else data, None)
        hdr = img.header
        hdr.set_data_dtype(dtype)
        hdr.set_zooms(self.spacing)
        if self.style == "sform":
            img.set_sform(self.affine, code=1)
            plain = np.diag(list(self.spacing) + [1.0])
            img.set_qform(plain, code=1)
        elif self.style == "qform":
            img.set_qform(self.affine, code=1)
            img.set_sform(self.affine, code=0)
        else:
            img.set_qform(None, code=0)
            img.set_sform(None, code=0)
            hdr["qform_code"] = 0
            hdr["sform_code"] = 0
        if np.dtype(dtype).kind == "f":
            hdr["scl_slope"] = np.nan  # no scaling
            hdr["scl_inter"] = np.nan
        path = os.path.join(self.outdir, name)
        img.to_filename(path)
        return name


# ----------------------------------------------------------------------------- anatomy

def make_tissue(rng, shape=SHAPE, with_csf=True, other_label=True):
    """Labels 0 background, 1 CSF, 2 cortical GM, 3 WM, 4 deep GM, 5 other brain tissue."""
    i, j, k = np.meshgrid(*(np.arange(n, dtype=np.float64) for n in shape), indexing="ij")
    c = [(n - 1) / 2.0 for n in shape]
    r = np.sqrt(((i - c[0]) / (shape[0] * 0.47)) ** 2 + ((j - c[1]) / (shape[1] * 0.47)) ** 2
                + ((k - c[2]) / (shape[2] * 0.55)) ** 2)
    r = r + rng.normal(0, 0.04, shape)
    t = np.zeros(shape, dtype=np.int16)
    t[r <= 1.0] = 2           # cortical GM shell
    t[r <= 0.78] = 3          # WM
    if with_csf:
        t[(r > 0.93) & (r <= 1.0) & (rng.random(shape) < 0.35)] = 1      # sulcal CSF
        vent = (np.abs(i - c[0]) <= 1.5) & (np.abs(j - c[1] + 2) <= 3) & (np.abs(k - c[2]) <= 2)
        t[vent] = 1           # a ventricle
    dgm = ((i - c[0] - 5) ** 2 / 6.0 + (j - c[1]) ** 2 / 5.0 + (k - c[2]) ** 2 / 2.0) <= 1.0
    t[dgm] = 4
    if other_label:
        t[(np.abs(i - c[0] + 6) <= 1) & (np.abs(j - c[1] - 5) <= 1) & (np.abs(k - c[2]) <= 1)] = 5
    return t


def make_lesions(rng, tissue, n_blobs=9, shape=SHAPE, max_r=(2.6, 2.6, 1.2), min_r=0.6):
    """Binary lesion mask: random ellipsoid blobs inside the brain plus single voxels and a
    corner-touching pair (one 26-component, two 6-components)."""
    les = np.zeros(shape, dtype=bool)
    i, j, k = np.meshgrid(*(np.arange(n) for n in shape), indexing="ij")
    inside = np.argwhere(tissue >= 2)
    for _ in range(n_blobs):
        ci, cj, ck = inside[rng.integers(len(inside))]
        ri, rj, rk = (rng.uniform(min_r, m) for m in max_r)
        blob = ((i - ci) / ri) ** 2 + ((j - cj) / rj) ** 2 + ((k - ck) / rk) ** 2 <= 1.0
        blob &= rng.random(shape) < 0.9  # ragged edges
        les |= blob
    for _ in range(4):  # single voxels (dropped by --min-voxels 3)
        ci, cj, ck = inside[rng.integers(len(inside))]
        les[ci, cj, ck] = True
    # two 2-voxel pieces touching only at a corner
    ci, cj, ck = 4, 4, 5
    les[ci:ci + 2, cj, ck] = True
    les[ci + 2, cj + 1, ck + 1] = True
    les[ci + 3, cj + 1, ck + 1] = True
    return les


def make_maps(rng, tissue, lesions, shape=SHAPE, bad=True):
    base_mean = {0: 5.0, 1: 8.0, 2: 33.0, 3: 41.0, 4: 36.0, 5: 30.0}
    t1_mean = {0: 100.0, 1: 3800.0, 2: 1350.0, 3: 850.0, 4: 1250.0, 5: 1500.0}
    mu = np.vectorize(lambda v: base_mean.get(int(v), 20.0))(tissue).astype(np.float64)
    t1m = np.vectorize(lambda v: t1_mean.get(int(v), 1000.0))(tissue).astype(np.float64)
    mu = mu - 9.0 * lesions
    t1m = t1m + 400.0 * lesions
    mtr_base = mu + rng.normal(0, 1.5, shape)
    mtr_m6 = mtr_base + rng.normal(0.5, 1.0, shape)
    mtr_m12 = mtr_base + rng.normal(1.0, 1.0, shape)
    t1 = t1m + rng.normal(0, 40, shape)
    t1_m12 = t1 - rng.normal(10, 20, shape)
    maps = {"mtr_base": mtr_base, "mtr_m6": mtr_m6, "mtr_m12": mtr_m12, "t1_base": t1,
            "t1_m12": t1_m12}
    if bad:
        les_idx = np.argwhere(lesions)
        for name, arr in maps.items():
            for v in (np.nan, np.inf, -np.inf, np.nan):
                arr[tuple(rng.integers(0, n) for n in shape)] = v
            if len(les_idx):  # invalid voxels inside lesions too
                for v in (np.nan, np.inf, -np.inf):
                    arr[tuple(les_idx[rng.integers(len(les_idx))])] = v
    return {k: v.astype(np.float32) for k, v in maps.items()}


# ----------------------------------------------------------------------------- cases

def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 64
    out = argv[0]
    os.makedirs(out, exist_ok=True)
    cases = []

    def case(name, args):
        cases.append({"name": name, "args": [str(a) for a in args]})

    covs = ["--covariate", "arm=treated", "--covariate", "age=41", "--covariate", "sex=F",
            "--covariate", "edss=2.5", "--covariate", "site=B"]

    # --- subject A: oblique sform, float32 maps with NaN/Inf, binary lesions
    rng = np.random.default_rng(101)
    w = Writer(out, "sform", oblique_affine())
    tis = make_tissue(rng)
    les = make_lesions(rng, tis)
    maps = make_maps(rng, tis, les)
    a = {"les": w.save("a_lesions.nii.gz", les.astype(np.uint8), np.uint8),
         "tis": w.save("a_dseg.nii.gz", tis, np.int16)}
    for m in ("mtr_base", "mtr_m6", "t1_base"):
        a[m] = w.save(f"a_{m}.nii.gz", maps[m])
    common_a = ["--lesions", a["les"], "--tissue", a["tis"], "--map", f"mtr:base={a['mtr_base']}",
                "--map", f"mtr:m6={a['mtr_m6']}", "--map", f"t1:base={a['t1_base']}",
                "--subject", "subA"]
    case("oblique_mm", common_a + covs + ["--unit", "mm", "--voxels"])
    case("oblique_voxel_c6", common_a + covs + ["--unit", "voxel", "--connectivity", "6",
                                                 "--min-voxels", "2", "--voxels"])
    case("oblique_defaults", common_a)
    case("oblique_mm_fractional_widths",
         common_a + ["--unit", "mm", "--rim-width", "1.2", "--perilesional-width", "2.5",
                     "--nawm-gap", "3.5", "--band-width", "2.5"])
    case("oblique_voxel_fractional_widths",
         common_a + ["--rim-width", "2.7", "--perilesional-width", "1.5", "--nawm-gap", "0.5",
                     "--band-width", "1.5", "--connectivity", "18"])

    # --- subject B: qform only, scaled int16 maps, NIfTI-2 map, .hdr/.img tissue
    rng = np.random.default_rng(202)
    w = Writer(out, "qform", oblique_affine(angles=(-9.0, 15.0, 5.0), origin=(30.0, -12.0, 8.0)))
    tis = make_tissue(rng)
    les = make_lesions(rng, tis, n_blobs=7)
    maps = make_maps(rng, tis, les, bad=False)
    # binary mask given as floats: any value > 0 is lesion (0.2..1), negatives are not
    les_f = np.where(les, rng.uniform(0.2, 1.0, SHAPE), -rng.uniform(0.0, 1.0, SHAPE) * (rng.random(SHAPE) < 0.1))
    b = {"les": w.save("b_lesions.nii.gz", les_f, np.float32),
         "tis": w.save("b_dseg.hdr", tis, np.int16, pair=True),
         "mtr_base": w.save("b_mtr_base_int16.nii.gz", maps["mtr_base"], np.int16),
         "mtr_m6": w.save("b_mtr_m6_nifti2.nii.gz", maps["mtr_m6"], np.float32, nifti2=True),
         "t1_base": w.save("b_t1_base_int16.nii", maps["t1_base"], np.int16)}
    case("qform_scaled_int16_nifti2",
         ["--lesions", b["les"], "--tissue", b["tis"], "--map", f"mtr:base={b['mtr_base']}",
          "--map", f"mtr:m6={b['mtr_m6']}", "--map", f"t1:base={b['t1_base']}",
          "--subject", "subB", "--connectivity", "18", "--covariate", "arm=placebo",
          "--covariate", "site=A", "--voxels"])

    # --- subject C: pre-labelled lesions
    rng = np.random.default_rng(303)
    w = Writer(out, "sform", oblique_affine(angles=(0.0, 0.0, 30.0)))
    tis = make_tissue(rng)
    lab = np.zeros(SHAPE, dtype=np.int16)
    lab[8:11, 6:9, 4:7] = 2          # two touching lesions (ids 2 and 1)
    lab[11:14, 6:9, 4:7] = 1
    lab[15:17, 6:8, 5:7] = 3          # one free voxel column (i = 14) between ids 1 and 3
    lab[0:2, 9:12, 3:6] = 4           # on the image border (i = 0)
    lab[12:15, 13:16, 6:9] = 7        # id 7 in two pieces
    lab[6:8, 14:16, 2:4] = 7
    lab[18, 10, 6] = 9                # a one-voxel lesion (min-voxels does not apply)
    tis[0:3, 9:12, 3:6] = 3           # border lesion sits in WM
    tis[16:19, 5:9, 4:8] = 3
    lesmask = lab > 0
    maps = make_maps(rng, tis, lesmask)
    c = {"les": w.save("c_lesions_labelled.nii.gz", lab, np.int16),
         "tis": w.save("c_dseg.nii.gz", tis, np.uint8)}
    for m in ("mtr_base", "mtr_m6", "t1_base"):
        c[m] = w.save(f"c_{m}.nii.gz", maps[m])
    common_c = ["--lesions", c["les"], "--tissue", c["tis"], "--labelled",
                "--map", f"mtr:base={c['mtr_base']}", "--map", f"mtr:m6={c['mtr_m6']}",
                "--map", f"t1:base={c['t1_base']}", "--subject", "subC"]
    case("labelled_voxel", common_c + ["--voxels"])
    case("labelled_mm", common_c + ["--unit", "mm", "--perilesional-width", "3"])
    case("labelled_as_binary", [x for x in common_c if x != "--labelled"] + ["--min-voxels", "1"])

    # --- subject D: small lesions only (empty cores), no transform codes (diag pixdim)
    rng = np.random.default_rng(404)
    w = Writer(out, "none", None)
    tis = make_tissue(rng)
    les = np.zeros(SHAPE, dtype=bool)
    les[5:7, 5:7, 5:7] = True                 # 2x2x2: all rim
    les[15, 12, 4:7] = True                   # a 3-voxel line
    les[10:12, 14, 7] = True; les[10, 15, 7] = True
    les[17:20, 8:11, 8] = True                # 3x3x1 plate
    maps = make_maps(rng, tis, les)
    d = {"les": w.save("d_lesions.nii", les.astype(np.int16), np.int16),
         "tis": w.save("d_dseg.nii", tis, np.int16),
         "mtr_base": w.save("d_mtr_base.nii", maps["mtr_base"]),
         "t1_base": w.save("d_t1_base.nii", maps["t1_base"])}
    common_d = ["--lesions", d["les"], "--tissue", d["tis"], "--map", f"mtr:base={d['mtr_base']}",
                "--map", f"t1:base={d['t1_base']}", "--subject", "subD"]
    case("small_lesions_voxel", common_d + ["--min-voxels", "1", "--voxels"])
    case("small_lesions_mm", common_d + ["--unit", "mm", "--rim-width", "0.5"])
    case("small_lesions_rim0", common_d + ["--rim-width", "0.5", "--min-voxels", "1"])

    # --- subject E: MT-on / MT-off pairs (t1 named first, so map order is t1, mtr)
    rng = np.random.default_rng(505)
    w = Writer(out, "sform", oblique_affine(angles=(5.0, 5.0, -25.0)))
    tis = make_tissue(rng)
    les = make_lesions(rng, tis, n_blobs=6)
    maps = make_maps(rng, tis, les)
    e = {"les": w.save("e_lesions.nii.gz", les.astype(np.uint8), np.uint8),
         "tis": w.save("e_dseg.nii.gz", tis, np.int16),
         "t1_base": w.save("e_t1_base.nii.gz", maps["t1_base"])}
    for ses in ("base", "m6"):
        mtr = maps[f"mtr_{ses}"].astype(np.float64)
        mtoff = 400.0 + 200.0 * rng.random(SHAPE)
        mtoff[tis == 0] = rng.uniform(0, 60, np.count_nonzero(tis == 0))
        mtoff[rng.random(SHAPE) < 0.01] = 0.0
        mton = mtoff * (1.0 - mtr / 100.0)
        mton[rng.random(SHAPE) < 0.005] = np.nan
        mtoff[rng.random(SHAPE) < 0.005] = np.inf
        e[f"mton_{ses}"] = w.save(f"e_mton_{ses}.nii.gz", mton)
        e[f"mtoff_{ses}"] = w.save(f"e_mtoff_{ses}.nii.gz", mtoff)
    case("mton_mtoff",
         ["--lesions", e["les"], "--tissue", e["tis"], "--map", f"t1:base={e['t1_base']}",
          "--map", f"mton:base={e['mton_base']}", "--map", f"mtoff:base={e['mtoff_base']}",
          "--map", f"mtoff:m6={e['mtoff_m6']}", "--map", f"mton:m6={e['mton_m6']}",
          "--subject", "subE", "--min-mtoff", "50", "--covariate", "arm=treated"])
    case("mton_mtoff_default_min",
         ["--lesions", e["les"], "--tissue", e["tis"],
          "--map", f"mton:base={e['mton_base']}", "--map", f"mtoff:base={e['mtoff_base']}",
          "--map", f"t1:base={e['t1_base']}", "--subject", "subE", "--unit", "mm"])

    # --- subject F: empty lesion mask
    rng = np.random.default_rng(606)
    w = Writer(out, "sform", oblique_affine())
    tis = make_tissue(rng)
    les = np.zeros(SHAPE, dtype=np.uint8)
    maps = make_maps(rng, tis, les.astype(bool))
    f = {"les": w.save("f_lesions_empty.nii.gz", les, np.uint8),
         "tis": w.save("f_dseg.nii.gz", tis, np.int16),
         "mtr_base": w.save("f_mtr_base.nii.gz", maps["mtr_base"]),
         "mtr_m6": w.save("f_mtr_m6.nii.gz", maps["mtr_m6"])}
    case("empty_lesions",
         ["--lesions", f["les"], "--tissue", f["tis"], "--map", f"mtr:base={f['mtr_base']}",
          "--map", f"mtr:m6={f['mtr_m6']}", "--subject", "subF", "--voxels"] + covs)

    # --- subject G: no CSF label at all
    rng = np.random.default_rng(707)
    w = Writer(out, "sform", oblique_affine(angles=(20.0, 0.0, 0.0)))
    tis = make_tissue(rng, with_csf=False)
    les = make_lesions(rng, tis, n_blobs=5)
    maps = make_maps(rng, tis, les)
    g = {"les": w.save("g_lesions.nii.gz", les.astype(np.uint8), np.uint8),
         "tis": w.save("g_dseg.nii.gz", tis, np.int16),
         "mtr_base": w.save("g_mtr_base.nii.gz", maps["mtr_base"]),
         "mtr_m6": w.save("g_mtr_m6.nii.gz", maps["mtr_m6"])}
    case("no_csf",
         ["--lesions", g["les"], "--tissue", g["tis"], "--map", f"mtr:base={g['mtr_base']}",
          "--map", f"mtr:m6={g['mtr_m6']}", "--subject", "subG", "--voxels"])

    # --- subject H: follow-up sessions, baseline not named first, remapped labels, --csf mask
    rng = np.random.default_rng(808)
    w = Writer(out, "sform", oblique_affine(angles=(-15.0, 8.0, 12.0)))
    tis = make_tissue(rng)
    les = make_lesions(rng, tis, n_blobs=8)
    maps = make_maps(rng, tis, les)
    remap = np.array([0, 7, 6, 8, 9, 5], dtype=np.int16)  # csf=7, cgm=6, wm=8, dgm=9, 5 other
    tis_remapped = remap[tis]
    csf = (tis == 1) & (rng.random(SHAPE) < 0.6)        # a different CSF for the distances
    h = {"les": w.save("h_lesions.nii.gz", les.astype(np.uint8), np.uint8),
         "tis": w.save("h_dseg_remapped.nii.gz", tis_remapped, np.int16),
         "csf": w.save("h_csf_mask.nii.gz", csf.astype(np.uint8), np.uint8)}
    for m in ("mtr_base", "mtr_m6", "mtr_m12", "t1_base", "t1_m12"):
        h[m] = w.save(f"h_{m}.nii.gz", maps[m])
    case("follow_up_sessions",
         ["--lesions", h["les"], "--tissue", h["tis"],
          "--tissue-labels", "csf=7,cgm=6,wm=8,dgm=9",
          "--map", f"mtr:m6={h['mtr_m6']}", "--map", f"t1:m12={h['t1_m12']}",
          "--map", f"mtr:base={h['mtr_base']}", "--map", f"mtr:m12={h['mtr_m12']}",
          "--map", f"t1:base={h['t1_base']}", "--baseline", "base",
          "--subject", "subH"] + covs)
    case("follow_up_csf_mask",
         ["--lesions", h["les"], "--tissue", h["tis"],
          "--tissue-labels", "csf=7,cgm=6,wm=8,dgm=9", "--csf", h["csf"],
          "--map", f"mtr:base={h['mtr_base']}", "--map", f"mtr:m12={h['mtr_m12']}",
          "--map", f"t1:m12={h['t1_m12']}", "--subject", "subH", "--unit", "mm",
          "--band-width", "2", "--voxels"])
    case("no_mtr_map",
         ["--lesions", h["les"], "--tissue", h["tis"],
          "--tissue-labels", "csf=7,cgm=6,wm=8,dgm=9",
          "--map", f"t1:base={h['t1_base']}", "--map", f"t1:m12={h['t1_m12']}",
          "--subject", "subH"])

    with open(os.path.join(out, "cases.json"), "w", encoding="utf-8") as fh:
        json.dump({"cases": cases}, fh, indent=1)
        fh.write("\n")
    print(f"wrote {len(cases)} cases to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
