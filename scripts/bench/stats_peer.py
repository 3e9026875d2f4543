#!/usr/bin/env python3
"""Tuned Python peer of `lesionmtr stats` (benchmark peer (b) of scripts/bench/stats-vs-peers).

"The fastest Python pipeline you can write for the same tables": the same definitions as
scripts/reference/lesionmtr_reference.py (docs/definitions.md, docs/tables.md), computed with
  * libdeflate (`deflate` package) inflating all inputs at once on a thread pool (it releases
    the GIL), the NIfTI-1 header parsed here with numpy (348-byte header, little-endian);
  * cc3d (connected-components-3d) for labelling, on the lesions' bounding box only;
  * edt (multi-threaded, anisotropic) for the distance to CSF, on the brain's bounding box only;
  * numpy for the rest, with every per-lesion step (rim, perilesional shell, nearest-lesion
    assignment, NAWM exclusion zone, statistics) confined to the lesion's padded bounding box.

Same command line as the reference (and `lesionmtr stats`):

    stats_peer.py --lesions F --tissue F --map mtr:base=F --map mtr:m6=F --map t1:base=F \
        [--map mton:S=F --map mtoff:S=F] --subject ID -o DIR [--covariate name=value ...] \
        [--connectivity 6|18|26] [--min-voxels 3] [--labelled] [--unit voxel|mm] \
        [--rim-width 1] [--perilesional-width 2] [--nawm-gap 2] [--band-width 1] \
        [--tissue-labels csf=1,cgm=2,wm=3,dgm=4] [--csf MASK] [--baseline SES] [--min-mtoff 0]

Writes DIR/lesions.tsv, DIR/subjects.tsv, DIR/bands.tsv (no JSON sidecars, no --voxels: the
peer exists to be timed on the three tables).  Check against the reference with
scripts/reference/compare_tables.py.  Inputs: single-file NIfTI-1 (.nii or .nii.gz),
little-endian; anything else fails loudly (exit 65).  `--profile` prints a cProfile summary
and `--timings` per-phase wall times to stderr.
"""

import time

T0 = time.perf_counter()

import math  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

import deflate  # noqa: E402

# the command line, map plan, table columns, cell text and exit codes are shared with the
# reference (scripts/reference/stats_common.py: standard library only at import, no numpy)
sys.path.insert(0, os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 "..", "reference")))
import stats_common as common  # noqa: E402
from stats_common import (COMPONENTS, Fail, check_same_grid,  # noqa: E402
                          map_columns, plan_maps, reach_pad, round_half_away, write_tsv)

# numpy, cc3d and edt are imported in run(), after the inputs have started inflating on the
# thread pool: importing numpy alone takes ~80 ms, time the inflation threads put to use.
np = cc3d = edt = None
PHASES = []


def phase(name):
    PHASES.append((name, time.perf_counter()))


# ----------------------------------------------------------------------------- NIfTI

DTYPES = {2: "u1", 4: "i2", 8: "i4", 16: "f4", 64: "f8", 256: "i1", 512: "u2", 768: "u4",
          1024: "i8", 1280: "u8"}  # NIfTI datatype code -> numpy type (little-endian)


def _qform(hdr, pixdim):
    b, c, d = (float(x) for x in np.frombuffer(hdr, "<f4", 3, 256))
    off = np.frombuffer(hdr, "<f4", 3, 268).astype(np.float64)
    a2 = 1.0 - (b * b + c * c + d * d)
    if a2 < 1e-7:  # as nifti_quatern_to_mat44 / nibabel: renormalise, a = 0
        s = 1.0 / math.sqrt(b * b + c * c + d * d)
        a, b, c, d = 0.0, b * s, c * s, d * s
    else:
        a = math.sqrt(a2)
    R = np.array([[a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
                  [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
                  [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b]])
    qfac = -1.0 if pixdim[0] < 0 else 1.0
    zooms = np.array([pixdim[1], pixdim[2], pixdim[3] * qfac], dtype=np.float64)
    A = np.eye(4)
    A[:3, :3] = R * zooms
    A[:3, 3] = off
    return A


class Image:
    """One single-file NIfTI-1 image: header fields + a flat float32/int view of the payload."""

    def __init__(self, path, blob):
        self.path = path
        if re.search(r"\.(hdr|img)(\.gz)?$", path):
            raise Fail(65, f"{path}: .hdr/.img pairs are not supported by this peer "
                           f"(single-file NIfTI-1 .nii/.nii.gz only)")
        if len(blob) < 352:
            raise Fail(65, f"{path}: too short for a NIfTI-1 file")
        hdr = blob[:348]
        sizeof_hdr = int(np.frombuffer(hdr, "<i4", 1, 0)[0])
        if sizeof_hdr != 348:
            raise Fail(65, f"{path}: sizeof_hdr (little-endian) is {sizeof_hdr}, not 348: "
                           f"only little-endian NIfTI-1 is supported by this peer")
        if bytes(hdr[344:347]) != b"n+1":
            raise Fail(65, f"{path}: magic {bytes(hdr[344:348])!r} is not single-file NIfTI-1")
        dim = np.frombuffer(hdr, "<i2", 8, 40).astype(np.int64)
        nd = int(dim[0])
        if not 1 <= nd <= 7:
            raise Fail(65, f"{path}: bad dim[0] {nd}")
        dims = [int(x) if i < nd else 1 for i, x in enumerate(dim[1:8])]
        if any(x != 1 for x in dims[3:]):
            raise Fail(65, f"{path}: not 3-D (dims {dims[:nd]})")
        self.shape = tuple(max(1, x) for x in dims[:3])
        code = int(np.frombuffer(hdr, "<i2", 1, 70)[0])
        if code not in DTYPES:
            raise Fail(65, f"{path}: unsupported datatype {code}")
        dt = np.dtype("<" + DTYPES[code])
        pixdim = np.frombuffer(hdr, "<f4", 8, 76).astype(np.float64)
        vox_offset = int(np.frombuffer(hdr, "<f4", 1, 108)[0])
        slope = float(np.frombuffer(hdr, "<f4", 1, 112)[0])
        inter = float(np.frombuffer(hdr, "<f4", 1, 116)[0])
        qcode = int(np.frombuffer(hdr, "<i2", 1, 252)[0])
        scode = int(np.frombuffer(hdr, "<i2", 1, 254)[0])
        n = self.shape[0] * self.shape[1] * self.shape[2]
        if len(blob) < vox_offset + n * dt.itemsize:
            raise Fail(65, f"{path}: truncated payload")
        raw = np.frombuffer(blob, dt, n, vox_offset)
        self.spacing = np.abs(pixdim[1:4])
        if scode > 0:
            A = np.eye(4)
            A[:3, :] = np.frombuffer(hdr, "<f4", 12, 280).reshape(3, 4)
            self.affine = A
        elif qcode > 0:
            self.affine = _qform(hdr, pixdim)
        else:
            self.affine = np.diag([pixdim[1], pixdim[2], pixdim[3], 1.0])
        self.scaled = slope != 0.0 and math.isfinite(slope) and not (slope == 1.0 and inter == 0.0)
        if self.scaled:
            if not math.isfinite(inter):
                inter = 0.0
            self.flat = (raw.astype(np.float64) * slope + inter).astype(np.float32)
        else:
            self.flat = raw  # read-only view into the inflated bytes, storage order (i fastest)

    def floats(self):
        f = self.flat
        return f if f.dtype == np.float32 else f.astype(np.float32)

    def vol(self, a):
        return a.reshape(self.shape, order="F")


def inflate(path):
    """The file's bytes, inflated if gzip (libdeflate, GIL released: runs on the pool)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise Fail(66, f"{path}: no such file") from None
    except OSError as e:
        raise Fail(66, f"{path}: {e}") from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = deflate.gzip_decompress(data)
        except Exception as e:  # noqa: BLE001
            raise Fail(65, f"{path}: cannot inflate: {e}") from None
    return data


# ----------------------------------------------------------------------------- statistics

_Q = (0.5, 0.1, 0.25, 0.75, 0.9)


def segment_stats(v32, seg, nseg):
    """The 10 cells of every region at once: v32 holds the regions' float32 values one region
    after another, seg each value's region (0..nseg-1, non-decreasing).  Exact: one sort by
    (region, value); quantiles by numpy's 'linear' rule (with numpy's lerp), in float64."""
    fin = np.isfinite(v32)
    if not fin.all():
        v32, seg = v32[fin], seg[fin]
    order = np.lexsort((v32, seg))
    v = v32[order].astype(np.float64)
    n = np.bincount(seg, minlength=nseg)
    start = np.concatenate(([0], np.cumsum(n)[:-1]))
    ss = seg[order]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(ss, weights=v, minlength=nseg) / n
        dev = v - mean[ss]
        var = np.bincount(ss, weights=dev * dev, minlength=nseg) / (n - 1)
    out = np.full((nseg, 10), np.nan)
    out[:, 0] = n
    ok = n > 0
    out[ok, 1] = mean[ok]
    two = n >= 2
    out[two, 2] = np.sqrt(var[two])
    st, nn = start[ok], n[ok]
    for col, q in zip((3, 4, 5, 6, 7), _Q):
        pos = q * (nn - 1)
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, nn - 1)
        t = pos - lo
        a_, b_ = v[st + lo], v[st + hi]
        out[ok, col] = np.where(t >= 0.5, b_ - (b_ - a_) * (1 - t), a_ + (b_ - a_) * t)
    out[ok, 8] = v[st]
    out[ok, 9] = v[st + nn - 1]
    return out


def segment_delta(f32, b32, seg, nseg):
    """delta mean and n of every region: mean of (follow - base) over voxels finite in both."""
    ok = np.isfinite(f32) & np.isfinite(b32)
    d = f32[ok].astype(np.float64) - b32[ok].astype(np.float64)
    n = np.bincount(seg[ok], minlength=nseg)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(seg[ok], weights=d, minlength=nseg) / n
    return mean, n


def median_of(v):
    """numpy's median (mean of the two middle values for even n) by partition, in float64."""
    n = v.size
    k = n // 2
    if n % 2:
        return float(np.partition(v, k)[k])
    p = np.partition(v, (k - 1, k))
    return (float(p[k - 1]) + float(p[k])) / 2.0


def big_stats4(v32):
    """n_valid, mean, sd, median of a large float32 vector (NAWM), accumulated in float64."""
    fin = np.isfinite(v32)
    v = v32 if fin.all() else v32[fin]
    n = v.size
    if n == 0:
        return [0, None, None, None]
    mean = float(np.add.reduce(v, dtype=np.float64)) / n
    sd = None
    if n >= 2:
        dev = v.astype(np.float64)
        dev -= mean
        sd = math.sqrt(float(np.dot(dev, dev)) / (n - 1))
    return [n, mean, sd, median_of(v)]


def cells(x):
    return None if not math.isfinite(x) else float(x)


# ----------------------------------------------------------------------------- morphology

def dilate6(m):
    out = m.copy()
    out[1:] |= m[:-1]
    out[:-1] |= m[1:]
    out[:, 1:] |= m[:, :-1]
    out[:, :-1] |= m[:, 1:]
    out[:, :, 1:] |= m[:, :, :-1]
    out[:, :, :-1] |= m[:, :, 1:]
    return out


def erode6(m):
    """One 6-connected erosion; outside the array counts as False."""
    out = m.copy()
    out[1:] &= m[:-1]
    out[:-1] &= m[1:]
    out[:, 1:] &= m[:, :-1]
    out[:, :-1] &= m[:, 1:]
    out[:, :, 1:] &= m[:, :, :-1]
    out[:, :, :-1] &= m[:, :, 1:]
    out[0] = out[-1] = False
    out[:, 0] = out[:, -1] = False
    out[:, :, 0] = out[:, :, -1] = False
    return out


def distance_in_box(Lb, unit, reach, spacing):
    """Distance to the nearest voxel of Lb within the box: city-block steps (exact up to
    floor(reach), +inf beyond) or Euclidean mm (edt, exact everywhere in the box)."""
    if unit == "voxel":
        d = np.full(Lb.shape, np.inf, dtype=np.float32)
        d[Lb] = 0
        cur = Lb
        for s in range(1, int(math.floor(reach)) + 1):
            nxt = dilate6(cur)
            d[nxt & ~cur] = s
            cur = nxt
        return d
    return edt.edt(np.asfortranarray(~Lb), anisotropy=tuple(spacing), black_border=False)


def rim_of(Lb, unit, width, spacing):
    if unit == "voxel":
        steps = int(math.floor(width))
        if steps <= 0:
            return np.zeros_like(Lb)
        e = Lb
        for _ in range(steps):
            e = erode6(e)
        return Lb & ~e
    padded = np.pad(Lb, 1, mode="constant", constant_values=False)
    d = edt.edt(np.asfortranarray(padded), anisotropy=tuple(spacing), black_border=False)
    return Lb & (d[1:-1, 1:-1, 1:-1] <= width)


def bands_of(d, width):
    """Band of each distance d (mm) as int64: the largest k >= 0 with k * width <= d * (1 + 1e-12)
    (docs/tables.md).  floor(d / width) can only fall one short of it, at an exact multiple."""
    k = np.floor(d / width)
    return (k + ((k + 1) * width <= d * (1 + 1e-12))).astype(np.int64)


def bbox(mask3):
    """(lo, hi) per axis of the True voxels of a 3-D mask, or None."""
    out = []
    for ax in range(3):
        other = tuple(a for a in range(3) if a != ax)
        prof = np.flatnonzero(mask3.any(axis=other))
        if prof.size == 0:
            return None
        out.append((int(prof[0]), int(prof[-1]) + 1))
    return out


def pad_box(box, pad, shape):
    return [(max(0, lo - p), min(n, hi + p)) for (lo, hi), p, n in zip(box, pad, shape)]


def sl(box, origin=(0, 0, 0)):
    return tuple(slice(lo - o, hi - o) for (lo, hi), o in zip(box, origin))


def union_box(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return [(min(x[0], y[0]), max(x[1], y[1])) for x, y in zip(a, b)]


# ----------------------------------------------------------------------------- arguments

def parse_args(argv):
    def own_options(p):
        p.add_argument("--threads", type=int, default=0,
                       help="inflate/EDT threads (0: one per core)")
        p.add_argument("--timings", action="store_true", help="per-phase wall times to stderr")
        p.add_argument("--profile", action="store_true", help="cProfile summary to stderr")
    return common.parse_args(argv, __doc__.split("\n")[0], own_options)


# ----------------------------------------------------------------------------- analysis

def start_inflating(a, maps, sessions, sources, threads):
    """Submit every input to the pool (small ones first: the analysis starts on them while
    the maps are still inflating).  Returns {path: future of its bytes}."""
    paths = [a.lesions, a.tissue] + ([a.csf] if a.csf else [])
    for m in maps:
        for s in sessions[m]:
            paths.extend(sources[(m, s)][1:])
    pool = ThreadPoolExecutor(max_workers=threads)
    return pool, {p: pool.submit(inflate, p) for p in dict.fromkeys(paths)}


def nonzero_box(flat, shape):
    """Bounding box [(lo, hi)] x3 of the non-zero voxels of a flat storage-order array of an
    unsigned type (max-reductions, SIMD-fast), or None."""
    v = flat.reshape(shape[2], shape[1], shape[0])  # (k, j, i) view, no copy
    kp = np.flatnonzero(v.max(axis=(1, 2)))
    if kp.size == 0:
        return None
    k0, k1 = int(kp[0]), int(kp[-1]) + 1
    m = v[k0:k1].max(axis=0)  # (j, i)
    jp = np.flatnonzero(m.max(axis=1))
    ip = np.flatnonzero(m.max(axis=0))
    return [(int(ip[0]), int(ip[-1]) + 1), (int(jp[0]), int(jp[-1]) + 1), (k0, k1)]


def as_unsigned_nonzero(flat, positive_only):
    """A flat uint view/array that is non-zero exactly where the voxel counts (> 0)."""
    if flat.dtype.kind == "u":
        return flat
    if flat.dtype.kind == "b":
        return flat.view(np.uint8)
    return (flat > 0 if positive_only else flat != 0).view(np.uint8)


def run(a, pool=None, futs=None):
    global np, cc3d, edt
    maps, sessions, sources, baseline = plan_maps(a.map_specs, a.baseline)
    threads = a.threads or (os.cpu_count() or 1)
    if futs is None:
        pool, futs = start_inflating(a, maps, sessions, sources, threads)
    import numpy as np
    import cc3d
    import edt
    phase("imports (inflating meanwhile)")

    def image(path):
        return Image(path, futs[path].result())

    lesion_img = image(a.lesions)
    tissue_img = image(a.tissue)
    check_same_grid(lesion_img, tissue_img)
    phase("wait lesions+tissue")
    shape = lesion_img.shape
    nx, ny, nz = shape
    spacing = lesion_img.spacing
    affine = lesion_img.affine
    voxvol = float(spacing[0] * spacing[1] * spacing[2])
    Lab = a.labels

    # --- tissue (integer labels without scaling are used as they are)
    tf = tissue_img.flat
    tissue_flat = tf if (tf.dtype.kind in "iu" and not tissue_img.scaled) else round_half_away(tf)
    tissue = tissue_img.vol(tissue_flat)

    # --- lesion ids, only inside the bounding box of the lesion voxels
    lf = lesion_img.flat
    if a.labelled:
        idsf = lf if (lf.dtype.kind in "iu" and not lesion_img.scaled) else round_half_away(lf)
        lbox = nonzero_box(as_unsigned_nonzero(idsf, True), shape)
    else:
        lbox = nonzero_box(as_unsigned_nonzero(lf, True), shape)
    # raw: labels in the lesion box (cc3d's, or the given ids); every kept lesion is one raw
    # label; nzi/labs_at: the box's lesion voxels in storage order and their raw labels.
    lesion_ids, raw_of = [], {}
    if lbox is not None:
        if a.labelled:
            ib = lesion_img.vol(idsf)[sl(lbox)]
            raw = np.asfortranarray(np.where(ib > 0, ib, 0).astype(np.int64))
        else:
            bin_box = np.asfortranarray(lesion_img.vol(lf)[sl(lbox)] > 0)
            raw = cc3d.connected_components(bin_box, connectivity=a.connectivity,
                                            out_dtype=np.uint32)
        rflat = raw.ravel(order="F")  # storage order within the box = storage order overall
        nzi = np.flatnonzero(rflat)
        labs_at = rflat[nzi].astype(np.int64)
        n_raw = int(labs_at.max())
        labs, first = np.unique(labs_at, return_index=True)  # first voxel of each label
        if a.labelled:
            keep = labs  # ids kept as they are, ascending
            lid_of = labs
        else:
            sizes = np.bincount(labs_at, minlength=n_raw + 1)
            keep = labs[np.argsort(first, kind="stable")]
            keep = keep[sizes[keep] >= a.min_voxels]
            lid_of = np.arange(1, keep.size + 1)
        remap = np.zeros(n_raw + 1, dtype=np.int64)
        remap[keep] = lid_of
        lesion_ids = [int(x) for x in lid_of]
        raw_of = {int(l): int(r) for l, r in zip(lid_of, keep)}
        lid_at = remap[labs_at]  # 0: a dropped component (ordinary tissue)
    phase("label (cc3d on the lesion box)")

    # --- brain box: everything measured lives in it (lesions, tissue, CSF)
    csf_img = image(a.csf) if a.csf else None
    if csf_img is not None:
        check_same_grid(lesion_img, csf_img)
        csf_flat = as_unsigned_nonzero(csf_img.flat, True)
    pad = reach_pad(max(a.perilesional_width, a.nawm_gap), a.unit, spacing)
    wbox = pad_box(lbox, pad, shape) if lbox is not None else None
    B = union_box(union_box(nonzero_box(as_unsigned_nonzero(tissue_flat, False), shape), wbox),
                  nonzero_box(csf_flat, shape) if csf_img is not None else None)
    if B is None:
        B = [(0, 1)] * 3
    o = [b[0] for b in B]
    sB = sl(B)
    tissue_B = tissue[sB]
    if csf_img is not None:
        csf_B = np.asfortranarray(csf_img.vol(csf_flat)[sB] != 0)
    else:
        csf_B = tissue_B == Lab["csf"]
    have_csf = bool(csf_B.any())
    phase("tissue/brain box")

    # --- distance to CSF (mm, exact Euclidean) over the brain box
    if have_csf:
        if np.all(spacing == np.round(spacing)):
            # edt works in float32: exact here (squared distances are small integers, sqrt
            # correctly rounded), so the bands floor(d / width) agree with a float64 EDT.
            # uint8 rather than bool input: the same result, ~15% faster with edt 3.1.
            dist_B = edt.edt(np.asfortranarray(~csf_B).view(np.uint8),
                             anisotropy=tuple(float(s) for s in spacing),
                             black_border=False, parallel=threads)
        else:
            # non-integer spacing: float32 rounding can move a voxel across a band boundary
            # (e.g. 5 x 0.9 mm = 4.5 mm with band width 1.5); use the float64 EDT
            from scipy import ndimage
            dist_B = ndimage.distance_transform_edt(~csf_B, sampling=spacing)
    else:
        print(f"warning: {a.subject}: no CSF voxel; distances to CSF and bands are n/a",
              file=sys.stderr)
        dist_B = None
    phase("edt csf")

    # --- per-lesion neighbourhoods: rim/core, distance, perilesional (nearest, ties lowest id)
    brain_not_csf_B = (tissue_B != 0) & (tissue_B != Lab["csf"])
    any_W = None
    lesions = []
    if lesion_ids:
        Wo = [b[0] for b in wbox]
        W_shape = tuple(b[1] - b[0] for b in wbox)
        raw_W = np.zeros(W_shape, dtype=raw.dtype, order="F")
        raw_W[sl(lbox, Wo)] = raw
        any_W = raw_W > 0
        bx, by = lbox[0][1] - lbox[0][0], lbox[1][1] - lbox[1][0]
        row, gi = np.divmod(nzi, bx)
        gk, gj = np.divmod(row, by)
        gi += lbox[0][0]
        gj += lbox[1][0]
        gk += lbox[2][0]
        drop = lid_at == 0
        if drop.any():  # voxels of dropped components are ordinary tissue
            any_W[gi[drop] - Wo[0], gj[drop] - Wo[1], gk[drop] - Wo[2]] = False
        near_W = np.zeros(W_shape, dtype=bool, order="F")
        best_W = np.full(W_shape, np.inf, dtype=np.float32, order="F")
        peri_W = np.zeros(W_shape, dtype=np.int64, order="F")
        bnc_W = brain_not_csf_B[sl(wbox, o)]
        # the lesion voxels grouped by lesion (storage order kept within each)
        srt = np.argsort(lid_at, kind="stable")
        lid_s = lid_at[srt]
        gi, gj, gk = gi[srt], gj[srt], gk[srt]
        bounds = np.searchsorted(lid_s, np.asarray(lesion_ids + [lesion_ids[-1] + 1]))
        for n_, lid in enumerate(lesion_ids):
            s0, s1 = bounds[n_], bounds[n_ + 1]
            ii, jj, kk = gi[s0:s1], gj[s0:s1], gk[s0:s1]
            tight = [(int(ii.min()), int(ii.max()) + 1), (int(jj.min()), int(jj.max()) + 1),
                     (int(kk.min()), int(kk.max()) + 1)]
            box = pad_box(tight, pad, shape)  # reach of perilesional and NAWM gap
            sW = sl(box, Wo)
            Lb = raw_W[sW] == raw_of[lid]
            rim = rim_of(Lb, a.unit, a.rim_width, spacing)
            d = distance_in_box(Lb, a.unit, max(a.perilesional_width, a.nawm_gap), spacing)
            near_W[sW] |= d <= a.nawm_gap
            cand = (~any_W[sW]) & bnc_W[sW] & (d <= a.perilesional_width)
            bW = best_W[sW]
            better = cand & (d < bW)  # ascending ids, strict '<': ties keep the lowest id
            bW[better] = d[better]
            peri_W[sW][better] = lid
            lesions.append({"id": lid, "box": box, "Lb": Lb, "rim": rim, "n": int(s1 - s0),
                            "ijk": (ii, jj, kk)})
    phase("lesion neighbourhoods")

    # --- maps (wait for the inflation)
    values = {}
    for m in maps:
        for s in sessions[m]:
            src = sources[(m, s)]
            if src[0] == "file":
                im = image(src[1])
                check_same_grid(lesion_img, im)
                values[(m, s)] = im.vol(im.floats())
            else:
                on, off = image(src[1]), image(src[2])
                check_same_grid(lesion_img, on)
                check_same_grid(lesion_img, off)
                von = on.floats().astype(np.float64)
                voff = off.floats().astype(np.float64)
                ok = np.isfinite(von) & np.isfinite(voff) & (voff > a.min_mtoff)
                with np.errstate(divide="ignore", invalid="ignore"):
                    mtr = np.where(ok, 100.0 * (voff - von) / voff, np.nan).astype(np.float32)
                values[(m, s)] = on.vol(mtr)
    pool.shutdown(wait=True)
    phase("wait maps")
    map_cols, delta_cols = map_columns(maps, sessions, baseline)

    # --- per-lesion rows: gather every (lesion, component) region's values one after
    #     another, then all statistics at once per map (segment_stats)
    is_wm_B = tissue_B == Lab["wm"]
    code = {"wm": 1, "cgm": 2, "dgm": 3, "other": 4}
    nseg = 4 * len(lesions)
    gathered = {key: [] for key in map_cols}
    gdist, gseg = [], []
    for n_, r in enumerate(lesions):
        lid, box, Lb, rim = r["id"], r["box"], r["Lb"], r["rim"]
        sG = sl(box)
        peri = peri_W[sl(box, Wo)] == lid
        core = Lb & ~rim
        ii, jj, kk = r["ijk"]
        tl = tissue[ii, jj, kk]
        counts = {"wm": int((tl == Lab["wm"]).sum()), "cgm": int((tl == Lab["cgm"]).sum()),
                  "dgm": int((tl == Lab["dgm"]).sum())}
        cls = common.lesion_class(counts)
        mean_idx = np.array([ii.mean(), jj.mean(), kk.mean()])
        centroid = affine[:3, :3] @ mean_idx + affine[:3, 3]
        dB = dist_B[sl(box, o)] if have_csf else None
        vbox = [values[key][sG] for key in map_cols]
        nvox = []
        for c_, mask in enumerate((Lb, core, rim, peri)):
            cnt = int(mask.sum())
            nvox.append(cnt)
            for key, vb in zip(map_cols, vbox):
                gathered[key].append(vb[mask])
            if have_csf:
                gdist.append(dB[mask])
            gseg.append(np.full(cnt, 4 * n_ + c_, dtype=np.int64))
        r.update(cls=cls, counts=counts, centroid=centroid, nvox=nvox, code=code[cls])
    lesion_stats, lesion_delta = {}, {}
    dist_mean = dist_min = None
    if lesions:
        seg = np.concatenate(gseg)
        nper = np.bincount(seg, minlength=nseg)
        vals = {key: np.concatenate(gathered[key]) for key in map_cols}
        for key in map_cols:
            lesion_stats[key] = segment_stats(vals[key], seg, nseg)
        for (m, s) in delta_cols:
            lesion_delta[(m, s)] = segment_delta(vals[(m, s)], vals[(m, baseline)], seg, nseg)
        if have_csf:
            dall = np.concatenate(gdist).astype(np.float64)
            with np.errstate(invalid="ignore", divide="ignore"):
                dist_mean = np.bincount(seg, weights=dall, minlength=nseg) / nper
            dist_min = np.full(nseg, np.nan)
            has = nper > 0
            starts = np.concatenate(([0], np.cumsum(nper)[:-1]))
            dist_min[has] = np.minimum.reduceat(dall, starts[has])

    def stat_cells(key, sg):
        row = lesion_stats[key][sg]
        return [int(row[0])] + [cells(x) for x in row[1:]]

    def whole_mean(key, n_):
        return cells(lesion_stats[key][4 * n_, 1]) if key in lesion_stats else None

    phase("lesion stats")

    # --- submedian
    if ("mtr", baseline) in values:
        base_means = [whole_mean(("mtr", baseline), n_) for n_ in range(len(lesions))]
        finite = np.asarray([x for x in base_means if x is not None])
        subject_median = median_of(finite) if finite.size else None
        for r, x in zip(lesions, base_means):
            ok = subject_median is not None and x is not None
            r["below"] = 1 if (ok and x < subject_median) else 0
        n_submedian = sum(r["below"] for r in lesions)
    else:
        subject_median, n_submedian = None, None
        for r in lesions:
            r["below"] = None

    # --- NAWM: WM in the brain box, minus lesions and their gap zone (which live in W);
    #     indices in the box (for the distances) and in the volume (for the maps)
    nawm_B = is_wm_B  # not needed afterwards: modified in place
    if any_W is not None:
        sWB = sl(wbox, o)
        nawm_B[sWB] &= ~(any_W | near_W)
    if not nawm_B.flags.f_contiguous:
        nawm_B = np.asfortranarray(nawm_B)
    nawm_loc = np.flatnonzero(nawm_B.ravel(order="F"))
    nawm_full = np.zeros(nx * ny * nz, dtype=bool)
    nawm_full.reshape(shape, order="F")[sB] = nawm_B
    nawm_glob = np.flatnonzero(nawm_full)
    del nawm_full
    nawm_vals = {key: values[key].ravel(order="F")[nawm_glob] for key in map_cols}
    phase("nawm gather")

    cov_names = [k for k, _ in a.covs]
    cov_values = [v for _, v in a.covs]

    # --- lesions.tsv
    header = common.lesions_header(cov_names, map_cols, delta_cols)
    rows = []
    for n_, r in enumerate(lesions):
        for c_, comp in enumerate(COMPONENTS):
            sg = 4 * n_ + c_
            row = common.lesion_row_head(
                a.subject, cov_values, r["id"], comp, r["cls"], r["nvox"][c_], voxvol,
                r["centroid"], r["counts"], r["n"],
                cells(dist_mean[sg]) if dist_mean is not None else None,
                cells(dist_min[sg]) if dist_min is not None else None, r["below"])
            for key in map_cols:
                row += stat_cells(key, sg)
            for key in delta_cols:
                mu, nn = lesion_delta[key]
                row += [cells(mu[sg]), int(nn[sg])]
            rows.append(row)
    os.makedirs(a.output, exist_ok=True)
    write_tsv(os.path.join(a.output, "lesions.tsv"), header, rows)

    # --- bands.tsv (bincount per band; lesion region from the voxel lists, NAWM from indices)
    band_header = common.bands_header(cov_names, map_cols)
    band_rows = []
    slope_points = {"lesion": {}, "nawm": {}}
    bw = a.band_width
    if have_csf:
        regions = []
        if lesions:
            ii = np.concatenate([r["ijk"][0] for r in lesions])
            jj = np.concatenate([r["ijk"][1] for r in lesions])
            kk = np.concatenate([r["ijk"][2] for r in lesions])
            cls_v = np.concatenate([np.full(r["n"], r["code"], dtype=np.int8) for r in lesions])
            lb = bands_of(dist_B[ii - o[0], jj - o[1], kk - o[2]], bw)
            lv = {key: values[key][ii, jj, kk] for key in map_cols}
            regions.append(("lesion", lb, cls_v, lv))
        if nawm_loc.size:
            nbd = bands_of(dist_B.ravel(order="F")[nawm_loc], bw)
            regions.append(("nawm", nbd, None, nawm_vals))
        for region, bands, cls_v, vals in regions:
            fin = {key: np.isfinite(vals[key]) for key in map_cols}
            allfin = {key: bool(fin[key].all()) for key in map_cols}
            groups = []
            for name in ("wm", "cgm", "dgm", "other"):
                if cls_v is None:  # NAWM is all WM: its 'wm' rows are its 'all' rows
                    sel = slice(None) if name == "wm" else None
                else:
                    m_ = cls_v == code[name]
                    sel = m_ if m_.any() else None
                if sel is not None:
                    groups.append((name, sel))
            groups.append(("all", slice(None)))
            done = {}
            for name, sel in groups:
                whole = isinstance(sel, slice)
                if whole and "all" in done:
                    cnt, means = done["all"]
                else:
                    gb = bands[sel]
                    nb_ = int(gb.max()) + 1
                    cnt = np.bincount(gb, minlength=nb_)
                    means = []
                    for key in map_cols:
                        with np.errstate(invalid="ignore", divide="ignore"):
                            if allfin[key]:
                                s_ = np.bincount(gb, weights=vals[key][sel], minlength=nb_)
                                means.append(s_ / cnt)
                            else:
                                f = fin[key][sel]
                                v = np.where(f, vals[key][sel], 0).astype(np.float64)
                                s_ = np.bincount(gb, weights=v, minlength=nb_)
                                c_ = np.bincount(gb, weights=f, minlength=nb_)
                                means.append(np.where(c_ > 0, s_ / np.maximum(c_, 1), np.nan))
                    if whole:
                        done["all"] = (cnt, means)
                for b in np.flatnonzero(cnt):
                    b = int(b)
                    mu = [float(mm[b]) for mm in means]
                    band_rows.append([a.subject] + cov_values +
                                     [region, name, b, b * bw, (b + 1) * bw, int(cnt[b])] + mu)
                    if name == "all" and b >= 1:
                        for key, x in zip(map_cols, mu):
                            if math.isfinite(x):
                                slope_points[region].setdefault(key, []).append(((b + 0.5) * bw, x))
    write_tsv(os.path.join(a.output, "bands.tsv"), band_header, band_rows)
    phase("bands")

    # --- subjects.tsv
    def delta_whole(s, n_):
        return cells(lesion_delta[("mtr", s)][0][4 * n_])

    nl = range(len(lesions))
    sh, srow = common.subjects_head(a.subject, a.covs, [r["cls"] for r in lesions],
                                    [r["n"] for r in lesions], voxvol, subject_median,
                                    n_submedian, int(nawm_loc.size))
    for col_names, col_cells in (
            common.subjects_nawm(map_cols, lambda key: big_stats4(nawm_vals[key])),
            common.subjects_mtr(sessions, delta_cols, [r["below"] for r in lesions],
                                lambda s: [whole_mean(("mtr", s), n_) for n_ in nl],
                                lambda s: [delta_whole(s, n_) for n_ in nl]),
            common.subjects_slopes(map_cols, slope_points)):
        sh += col_names
        srow += col_cells
    write_tsv(os.path.join(a.output, "subjects.tsv"), sh, [srow])
    phase("nawm stats + subjects")


def main(argv=None):
    def run_timed(a):
        if a.profile:
            import cProfile
            import pstats
            prof = cProfile.Profile()
            prof.runcall(run, a)
            pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(25)
        else:
            run(a)
        if a.timings:
            last = T0
            for name, t in PHASES:
                print(f"{(t - last) * 1e3:8.1f} ms  {name}", file=sys.stderr)
                last = t
            print(f"{(time.perf_counter() - T0) * 1e3:8.1f} ms  total since imports done",
                  file=sys.stderr)

    return common.main(sys.argv[1:] if argv is None else argv, parse_args, run_timed)


if __name__ == "__main__":
    sys.exit(main())
