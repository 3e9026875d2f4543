"""Shared helpers for the nibabel reference scripts (nifti_fixtures.py, nifti_describe.py).

These scripts produce JSON descriptions of NIfTI files, computed with nibabel, that the
lesionmtr Swift test suite compares against its own NIfTI reader/writer.

A file description ("case") is a JSON object with these keys:

    file            path of the file (relative to the fixture directory for fixtures,
                    as given on the command line for nifti_describe.py)
    version         1 for NIfTI-1 (348-byte header), 2 for NIfTI-2 (540-byte header)
    datatype        NIfTI datatype code as stored in the header (2 uint8, 4 int16, ...)
    dims            [nx, ny, nz] (dim[1..3]; missing dimensions count as 1)
    spacing         [|pixdim[1]|, |pixdim[2]|, |pixdim[3]|] in mm
    qform_code      header qform_code as stored
    sform_code      header sform_code as stored
    affine          4x4 voxel-to-world matrix chosen by the rule: the sform if
                    sform_code > 0, else the qform if qform_code > 0, else
                    diag(spacing x, spacing y, spacing z, 1) with zero translation.
                    (This is deliberately NOT nibabel's img.affine, whose fallback
                    for "no transform" is a centred affine.)
    scl_slope       raw header scl_slope as a float, NaN written as null
    scl_inter       raw header scl_inter as a float, NaN written as null
    values          voxel values after scaling (nibabel get_fdata(), float64),
                    flattened in NIfTI storage order (i fastest = numpy order "F")
    integer_valued  true if every scaled value is a finite integer

JSON has no NaN/Infinity, so non-finite floats in "values" and "affine" are written as
the strings "nan", "inf" and "-inf".  Finite floats are written with Python's
shortest round-trip repr, so they parse back to exactly the same float64.

"Raw" header fields are read straight from the header bytes, because nibabel's
nib.load() moves scl_slope/scl_inter out of img.header (they show as NaN there) into
the data proxy, and would otherwise hide what is actually stored on disk.
"""

import math

import nibabel as nib
import numpy as np
from nibabel.openers import Opener


def encode_float(x):
    """Return a JSON-safe encoding of a float: a Python float, or "nan"/"inf"/"-inf"."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def nan_to_null(x):
    """Encode a header scalar: NaN becomes None (JSON null), inf becomes "inf"/"-inf"."""
    x = float(x)
    if math.isnan(x):
        return None
    return encode_float(x)


def encode_matrix(m):
    """Encode a 4x4 (or any 2-D) array as a list of lists of JSON-safe floats."""
    return [[encode_float(v) for v in row] for row in np.asarray(m, dtype=np.float64)]


def encode_values(arr):
    """Flatten an array in NIfTI storage order (order="F") into JSON-safe float64s."""
    flat = np.asarray(arr, dtype=np.float64).ravel(order="F")
    if np.all(np.isfinite(flat)):
        return flat.tolist()  # fast path: plain floats
    return [encode_float(v) for v in flat]


def is_integer_valued(arr):
    """True if every value is finite and has no fractional part."""
    a = np.asarray(arr, dtype=np.float64)
    return bool(np.all(np.isfinite(a)) and np.all(a == np.floor(a)))


def load_with_raw_header(path):
    """Load a NIfTI file with nibabel; also return its header exactly as stored.

    Returns (img, raw_header).  raw_header is parsed with check=False so that
    nibabel does not "fix" any fields; it still has scl_slope/scl_inter as on disk.
    For .hdr/.img pairs, either file name may be given.
    """
    img = nib.load(str(path))
    # Single-file images (.nii) only have an "image" entry; pairs have "header" too.
    header_file = img.file_map.get("header", img.file_map["image"]).filename
    with Opener(header_file) as fobj:
        raw = type(img.header).from_fileobj(fobj, check=False)
    return img, raw


def nifti_version(raw_header):
    """1 for a NIfTI-1 header (sizeof_hdr 348), 2 for NIfTI-2 (sizeof_hdr 540)."""
    size = int(raw_header["sizeof_hdr"])
    if size == 348:
        return 1
    if size == 540:
        return 2
    raise ValueError(f"unexpected sizeof_hdr {size}")


def header_dims(raw_header):
    """[nx, ny, nz] from dim[1..3]; dimensions beyond dim[0] count as 1."""
    dim = [int(d) for d in raw_header["dim"]]
    ndim = dim[0]
    return [dim[i] if i <= ndim else 1 for i in (1, 2, 3)]


def header_spacing(raw_header):
    """[|pixdim1|, |pixdim2|, |pixdim3|] as float64."""
    return [abs(float(p)) for p in raw_header["pixdim"][1:4]]


def chosen_affine(raw_header):
    """Voxel-to-world affine: sform if sform_code > 0, else qform if qform_code > 0,
    else diag(spacing) with zero translation."""
    if int(raw_header["sform_code"]) > 0:
        return raw_header.get_sform()
    if int(raw_header["qform_code"]) > 0:
        return raw_header.get_qform()
    sx, sy, sz = header_spacing(raw_header)
    return np.diag([sx, sy, sz, 1.0])


def describe(path, file_label, include_forms=False):
    """Describe one NIfTI file as a JSON-ready dict (see the module docstring).

    file_label is what goes into the "file" key.  With include_forms=True the raw
    header's qform (get_qform()) and sform (get_sform()) matrices are added as
    "qform" and "sform", whatever their codes.
    """
    img, raw = load_with_raw_header(path)
    data = img.get_fdata()  # float64, scaling applied (slope 0/NaN = no scaling)
    desc = {
        "file": str(file_label),
        "version": nifti_version(raw),
        "datatype": int(raw["datatype"]),
        "dims": header_dims(raw),
        "spacing": header_spacing(raw),
        "qform_code": int(raw["qform_code"]),
        "sform_code": int(raw["sform_code"]),
        "affine": encode_matrix(chosen_affine(raw)),
    }
    if include_forms:
        desc["qform"] = encode_matrix(raw.get_qform())
        desc["sform"] = encode_matrix(raw.get_sform())
    desc.update(
        {
            "scl_slope": nan_to_null(raw["scl_slope"]),
            "scl_inter": nan_to_null(raw["scl_inter"]),
            "values": encode_values(data),
            "integer_valued": is_integer_valued(data),
        }
    )
    return desc
