"""Plumbing shared by the two Python programs of `lesionmtr stats`: the reference
(scripts/reference/lesionmtr_reference.py) and the tuned benchmark peer
(scripts/bench/stats_peer.py).

Only what is the same in both by definition lives here: the command line and its checks, the
plan of maps and sessions, the table columns, the cells' text, writing a TSV, the error type and
exit codes, and a few one-line definitions from docs/tables.md (a lesion's tissue class, label
rounding, the mean of the finite values, the OLS slope).  What each program computes its own
way (reading images, labelling, distances, statistics, bands) stays in that program.

Standard library and numpy only; numpy is imported where it is used, never when this module is
imported, so that the peer starts (and answers --help) without paying for it.
"""

import argparse
import math
import os
import re
import sys

CLASSES = ("wm", "cgm", "dgm")
COMPONENTS = ("whole", "core", "rim", "perilesional")
STAT_NAMES = ("n_valid", "mean", "sd", "median", "p10", "p25", "p75", "p90", "min", "max")
NAME_RE = re.compile(r"^[A-Za-z0-9]+$")


class Fail(Exception):
    """A failure with its exit code: 64 usage, 65 bad data, 66 missing file, 73 cannot create
    the output folder (0: --help, nothing printed)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def main(argv, parse_args, run):
    """The programs' main: parse, create the output folder, run(a); a Fail prints
    `error: ...` to stderr and becomes the exit code."""
    try:
        a = parse_args(argv)
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


# ----------------------------------------------------------------------------- formatting

def fmt(x):
    """One table cell: None / non-finite -> n/a, ints as ints, floats with %.9g."""
    if x is None:
        return "n/a"
    if isinstance(x, str):
        return x
    if isinstance(x, int):  # bool too
        return str(int(x))
    np = sys.modules.get("numpy")  # a numpy value means numpy is loaded
    if np is not None and isinstance(x, (np.integer, np.bool_)):
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


# ----------------------------------------------------------------------------- arguments

def parse_args(argv, description, own_options=None):
    """The command line of `lesionmtr stats`; own_options(parser) adds a program's own options
    (after the common ones).  Adds a.labels, a.covs [(name, value)] and a.map_specs
    [(map, session, path)]."""
    p = argparse.ArgumentParser(description=description)
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
    if own_options is not None:
        own_options(p)
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


def map_columns(maps, sessions, baseline):
    """(map_cols, delta_cols): every (map, session) in table order, and the follow-ups
    (map, session != baseline) of the maps that have the baseline session."""
    map_cols = [(m, s) for m in maps for s in sessions[m]]
    delta_cols = [(m, s) for m in maps if baseline in sessions[m]
                  for s in sessions[m] if s != baseline]
    return map_cols, delta_cols


# ----------------------------------------------------------------------------- definitions

def check_same_grid(ref, other):
    """Fail (65) unless `other` (.path, .shape, .affine) is on the grid of `ref`."""
    import numpy as np
    if ref.shape != other.shape:
        raise Fail(65, f"grid mismatch: {ref.path} has dims {ref.shape}, "
                       f"{other.path} has dims {other.shape}")
    diff = float(np.max(np.abs(ref.affine - other.affine)))
    if diff > 1e-4:
        raise Fail(65, f"grid mismatch: affines of {ref.path} and {other.path} differ by "
                       f"{diff:g} mm (more than 1e-4)")


def round_half_away(x):
    """Round half away from zero; NaN/Inf -> 0.  Returns int64."""
    import numpy as np
    x = np.where(np.isfinite(x), x, 0.0)
    return (np.sign(x) * np.floor(np.abs(x) + 0.5)).astype(np.int64)


def reach_pad(width, unit, spacing):
    """Voxels of margin per axis so that everything within `width` of a box is in the box."""
    if unit == "voxel":
        return [int(math.floor(width)) + 1] * 3
    return [int(math.ceil(width / s)) + 1 if s > 0 else 1 for s in spacing]


def lesion_class(counts):
    """The tissue class of a lesion from its voxel counts {"wm", "cgm", "dgm"}: the largest,
    ties WM, then CGM, then DGM; "other" when none."""
    best = max(counts.values())
    if best > 0:
        for c in CLASSES:
            if counts[c] == best:
                return c
    return "other"


def finite_mean(values):
    """Mean of the values that are not None and finite (float64); None when there are none."""
    import numpy as np
    v = np.asarray([x for x in values if x is not None and math.isfinite(x)], dtype=np.float64)
    if v.size == 0:
        return None
    return float(np.mean(v))


def ols_slope(points):
    """Unweighted OLS slope of [(x, y)]; None for fewer than two points or no spread in x."""
    import numpy as np
    if len(points) < 2:
        return None
    x = np.array([p[0] for p in points], dtype=np.float64)
    y = np.array([p[1] for p in points], dtype=np.float64)
    xm, ym = x.mean(), y.mean()
    sxx = float(np.sum((x - xm) ** 2))
    if sxx == 0:
        return None
    return float(np.sum((x - xm) * (y - ym)) / sxx)


# ----------------------------------------------------------------------------- table columns

def lesions_header(cov_names, map_cols, delta_cols):
    header = (["subject"] + cov_names +
              ["lesion", "component", "tissue_class", "n_voxels", "volume_mm3",
               "centroid_x", "centroid_y", "centroid_z", "frac_wm", "frac_cgm", "frac_dgm",
               "dist_csf_mean_mm", "dist_csf_min_mm", "below_subject_median"])
    for (m, s) in map_cols:
        header += [f"{m}_{s}_{st}" for st in STAT_NAMES]
    for (m, s) in delta_cols:
        header += [f"delta_{m}_{s}_mean", f"delta_{m}_{s}_n"]
    return header


def lesion_row_head(subject, cov_values, lid, comp, cls, nvox, voxvol, centroid, counts, n,
                    dist_mean, dist_min, below):
    """A lesions.tsv row up to below_subject_median (the map statistics follow)."""
    return ([subject] + cov_values +
            [lid, comp, cls, nvox, nvox * voxvol, centroid[0], centroid[1], centroid[2],
             counts["wm"] / n, counts["cgm"] / n, counts["dgm"] / n, dist_mean, dist_min, below])


def bands_header(cov_names, map_cols):
    return (["subject"] + cov_names +
            ["region", "tissue_class", "band", "dist_lo_mm", "dist_hi_mm", "n"] +
            [f"{m}_{s}_mean" for (m, s) in map_cols])


def subjects_head(subject, covs, lesion_classes, lesion_sizes, voxvol, subject_median,
                  n_submedian, nawm_n):
    """subjects.tsv: (names, cells) up to nawm_n_voxels.  lesion_classes/lesion_sizes: each
    lesion's tissue class and voxel count."""
    counts_by_class = {c: 0 for c in ("wm", "cgm", "dgm", "other")}
    vox_by_class = {c: 0 for c in ("wm", "cgm", "dgm", "other")}
    for cls, n in zip(lesion_classes, lesion_sizes):
        counts_by_class[cls] += 1
        vox_by_class[cls] += n
    total_vox = sum(vox_by_class.values())
    names = (["subject"] + [k for k, _ in covs] +
             ["n_lesions", "n_lesions_wm", "n_lesions_cgm", "n_lesions_dgm", "n_lesions_other",
              "lesion_volume_mm3", "lesion_volume_wm_mm3", "lesion_volume_cgm_mm3",
              "lesion_volume_dgm_mm3", "lesion_volume_other_mm3",
              "mtr_subject_median", "n_submedian", "nawm_n_voxels"])
    cells = ([subject] + [v for _, v in covs] +
             [len(lesion_classes), counts_by_class["wm"], counts_by_class["cgm"],
              counts_by_class["dgm"], counts_by_class["other"],
              total_vox * voxvol, vox_by_class["wm"] * voxvol, vox_by_class["cgm"] * voxvol,
              vox_by_class["dgm"] * voxvol, vox_by_class["other"] * voxvol,
              subject_median, n_submedian, nawm_n])
    return names, cells


def subjects_nawm(map_cols, nawm_stats4):
    """subjects.tsv: (names, cells) of the NAWM n_valid/mean/sd/median of every map;
    nawm_stats4((map, session)) gives the four cells."""
    names, cells = [], []
    for key in map_cols:
        m, s = key
        names += [f"nawm_{m}_{s}_{st}" for st in ("n_valid", "mean", "sd", "median")]
        cells += nawm_stats4(key)
    return names, cells


def subjects_mtr(sessions, delta_cols, below, lesion_means, lesion_deltas):
    """subjects.tsv: (names, cells) of the means over lesions of the whole-lesion MTR mean of
    every session and of its change from baseline, over all lesions and over the sub-median
    ones (below[i] == 1).  lesion_means(s) / lesion_deltas(s): one value per lesion."""
    mtr_sessions = sessions.get("mtr", [])
    mtr_follow = [s for (m, s) in delta_cols if m == "mtr"]
    names, cells = [], []
    for name, sessions_, per_lesion, submedian_only in (
            ("lesion_mtr_{}_mean", mtr_sessions, lesion_means, False),
            ("submedian_mtr_{}_mean", mtr_sessions, lesion_means, True),
            ("delta_lesion_mtr_{}", mtr_follow, lesion_deltas, False),
            ("delta_submedian_mtr_{}", mtr_follow, lesion_deltas, True)):
        for s in sessions_:
            values = per_lesion(s)
            if submedian_only:
                values = [x for x, b in zip(values, below) if b == 1]
            names.append(name.format(s))
            cells.append(finite_mean(values))
    return names, cells


def subjects_slopes(map_cols, slope_points):
    """subjects.tsv: (names, cells) of the lesion and NAWM slopes of every map;
    slope_points[region][(map, session)]: the [(x, band mean)] of that region."""
    names, cells = [], []
    for key in map_cols:
        m, s = key
        names += [f"slope_lesion_{m}_{s}", f"slope_nawm_{m}_{s}"]
        cells += [ols_slope(slope_points["lesion"].get(key, [])),
                  ols_slope(slope_points["nawm"].get(key, []))]
    return names, cells
