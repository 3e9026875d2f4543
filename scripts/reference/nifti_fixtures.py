#!/usr/bin/env python3
"""Write small NIfTI reference fixtures with nibabel, plus the expected reading of each.

Usage:
    python nifti_fixtures.py OUTDIR

Creates OUTDIR if needed and writes a set of small NIfTI files into it, together with
OUTDIR/expected.json, which says what a correct NIfTI reader must find in each one.
The lesionmtr Swift test suite runs this script and compares its own reader against
expected.json.  Output is deterministic: fixed random seed, gzip streams with mtime 0,
no timestamps anywhere.

expected.json has the form

    {"cases": [CASE, ...], "errors": [ERROR, ...]}

CASE describes a file that must be read successfully.  Its keys are documented in
nifti_json.py: "name" (short id), "file" (path relative to OUTDIR; for .hdr/.img pairs
the header file), "version", "datatype", "dims", "spacing", "qform_code",
"sform_code", "affine", "scl_slope", "scl_inter", "values", "integer_valued".
Everything except "name" is computed by reading the written file back with nibabel
(raw header fields straight from the header bytes, "values" from get_fdata()), and
the script asserts that what is on disk is what each case was meant to contain.

ERROR describes a file that a reader must refuse:

    {"name": ..., "file": ..., "reason": REASON}

where REASON is one of "not_nifti", "truncated", "unsupported_datatype",
"multiple_volumes", "impossible_dims".

Surprises handled here (nibabel 5.x):
  * nibabel rewrites scl_slope/scl_inter on save (NaN slope is written as 1.0/0.0),
    so NaN and zero slopes are patched into the file bytes after saving.
  * nib.load() moves scl_slope/scl_inter out of img.header (they read as NaN there),
    so raw header values are re-read from the file (nifti_json.load_with_raw_header).
  * int64/uint64 images need an explicit dtype, or nibabel refuses to create them.
"""

import gzip
import json
import os
import struct
import sys

import nibabel as nib
import numpy as np

# Make the shared helper module importable when run as `python path/to/script.py`.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import nifti_json  # noqa: E402

SEED = 20240601

# NIfTI-1 header byte offsets used for patching (all little-endian in our files).
OFF_DIM = 40  # int16 dim[8]
OFF_SCL_SLOPE = 112  # float32
OFF_SCL_INTER = 116  # float32
OFF_MAGIC = 344  # char[4]

# Default volume shape: small, with distinct extents so axis mix-ups show.
SHAPE = (5, 4, 3)


# ---------------------------------------------------------------------------
# Affines
# ---------------------------------------------------------------------------


def simple_affine():
    """Axis-aligned affine: spacing 1.0 x 1.2 x 2.5 mm, origin (-90, -126, -72)."""
    aff = np.diag([1.0, 1.2, 2.5, 1.0])
    aff[:3, 3] = [-90.0, -126.0, -72.0]
    return aff


def rotation(deg_x, deg_y, deg_z=0.0):
    """3x3 proper rotation Rz @ Ry @ Rx (angles in degrees)."""
    ax, ay, az = np.deg2rad([deg_x, deg_y, deg_z])
    rx = np.array([[1, 0, 0], [0, np.cos(ax), -np.sin(ax)], [0, np.sin(ax), np.cos(ax)]])
    ry = np.array([[np.cos(ay), 0, np.sin(ay)], [0, 1, 0], [-np.sin(ay), 0, np.cos(ay)]])
    rz = np.array([[np.cos(az), -np.sin(az), 0], [np.sin(az), np.cos(az), 0], [0, 0, 1]])
    return rz @ ry @ rx


def rotated_affine(rot, spacing, origin):
    """Affine with the given 3x3 rotation, voxel spacing and translation."""
    aff = np.eye(4)
    aff[:3, :3] = rot @ np.diag(spacing)
    aff[:3, 3] = origin
    return aff


# ---------------------------------------------------------------------------
# Data generators
# ---------------------------------------------------------------------------


def from_flat(flat, shape):
    """Reshape a flat array given in NIfTI storage order (i fastest) to `shape`."""
    return np.asarray(flat).reshape(shape, order="F")


def int_volume(rng, dtype, shape=SHAPE):
    """Random integers over the full dtype range, with min/max and small values planted."""
    dtype = np.dtype(dtype)
    info = np.iinfo(dtype)
    n = int(np.prod(shape))
    # Generate in native byte order (rng.integers requires it), then convert.
    flat = rng.integers(info.min, info.max, size=n, dtype=dtype.newbyteorder("="),
                        endpoint=True).astype(dtype)
    specials = [info.min, info.max, 0, 1, info.max - 1, info.min + 1]
    if info.min < 0:
        specials.append(-1)
    # First and last voxels, plus a few interior positions.
    positions = [0, n - 1, 1, n // 2, n // 3, 2 * n // 3, n - 2]
    for pos, value in zip(positions, specials):
        flat[pos] = value
    return from_flat(flat, shape)


def float_volume(rng, dtype, shape=SHAPE, nonfinite=False):
    """Random floats (mixed sign) with negative, tiny, subnormal and huge values planted."""
    dtype = np.dtype(dtype)
    info = np.finfo(dtype)
    n = int(np.prod(shape))
    flat = (rng.standard_normal(n) * 1000.0).astype(dtype)
    specials = [
        -1234.5625,  # exactly representable negative
        1e-30,  # tiny normal
        -3.5e-20,  # tiny negative
        float(info.smallest_subnormal) * 3,  # subnormal
        float(info.max),  # largest finite
        -float(info.max) / 2,  # large negative
        -0.0,  # negative zero
        0.1,  # not exactly representable
    ]
    positions = [0, 1, 2, n // 2, n - 1, n // 3, 2 * n // 3, n - 2]
    for pos, value in zip(positions, specials):
        flat[pos] = value
    if nonfinite:
        flat[3] = np.nan
        flat[n // 4] = np.inf
        flat[n - 3] = -np.inf
    return from_flat(flat, shape)


# ---------------------------------------------------------------------------
# Writing and patching
# ---------------------------------------------------------------------------


def make_image(data, affine, *, klass=nib.Nifti1Image, dtype=None, endianness=None,
               qform_code=1, sform_code=2):
    """Build an image whose header stores `affine` as qform and sform with given codes."""
    header = klass.header_class(endianness=endianness)
    header.set_data_dtype(dtype if dtype is not None else data.dtype)
    img = klass(data, affine, header)
    img.set_qform(affine, code=qform_code)
    img.set_sform(affine, code=sform_code)
    return img


def read_file_bytes(path):
    """File contents, decompressed if the name ends in .gz."""
    with open(path, "rb") as f:
        raw = f.read()
    return gzip.decompress(raw) if path.endswith(".gz") else raw


def write_file_bytes(path, data):
    """Write bytes, gzip-compressed (deterministically, mtime 0) if the name ends in .gz."""
    if path.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    with open(path, "wb") as f:
        f.write(data)


def patch(path, offset, payload):
    """Overwrite bytes at `offset` of the (decompressed) file with `payload`."""
    data = bytearray(read_file_bytes(path))
    data[offset:offset + len(payload)] = payload
    write_file_bytes(path, bytes(data))


def raw_header(path):
    """The header exactly as stored on disk (nibabel, no fixes applied)."""
    return nifti_json.load_with_raw_header(path)[1]


# ---------------------------------------------------------------------------
# Fixture builder
# ---------------------------------------------------------------------------


class FixtureWriter:
    """Writes fixture files into outdir and collects the expected.json entries."""

    def __init__(self, outdir):
        self.outdir = outdir
        self.rng = np.random.default_rng(SEED)
        self.cases = []
        self.errors = []

    def path(self, filename):
        return os.path.join(self.outdir, filename)

    def save(self, img, filename):
        """Save an image; return its full path."""
        full = self.path(filename)
        nib.save(img, full)
        return full

    def add_case(self, name, filename, *, datatype, version=1, qform_code=None,
                 sform_code=None, data=None, check=None):
        """Record a readable case, after checking the file holds what was intended.

        datatype/version/qform_code/sform_code are the intended on-disk values; `data`
        (if given) is the intended scaled array; `check(raw_header, img)` can assert more.
        """
        full = self.path(filename)
        img, hdr = nifti_json.load_with_raw_header(full)
        assert int(hdr["datatype"]) == datatype, (name, int(hdr["datatype"]))
        assert nifti_json.nifti_version(hdr) == version, name
        if qform_code is not None:
            assert int(hdr["qform_code"]) == qform_code, name
        if sform_code is not None:
            assert int(hdr["sform_code"]) == sform_code, name
        if data is not None:
            np.testing.assert_array_equal(img.get_fdata(), np.asarray(data, dtype=np.float64),
                                          err_msg=name)
        if check is not None:
            check(hdr, img)
        desc = nifti_json.describe(full, filename)
        self.cases.append({"name": name, **desc})

    def add_error(self, name, filename, reason):
        assert os.path.exists(self.path(filename)), filename
        self.errors.append({"name": name, "file": filename, "reason": reason})

    # -- readable cases -----------------------------------------------------

    def datatype_cases(self):
        """One .nii.gz per supported datatype, sform code 2 + qform code 1."""
        aff = simple_affine()
        int_types = [("uint8", 2), ("int8", 256), ("int16", 4), ("uint16", 512),
                     ("int32", 8), ("uint32", 768), ("int64", 1024), ("uint64", 1280)]
        for name, code in int_types:
            data = int_volume(self.rng, name)
            self.save(make_image(data, aff), f"{name}.nii.gz")
            # uint64 max is not exact in float64: compare with what get_fdata gives.
            self.add_case(name, f"{name}.nii.gz", datatype=code, qform_code=1,
                          sform_code=2, data=data.astype(np.float64))
        for name, code in [("float32", 16), ("float64", 64)]:
            data = float_volume(self.rng, name)
            self.save(make_image(data, aff), f"{name}.nii.gz")
            self.add_case(name, f"{name}.nii.gz", datatype=code, qform_code=1,
                          sform_code=2, data=data)
        # float32 with NaN, +inf and -inf voxels.
        data = float_volume(self.rng, "float32", shape=(7, 3, 2), nonfinite=True)
        self.save(make_image(data, aff), "float32_nonfinite.nii.gz")
        self.add_case("float32_nonfinite", "float32_nonfinite.nii.gz", datatype=16,
                      data=data)

    def scaled_case(self):
        """int16 stored raw, with scl_slope 0.5 and scl_inter -10 in the header."""
        raw = int_volume(self.rng, "int16")
        img = make_image(raw, simple_affine(), dtype=np.int16)
        img.header.set_slope_inter(0.5, -10)
        self.save(img, "int16_scaled.nii.gz")

        def check(hdr, img):
            assert float(hdr["scl_slope"]) == 0.5 and float(hdr["scl_inter"]) == -10.0
            # Raw data must be stored unchanged (nibabel must not have rescaled it).
            np.testing.assert_array_equal(np.asarray(img.dataobj.get_unscaled()), raw)

        self.add_case("int16_scaled", "int16_scaled.nii.gz", datatype=4, check=check,
                      data=raw.astype(np.float64) * 0.5 - 10)

    def nifti2_cases(self):
        aff = simple_affine()
        data = float_volume(self.rng, "float32", shape=(7, 3, 2))
        self.save(make_image(data, aff, klass=nib.Nifti2Image), "nifti2.nii")
        self.add_case("nifti2", "nifti2.nii", datatype=16, version=2, data=data)
        data = int_volume(self.rng, "int16")
        self.save(make_image(data, aff, klass=nib.Nifti2Image), "nifti2_gz.nii.gz")
        self.add_case("nifti2_gz", "nifti2_gz.nii.gz", datatype=4, version=2, data=data)

    def big_endian_cases(self):
        aff = simple_affine()

        def check(hdr, img):
            assert hdr.endianness == ">" and img.header.endianness == ">"
            assert img.get_data_dtype().byteorder == ">"

        data = int_volume(self.rng, ">i2")
        self.save(make_image(data, aff, endianness=">"), "big_endian.nii")
        self.add_case("big_endian", "big_endian.nii", datatype=4, data=data, check=check)
        data = float_volume(self.rng, ">f4", shape=(2, 3, 4))
        self.save(make_image(data, aff, endianness=">"), "big_endian_float32.nii")
        self.add_case("big_endian_float32", "big_endian_float32.nii", datatype=16,
                      data=data, check=check)

    def pair_cases(self):
        """ANALYZE-style NIfTI-1 pairs: .hdr/.img and gzipped .hdr.gz/.img.gz."""
        aff = simple_affine()
        for name, filename in [("hdr_img", "pair.hdr"), ("hdr_img_gz", "pair_gz.hdr.gz")]:
            data = float_volume(self.rng, "float32")
            self.save(make_image(data, aff, klass=nib.Nifti1Pair), filename)
            image_file = filename.replace(".hdr", ".img")
            assert os.path.exists(self.path(image_file)), image_file
            self.add_case(name, filename, datatype=16, data=data)

    def transform_cases(self):
        # Oblique: ~20 deg about x and y, anisotropic voxels; qform == sform, code 1.
        aff = rotated_affine(rotation(20, -20), [0.9, 0.9, 3.0], [-80.5, -110.25, -40.0])
        data = float_volume(self.rng, "float32", shape=(7, 3, 2))
        self.save(make_image(data, aff, qform_code=1, sform_code=1), "oblique_sform.nii.gz")
        self.add_case("oblique_sform", "oblique_sform.nii.gz", datatype=16, qform_code=1,
                      sform_code=1, data=data,
                      check=lambda h, i: np.testing.assert_allclose(
                          h.get_qform(), h.get_sform(), atol=1e-4))

        # qform only: rotated qform (code 1); srow holds a *different* matrix with
        # sform_code 0, which a reader must ignore.
        qaff = rotated_affine(rotation(0, 0, 15), [1.5, 1.5, 2.0], [-60.0, -70.0, -30.0])
        decoy = np.diag([9.0, 9.0, 9.0, 1.0])
        data = float_volume(self.rng, "float32", shape=(2, 3, 4))
        img = make_image(data, qaff, qform_code=1, sform_code=0)
        img.header.set_sform(decoy, code=0)
        self.save(img, "qform_only.nii.gz")
        self.add_case("qform_only", "qform_only.nii.gz", datatype=16, qform_code=1,
                      sform_code=0, data=data,
                      check=lambda h, i: np.testing.assert_allclose(
                          h.get_sform(), decoy))

        # No transform: both codes 0, pixdim 2x2x2; decoy qform/sform contents that
        # must be ignored (reader falls back to diag(2, 2, 2, 1)).
        qdecoy = rotated_affine(rotation(10, 0, 0), [2.0, 2.0, 2.0], [50.0, 60.0, 70.0])
        data = float_volume(self.rng, "float32")
        img = make_image(data, qdecoy, qform_code=0, sform_code=0)
        img.header.set_sform(decoy, code=0)
        self.save(img, "no_transform.nii.gz")

        def check_no_transform(hdr, img):
            assert list(hdr["pixdim"][1:4]) == [2.0, 2.0, 2.0]

        self.add_case("no_transform", "no_transform.nii.gz", datatype=16, qform_code=0,
                      sform_code=0, data=data, check=check_no_transform)

    def slope_cases(self):
        """scl_slope NaN (as in the MNI templates) and 0: both mean "no scaling"."""
        aff = simple_affine()
        for name, filename, slope in [("nan_slope", "nan_slope.nii.gz", np.nan),
                                      ("zero_slope", "zero_slope.nii", 0.0)]:
            data = int_volume(self.rng, "uint8")
            self.save(make_image(data, aff), filename)
            # nibabel writes slope 1.0 / inter 0.0 whatever the header said, so patch
            # the float32 field in the file itself (re-gzipping .gz files).
            patch(self.path(filename), OFF_SCL_SLOPE, struct.pack("<f", slope))
            patch(self.path(filename), OFF_SCL_INTER, struct.pack("<f", 0.0))

            def check(hdr, img, slope=slope):
                stored = float(hdr["scl_slope"])
                assert (np.isnan(stored) if np.isnan(slope) else stored == slope), stored

            self.add_case(name, filename, datatype=2, data=data, check=check)

    def misc_cases(self):
        aff = simple_affine()
        # 4-D with a single volume: dims are reported as [5, 4, 3].
        data = float_volume(self.rng, "float32", shape=(5, 4, 3, 1))
        self.save(make_image(data, aff), "singleton_4d.nii.gz")

        def check_4d(hdr, img):
            assert int(hdr["dim"][0]) == 4 and int(hdr["dim"][4]) == 1, hdr["dim"]

        self.add_case("singleton_4d", "singleton_4d.nii.gz", datatype=16, data=data,
                      check=check_4d)

        data = float_volume(self.rng, "float64", shape=(7, 3, 2))
        self.save(make_image(data, aff), "uncompressed.nii")
        self.add_case("uncompressed", "uncompressed.nii", datatype=64, data=data)

        flat = self.rng.integers(0, 8, size=60).astype(np.int16)
        flat[:8] = np.arange(8)  # every label 0..7 present
        data = from_flat(flat, SHAPE)
        self.save(make_image(data, aff), "labels_int16.nii.gz")
        self.add_case("labels_int16", "labels_int16.nii.gz", datatype=4, data=data)

        flat = self.rng.integers(0, 6, size=42).astype(np.float32)
        flat[:6] = np.arange(6)  # every label 0..5 present
        data = from_flat(flat, (7, 3, 2))
        self.save(make_image(data, aff), "labels_float.nii.gz")
        self.add_case("labels_float", "labels_float.nii.gz", datatype=16, data=data)

    # -- files a reader must refuse -----------------------------------------

    def error_cases(self):
        aff = simple_affine()
        small = float_volume(self.rng, "float32")

        # Unsupported datatypes.
        cplx = (small + 1j * small[::-1]).astype(np.complex64)
        self.save(make_image(cplx, aff), "complex64.nii")
        assert int(raw_header(self.path("complex64.nii"))["datatype"]) == 32
        self.add_error("complex64", "complex64.nii", "unsupported_datatype")

        rgb_dtype = np.dtype([("R", "u1"), ("G", "u1"), ("B", "u1")])
        rgb = np.zeros(SHAPE, dtype=rgb_dtype)
        for channel in "RGB":
            rgb[channel] = self.rng.integers(0, 256, size=SHAPE, dtype=np.uint8)
        self.save(make_image(rgb, aff), "rgb24.nii")
        assert int(raw_header(self.path("rgb24.nii"))["datatype"]) == 128
        self.add_error("rgb24", "rgb24.nii", "unsupported_datatype")

        # More than one volume.
        data = float_volume(self.rng, "float32", shape=(5, 4, 3, 3))
        self.save(make_image(data, aff), "four_d.nii.gz")
        self.add_error("four_d", "four_d.nii.gz", "multiple_volumes")

        # Truncated data: plain file missing its last 100 bytes.
        full = self.save(make_image(small, aff), "truncated.nii")
        with open(full, "rb") as f:
            data = f.read()
        assert len(data) == 352 + small.size * 4
        with open(full, "wb") as f:
            f.write(data[:-100])
        self.add_error("truncated_nii", "truncated.nii", "truncated")

        # Truncated gzip stream: 20x20x20 smooth-ish volume, last half of .gz cut off.
        grid = np.indices((20, 20, 20)).sum(axis=0).astype(np.float32)
        vol = grid + self.rng.integers(0, 4, size=grid.shape).astype(np.float32)
        full = self.save(make_image(vol, aff), "truncated.nii.gz")
        with open(full, "rb") as f:
            data = f.read()
        with open(full, "wb") as f:
            f.write(data[: len(data) // 2])
        self.add_error("truncated_gz", "truncated.nii.gz", "truncated")

        # Not NIfTI: bad magic, random bytes, empty file.
        full = self.save(make_image(small, aff), "bad_magic.nii")
        patch(full, OFF_MAGIC, b"xyz\0")
        self.add_error("bad_magic", "bad_magic.nii", "not_nifti")

        garbage = self.rng.integers(0, 256, size=400, dtype=np.uint8).tobytes()
        for order in "<>":  # make sure it doesn't look like a NIfTI header size
            assert struct.unpack(order + "i", garbage[:4])[0] not in (348, 540)
        write_file_bytes(self.path("garbage.nii"), garbage)
        self.add_error("garbage", "garbage.nii", "not_nifti")

        write_file_bytes(self.path("x.nii"), b"")
        self.add_error("empty_file", "x.nii", "not_nifti")

        # Impossible dimensions, patched into otherwise valid headers.
        for name, dims in [("zero_dim", {2: 0}),
                           ("huge_dims", {1: 32767, 2: 32767, 3: 32767}),
                           ("negative_dim", {1: -5})]:
            full = self.save(make_image(small, aff), f"{name}.nii")
            for index, value in dims.items():
                patch(full, OFF_DIM + 2 * index, struct.pack("<h", value))
            stored = struct.unpack("<8h", read_file_bytes(full)[OFF_DIM:OFF_DIM + 16])
            assert all(stored[i] == v for i, v in dims.items()), stored
            self.add_error(name, f"{name}.nii", reason="impossible_dims")

    # -- driver ---------------------------------------------------------------

    def write_all(self):
        self.datatype_cases()
        self.scaled_case()
        self.nifti2_cases()
        self.big_endian_cases()
        self.pair_cases()
        self.transform_cases()
        self.slope_cases()
        self.misc_cases()
        self.error_cases()
        expected = {"cases": self.cases, "errors": self.errors}
        with open(self.path("expected.json"), "w") as f:
            # allow_nan=False: NaN/inf must already be encoded as strings or null.
            json.dump(expected, f, indent=1, allow_nan=False)
            f.write("\n")


def main(argv):
    if len(argv) != 1:
        print("usage: python nifti_fixtures.py OUTDIR", file=sys.stderr)
        return 2
    outdir = argv[0]
    os.makedirs(outdir, exist_ok=True)
    writer = FixtureWriter(outdir)
    writer.write_all()
    print(f"wrote {len(writer.cases)} cases and {len(writer.errors)} error files "
          f"to {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
