#!/usr/bin/env python3
"""Describe NIfTI files as nibabel reads them, as JSON (reference for lesionmtr tests).

Usage:
    python nifti_describe.py FILE [FILE ...]

Prints one JSON object to stdout:

    {"files": [ {description of FILE 1}, {description of FILE 2}, ... ]}

Each description has the keys documented in nifti_json.py ("file" is the path exactly
as given on the command line, "version", "datatype", "dims", "spacing", "qform_code",
"sform_code", "affine", "scl_slope", "scl_inter", "values", "integer_valued") plus
"qform" and "sform": the 4x4 matrices from the raw header's get_qform() and
get_sform(), reported whatever their codes.

The Swift test suite uses this to check that files written by its NIfTI writer are
read back by nibabel as intended.  If any file cannot be read, the error is printed
to stderr and the script exits with status 1 (no JSON is printed).
"""

import json
import os
import sys

# Make the shared helper module importable when run as `python path/to/script.py`.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import nifti_json  # noqa: E402


def main(argv):
    if not argv:
        print("usage: python nifti_describe.py FILE [FILE ...]", file=sys.stderr)
        return 2
    files = []
    for path in argv:
        try:
            files.append(nifti_json.describe(path, path, include_forms=True))
        except Exception as exc:  # report which file failed, then give up
            print(f"nifti_describe: cannot describe {path}: {exc}", file=sys.stderr)
            return 1
    # allow_nan=False guarantees that no bare NaN/Infinity slips into the output.
    json.dump({"files": files}, sys.stdout, allow_nan=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
