#!/usr/bin/env python3
"""Compare two lesionmtr TSV tables (e.g. the Swift program's and the Python reference's).

Usage:
    compare_tables.py A.tsv B.tsv [--rtol 1e-4] [--atol 1e-9]

Rules:
  * the header rows must be identical, and so must the number of rows;
  * `n/a` must match `n/a`;
  * text and integer cells must be equal exactly: columns subject, lesion, component,
    tissue_class, region, band, n, i, j, k, tissue, n_voxels (and nawm_n_voxels), n_valid and
    *_n_valid, *_n, n_lesions*, n_submedian, below_subject_median, and the covariates (the
    columns between `subject` and the first of lesion / n_lesions / region);
  * every other cell is compared as a number: |a - b| <= max(atol, rtol * max(|a|, |b|));
    a cell that does not parse as a number is compared exactly.

Prints the first 20 differences (row, column, both values) and exits 1 if there are any;
otherwise prints `tables agree: N rows × M columns` and exits 0.  Exit 2 on unreadable input.
"""

import argparse
import math
import sys

EXACT = {"subject", "lesion", "component", "tissue_class", "region", "band", "n", "i", "j", "k",
         "tissue", "n_voxels", "n_valid", "n_submedian", "below_subject_median"}
FIRST_FIXED = ("lesion", "n_lesions", "region")


def exact_columns(header):
    exact = set()
    for idx, name in enumerate(header):
        if (name in EXACT or name.endswith("_n") or name.endswith("n_valid")
                or name.endswith("n_voxels") or name.startswith("n_lesions")):
            exact.add(idx)
    if header and header[0] == "subject":
        for idx in range(1, len(header)):
            if header[idx] in FIRST_FIXED:
                break
            exact.add(idx)  # covariate
    return exact


def read(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise ValueError(f"{path}: empty file (no header)")
    return lines[0].split("\t"), [line.split("\t") for line in lines[1:]]


def parse_float(s):
    try:
        return float(s)
    except ValueError:
        return None


def main(argv=None):
    p = argparse.ArgumentParser(description="compare two lesionmtr TSV tables")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--rtol", type=float, default=1e-4)
    p.add_argument("--atol", type=float, default=1e-9)
    args = p.parse_args(argv)
    try:
        ha, ra = read(args.a)
        hb, rb = read(args.b)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    diffs = []
    if ha != hb:
        diffs.append(f"headers differ:\n  A: {chr(9).join(ha)}\n  B: {chr(9).join(hb)}")
        for line in diffs:
            print(line)
        return 1
    if len(ra) != len(rb):
        diffs.append(f"row counts differ: A has {len(ra)}, B has {len(rb)}")
    exact = exact_columns(ha)
    ncol = len(ha)
    for r, (xa, xb) in enumerate(zip(ra, rb), start=1):
        if len(xa) != ncol or len(xb) != ncol:
            diffs.append(f"row {r}: cell counts A {len(xa)}, B {len(xb)}, header {ncol}")
            continue
        for c in range(ncol):
            a, b = xa[c], xb[c]
            if a == b:
                continue
            ok = False
            if c not in exact and a != "n/a" and b != "n/a":
                fa, fb = parse_float(a), parse_float(b)
                if fa is not None and fb is not None and math.isfinite(fa) and math.isfinite(fb):
                    ok = abs(fa - fb) <= max(args.atol, args.rtol * max(abs(fa), abs(fb)))
            if not ok:
                diffs.append(f"row {r}, column {ha[c]}: A={a!r} B={b!r}")
    if diffs:
        for line in diffs[:20]:
            print(line)
        if len(diffs) > 20:
            print(f"... {len(diffs) - 20} more differences")
        return 1
    print(f"tables agree: {len(ra)} rows × {ncol} columns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
