#!/usr/bin/env python3
"""Reference results for lesionmtr's VoxelKernels, from the tools people use today.

Usage:
    python kernels_conformance.py OUTDIR [--full]

Builds the inputs itself and writes them, with the expected results, to OUTDIR:

  * masks from the real MNI anatomy in sample-data/anatomy (probabilities stored as
    uint8 x 255): white matter > 50 % and grey matter > 50 %, cropped to a central block
    (the whole 197 x 233 x 189 volume with --full), with isotropic and anisotropic spacing;
  * seeded random masks with anisotropic spacing.

Every array is a raw little-endian file in NIfTI storage order (i fastest, i.e. numpy's
Fortran order of an (i, j, k) array). OUTDIR/cases.json lists, per case:

    {"name", "dims": [nx, ny, nz], "spacing": [sx, sy, sz], "mask": file (uint8 0/1),
     "labels": {"6"|"18"|"26": {"file": int32 ids, "sizes": [...], "min_size": m}},
     "edt": file (float64, distance to the nearest mask voxel, scipy),
     "edt_inside": file (float64, distance from mask voxels to the nearest non-mask voxel or
                   the outside of the volume; 0 off the mask),
     "taxicab": file (int32, city-block distance to the mask capped at bound + 1), "bound",
     "eroded": file (uint8, `bound` iterations of 6-connected erosion, border = background)}

and OUTDIR/stats.json holds per-label statistics of a float32 map (the MNI T1 plus a little noise,
with NaN and +-Inf sprinkled in) over int32 labels (26-connected components of grey matter > 50 %):
values file, labels file, probabilities,, and per label count, n_valid, mean, sd (n - 1),
min, max, quantiles (np.percentile, method="linear").

Labelling: scipy.ndimage.label with the 6/18/26 structuring element numbers components in
raster order of the array it is given; it is given the (k, j, i) transpose so that order is
NIfTI storage order. cc3d (connected-components-3d) must produce the same partition and the
script stops if it does not. Components smaller than min_size are dropped and the rest renumbered
in order. Distances: scipy.ndimage.distance_transform_edt with sampling, cross-checked against
seung-lab edt (black_border for the inside transform) within 1e-3 mm (edt works in float32).
"""

import json
import os
import sys

import cc3d
import edt
import nibabel as nib
import numpy as np
from scipy import ndimage

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANATOMY = os.path.join(ROOT, "sample-data", "anatomy")


def write(outdir, name, array, dtype):
    """Writes an (i, j, k) array in storage order (i fastest) as raw little-endian."""
    a = np.asarray(array).astype(np.dtype(dtype).newbyteorder("<"))
    a.ravel(order="F").tofile(os.path.join(outdir, name))
    return name


def label_reference(mask, connectivity, min_size):
    structure = ndimage.generate_binary_structure(3, {6: 1, 18: 2, 26: 3}[connectivity])
    t = np.ascontiguousarray(mask.T)  # (k, j, i): C raster order = NIfTI storage order
    labels_t, n = ndimage.label(t, structure=structure)
    # cc3d must agree on the partition (its own numbering may differ).
    other = cc3d.connected_components(t.astype(np.uint8), connectivity=connectivity)
    pairs = np.unique(np.stack([labels_t.ravel(), other.ravel().astype(np.int64)]), axis=1)
    if pairs.shape[1] != n + 1 or len(np.unique(pairs[1])) != n + 1:
        sys.exit(f"cc3d and scipy.ndimage disagree at connectivity {connectivity}")
    sizes = np.bincount(labels_t.ravel(), minlength=n + 1)
    keep = sizes >= min_size
    keep[0] = False
    new_id = np.zeros(n + 1, dtype=np.int32)
    new_id[keep] = np.arange(1, keep.sum() + 1, dtype=np.int32)
    relabelled = new_id[labels_t].T  # back to (i, j, k)
    return relabelled, [int(s) for s in sizes[keep]]


def distance_references(mask, spacing, bound):
    sampling = tuple(float(s) for s in spacing)
    if mask.any():
        outside = ndimage.distance_transform_edt(~mask, sampling=sampling)
    else:
        outside = np.full(mask.shape, np.inf)
    padded = np.pad(mask, 1, constant_values=False)
    inside = ndimage.distance_transform_edt(padded, sampling=sampling)[1:-1, 1:-1, 1:-1]
    # Cross-check with seung-lab edt (float32).
    inside_edt = edt.edt(np.asfortranarray(mask.astype(np.uint8)), anisotropy=sampling, black_border=True)
    if np.max(np.abs(inside_edt - inside)) > 1e-3:
        sys.exit("edt and scipy.ndimage disagree on the inside transform")
    if mask.any() and not mask.all():
        outside_edt = edt.edt(np.asfortranarray((~mask).astype(np.uint8)), anisotropy=sampling, black_border=False)
        if np.max(np.abs(outside_edt - outside)) > 1e-3:
            sys.exit("edt and scipy.ndimage disagree on the outside transform")
    if mask.any():
        taxicab = ndimage.distance_transform_cdt(~mask, metric="taxicab")
    else:
        taxicab = np.full(mask.shape, bound + 1)
    taxicab = np.minimum(taxicab, bound + 1)
    cross = ndimage.generate_binary_structure(3, 1)
    eroded = ndimage.binary_erosion(mask, structure=cross, iterations=bound, border_value=0) if bound > 0 else mask
    return outside, inside, taxicab, eroded


def add_case(outdir, cases, name, mask, spacing, min_size, bound):
    case = {"name": name, "dims": list(mask.shape), "spacing": list(spacing), "bound": bound}
    case["mask"] = write(outdir, f"{name}_mask.bin", mask, np.uint8)
    case["labels"] = {}
    for c in (6, 18, 26):
        labels, sizes = label_reference(mask, c, min_size)
        case["labels"][str(c)] = {
            "file": write(outdir, f"{name}_labels{c}.bin", labels, np.int32), "sizes": sizes, "min_size": min_size}
    outside, inside, taxicab, eroded = distance_references(mask, spacing, bound)
    case["edt"] = write(outdir, f"{name}_edt.bin", outside, np.float64)
    case["edt_inside"] = write(outdir, f"{name}_edt_inside.bin", inside, np.float64)
    case["taxicab"] = write(outdir, f"{name}_taxicab.bin", taxicab, np.int32)
    case["eroded"] = write(outdir, f"{name}_eroded.bin", eroded, np.uint8)
    cases.append(case)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    full = "--full" in sys.argv[2:]
    os.makedirs(outdir, exist_ok=True)
    load = lambda n: np.asanyarray(nib.load(os.path.join(ANATOMY, f"{n}.nii.gz")).dataobj)
    wm, gm, t1 = load("wm"), load("gm"), load("t1")
    crop = (slice(None),) * 3 if full else (slice(50, 150), slice(60, 180), slice(60, 130))
    wm50 = wm[crop] > 127  # probability > 50 % (x 255 = 127.5)
    gm50 = gm[crop] > 127
    cases = []
    add_case(outdir, cases, "mni_wm50", wm50, (1.0, 1.0, 1.0), 3, 2)
    add_case(outdir, cases, "mni_gm50_aniso", gm50, (0.9, 1.2, 2.5), 3, 1)
    rng = np.random.default_rng(20240613)
    for n in range(4):
        dims = tuple(int(d) for d in rng.integers(20, 41, size=3))
        spacing = tuple(float(s) for s in np.round(rng.uniform(0.5, 3.0, size=3), 3))
        density = [0.02, 0.2, 0.5, 0.8][n]
        mask = rng.random(dims) < density
        add_case(outdir, cases, f"random{n}", mask, spacing, n, n % 3 + 1)
    empty = np.zeros((7, 5, 3), dtype=bool)
    add_case(outdir, cases, "empty", empty, (1.0, 2.0, 3.0), 1, 1)
    with open(os.path.join(outdir, "cases.json"), "w") as f:
        json.dump({"cases": cases}, f)

    # Statistics: T1 (as float32, with invalid voxels) over grey-matter components.
    values = (t1[crop] + rng.normal(0.0, 0.5, size=t1[crop].shape)).astype(np.float32)
    invalid = rng.random(values.shape)
    values[invalid < 0.01] = np.nan
    values[(invalid >= 0.01) & (invalid < 0.012)] = np.inf
    values[(invalid >= 0.012) & (invalid < 0.014)] = -np.inf
    labels, sizes = label_reference(gm50, 26, 1)
    probabilities = [0.1, 0.25, 0.5, 0.75, 0.9]
    flat_values = values.ravel(order="F")
    flat_labels = labels.ravel(order="F")
    order = np.argsort(flat_labels, kind="stable")
    bounds = np.searchsorted(flat_labels[order], np.arange(1, len(sizes) + 2))
    summaries = []
    for l in range(1, len(sizes) + 1):
        v = flat_values[order[bounds[l - 1]:bounds[l]]].astype(np.float64)
        finite = v[np.isfinite(v)]
        s = {"count": int(v.size), "n_valid": int(finite.size)}
        if finite.size:
            s.update(mean=float(finite.mean()), min=float(finite.min()), max=float(finite.max()),
                     quantiles=[float(q) for q in np.percentile(finite, [100 * p for p in probabilities], method="linear")])
            if finite.size >= 2:
                s["sd"] = float(finite.std(ddof=1))
        summaries.append(s)
    stats = {"dims": list(values.shape), "values": write(outdir, "stats_values.bin", values, np.float32),
             "labels": write(outdir, "stats_labels.bin", labels, np.int32), "label_count": len(sizes),
             "probabilities": probabilities, "summaries": summaries}
    with open(os.path.join(outdir, "stats.json"), "w") as f:
        json.dump(stats, f)


if __name__ == "__main__":
    main()
