"""Self-tests of the Python reference (lesionmtr_reference.py) against hand-derived numbers.

Run:  .venv/bin/python -m pytest scripts/reference/test_reference.py
"""

import csv
import math
import os
import sys

import nibabel as nib
import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lesionmtr_reference as ref  # noqa: E402

N = 9  # 9x9x9 volumes, 1 mm isotropic, identity affine


def save(path, data, affine=None, dtype=np.float32):
    img = nib.Nifti1Image(np.asarray(data).astype(dtype), np.eye(4) if affine is None else affine)
    img.to_filename(str(path))
    return str(path)


def read(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def run(tmp_path, lesions, tissue, maps, extra=()):
    les = save(tmp_path / "les.nii.gz", lesions)
    tis = save(tmp_path / "tis.nii.gz", tissue)
    args = ["--lesions", les, "--tissue", tis, "--subject", "s1", "-o", str(tmp_path / "out")]
    for spec, data in maps.items():
        name = spec.replace(":", "_")
        args += ["--map", f"{spec}={save(tmp_path / (name + '.nii.gz'), data)}"]
    args += list(extra)
    assert ref.main(args) == 0
    out = tmp_path / "out"
    tables = {t: read(out / f"{t}.tsv") for t in ("lesions", "subjects", "bands")}
    if (out / "voxels.tsv").exists():
        tables["voxels"] = read(out / "voxels.tsv")
    return tables


def rows_of(table, lesion, component):
    return [r for r in table if r["lesion"] == str(lesion) and r["component"] == component]


def cube_case():
    les = np.zeros((N, N, N))
    les[3:6, 3:6, 3:6] = 1
    tis = np.full((N, N, N), 3)  # all WM, no CSF
    mtr = np.full((N, N, N), 40.0)
    return les, tis, mtr


def test_cube_rim_core_perilesional_voxel_units(tmp_path):
    les, tis, mtr = cube_case()
    t = run(tmp_path, les, tis, {"mtr:base": mtr})
    n = {c: int(rows_of(t["lesions"], 1, c)[0]["n_voxels"]) for c in ref.COMPONENTS}
    # 3x3x3 cube: 26 boundary voxels, 1 centre.  City-block shells around it:
    # d=1: 6 faces x 9 = 54; d=2: 6 x 9 (faces) + 12 edges x 3 = 90  ->  144.
    assert n == {"whole": 27, "core": 1, "rim": 26, "perilesional": 144}
    # NAWM (gap 2): everything else: 729 - 27 - 144
    assert t["subjects"][0]["nawm_n_voxels"] == str(729 - 27 - 144)
    # no CSF: distances n/a, no band rows
    assert rows_of(t["lesions"], 1, "whole")[0]["dist_csf_mean_mm"] == "n/a"
    assert t["bands"] == []


def test_cube_mm_units(tmp_path):
    les, tis, mtr = cube_case()
    t = run(tmp_path, les, tis, {"mtr:base": mtr}, ["--unit", "mm"])
    n = {c: int(rows_of(t["lesions"], 1, c)[0]["n_voxels"]) for c in ref.COMPONENTS}
    # Euclidean <= 2 mm: 54 (1) + 54 (2) + 36 edge voxels (sqrt 2) + 8 corners (sqrt 3) = 152
    assert n == {"whole": 27, "core": 1, "rim": 26, "perilesional": 152}


def test_rim_width_two_and_zero(tmp_path):
    les = np.zeros((N, N, N))
    les[1:8, 1:8, 1:8] = 1  # 7x7x7
    tis = np.full((N, N, N), 3)
    mtr = np.full((N, N, N), 40.0)
    t = run(tmp_path, les, tis, {"mtr:base": mtr}, ["--rim-width", "2.9"])
    assert rows_of(t["lesions"], 1, "core")[0]["n_voxels"] == str(27)  # 3x3x3 left
    assert rows_of(t["lesions"], 1, "rim")[0]["n_voxels"] == str(343 - 27)
    t = run(tmp_path, les, tis, {"mtr:base": mtr}, ["--rim-width", "0.5"])
    assert rows_of(t["lesions"], 1, "rim")[0]["n_voxels"] == "0"
    assert rows_of(t["lesions"], 1, "rim")[0]["mtr_base_mean"] == "n/a"
    assert rows_of(t["lesions"], 1, "core")[0]["n_voxels"] == str(343)


def test_field_of_view_border_is_not_lesion(tmp_path):
    les = np.zeros((N, N, N))
    les[0:2, 2:7, 2:7] = 1  # a 2x5x5 slab on the i = 0 face
    tis = np.full((N, N, N), 3)
    t = run(tmp_path, les, tis, {"mtr:base": np.full((N, N, N), 40.0)})
    # every voxel is 1 step from i = -1 (outside: not in L) or from i = 2; if outside counted as
    # lesion, the 3x3 voxels (0, 3..5, 3..5) would be core
    assert rows_of(t["lesions"], 1, "core")[0]["n_voxels"] == "0"
    assert rows_of(t["lesions"], 1, "rim")[0]["n_voxels"] == "50"


def test_perilesional_tie_goes_to_lowest_id(tmp_path):
    lab = np.zeros((N, N, N))
    lab[2, 4, 4] = 2
    lab[6, 4, 4] = 1
    tis = np.full((N, N, N), 3)
    t = run(tmp_path, lab, tis, {"mtr:base": np.full((N, N, N), 40.0)},
            ["--labelled", "--voxels"])
    owner = {(int(r["i"]), int(r["j"]), int(r["k"])): int(r["lesion"])
             for r in t["voxels"] if r["component"] == "perilesional"}
    assert owner[(4, 4, 4)] == 1
    assert owner[(3, 4, 4)] == 2 and owner[(5, 4, 4)] == 1
    assert (4, 5, 4) not in owner  # 3 steps from either lesion
    # each single voxel has 1 + 6 + 18 = 25 voxels within 2 steps, 24 outside itself;
    # only (4,4,4) is shared -> id 1 keeps 24, id 2 gets 23
    assert sum(1 for v in owner.values() if v == 1) == 24
    assert sum(1 for v in owner.values() if v == 2) == 23
    # voxels.tsv order: lesion id, component, storage index (i fastest)
    keys = [(int(r["lesion"]), r["component"], int(r["i"]) + N * (int(r["j"]) + N * int(r["k"])))
            for r in t["voxels"]]
    comp_rank = {"core": 0, "rim": 1, "perilesional": 2}
    assert keys == sorted(keys, key=lambda x: (x[0], comp_rank[x[1]], x[2]))


def test_nawm_gap(tmp_path):
    les = np.zeros((N, N, N))
    les[4, 4, 4] = 1
    tis = np.full((N, N, N), 3)
    m = {"mtr:base": np.full((N, N, N), 40.0)}
    t = run(tmp_path, les, tis, m, ["--min-voxels", "1"])
    assert t["subjects"][0]["nawm_n_voxels"] == str(729 - 25)  # 1 + 6 + 18 within 2 steps
    t = run(tmp_path, les, tis, m, ["--min-voxels", "1", "--nawm-gap", "0.5"])
    assert t["subjects"][0]["nawm_n_voxels"] == str(729 - 1)
    t = run(tmp_path, les, tis, m, ["--min-voxels", "1", "--unit", "mm", "--nawm-gap", "1.5"])
    assert t["subjects"][0]["nawm_n_voxels"] == str(729 - 1 - 6 - 12)  # 1, 6 at 1, 12 at sqrt 2
    # a dropped component (min-voxels 3) is ordinary tissue: all 729 WM voxels are NAWM
    t = run(tmp_path, les, tis, m)
    assert t["subjects"][0]["n_lesions"] == "0"
    assert t["subjects"][0]["nawm_n_voxels"] == str(729)


def test_quantiles_and_sd_by_hand(tmp_path):
    les = np.zeros((N, N, N))
    les[1:7, 4, 4] = 1  # six voxels in a line
    tis = np.full((N, N, N), 3)
    tis[0, :, :] = 1     # CSF plane at i = 0
    mtr = np.full((N, N, N), 40.0)
    mtr[1:7, 4, 4] = [10.0, 1.0, np.nan, 3.0, 2.0, 4.0]
    t = run(tmp_path, les, tis, {"mtr:base": mtr})
    w = rows_of(t["lesions"], 1, "whole")[0]
    # valid values sorted: 1 2 3 4 10; n = 5; positions (n-1)p: p10 -> 0.4, p25 -> 1, p75 -> 3, p90 -> 3.6
    assert w["mtr_base_n_valid"] == "5"
    assert float(w["mtr_base_mean"]) == pytest.approx(4.0)
    assert float(w["mtr_base_median"]) == pytest.approx(3.0)
    assert float(w["mtr_base_p10"]) == pytest.approx(1.4)
    assert float(w["mtr_base_p25"]) == pytest.approx(2.0)
    assert float(w["mtr_base_p75"]) == pytest.approx(4.0)
    assert float(w["mtr_base_p90"]) == pytest.approx(7.6)
    assert float(w["mtr_base_sd"]) == pytest.approx(math.sqrt(50 / 4))  # deviations -3 -2 -1 0 6
    assert w["mtr_base_min"] == "1" and w["mtr_base_max"] == "10"
    # CSF at i = 0: voxel i is i mm away; lesion i = 1..6 -> mean 3.5, min 1
    assert float(w["dist_csf_mean_mm"]) == pytest.approx(3.5)
    assert w["dist_csf_min_mm"] == "1"
    # centroid: mean index (3.5, 4, 4) with the identity affine
    assert (w["centroid_x"], w["centroid_y"], w["centroid_z"]) == ("3.5", "4", "4")
    # a line is all rim
    assert rows_of(t["lesions"], 1, "core")[0]["n_voxels"] == "0"


def test_submedian(tmp_path):
    les = np.zeros((N, N, N))
    base = np.full((N, N, N), 40.0)
    m6 = np.full((N, N, N), 40.0)
    means = [50.0, 30.0, 60.0, 40.0]
    for n, (k, mu) in enumerate(zip((0, 2, 4, 6), means)):
        les[1:4, 1, k] = 1
        base[1:4, 1, k] = mu
        m6[1:4, 1, k] = mu + n + 1  # deltas 1, 2, 3, 4
    les[1:4, 7, 8] = 1          # a 5th lesion with no valid baseline MTR
    base[1:4, 7, 8] = np.nan
    tis = np.full((N, N, N), 3)
    t = run(tmp_path, les, tis, {"mtr:base": base, "mtr:m6": m6})
    whole = {int(r["lesion"]): r for r in t["lesions"] if r["component"] == "whole"}
    # ids in storage order: k = 0, 2, 4, 6, 8  ->  means 50, 30, 60, 40, none; median 45
    below = {i: whole[i]["below_subject_median"] for i in whole}
    assert below == {1: "0", 2: "1", 3: "0", 4: "1", 5: "0"}
    s = t["subjects"][0]
    assert float(s["mtr_subject_median"]) == 45.0
    assert s["n_submedian"] == "2"
    assert float(s["submedian_mtr_base_mean"]) == pytest.approx(35.0)
    assert float(s["lesion_mtr_base_mean"]) == pytest.approx(45.0)
    assert float(s["delta_submedian_mtr_m6"]) == pytest.approx(3.0)  # lesions 2 and 4: (2+4)/2
    assert float(s["delta_lesion_mtr_m6"]) == pytest.approx(2.5)
    assert whole[5]["delta_mtr_m6_n"] == "0" and whole[5]["delta_mtr_m6_mean"] == "n/a"


def test_numbering_by_first_voxel_in_storage_order(tmp_path):
    les = np.zeros((N, N, N))
    les[0:3, 0, 3] = 1   # first voxel index 0 + 9*0 + 81*3 = 243
    les[6:9, 6, 0] = 1   # first voxel index 6 + 9*6 = 60  -> id 1
    tis = np.full((N, N, N), 3)
    t = run(tmp_path, les, tis, {"mtr:base": np.full((N, N, N), 40.0)})
    w = {int(r["lesion"]): r for r in t["lesions"] if r["component"] == "whole"}
    assert (w[1]["centroid_x"], w[1]["centroid_y"], w[1]["centroid_z"]) == ("7", "6", "0")
    assert (w[2]["centroid_x"], w[2]["centroid_y"], w[2]["centroid_z"]) == ("1", "0", "3")


def test_connectivity(tmp_path):
    les = np.zeros((N, N, N))
    les[1:3, 1, 1] = 1
    les[3:5, 2, 2] = 1   # touches (2,1,1) only at a corner
    tis = np.full((N, N, N), 3)
    m = {"mtr:base": np.full((N, N, N), 40.0)}
    t = run(tmp_path, les, tis, m, ["--min-voxels", "1"])
    assert t["subjects"][0]["n_lesions"] == "1"
    t = run(tmp_path, les, tis, m, ["--min-voxels", "1", "--connectivity", "18"])
    assert t["subjects"][0]["n_lesions"] == "2"
    t = run(tmp_path, les, tis, m, ["--connectivity", "6"])  # two 2-voxel pieces are dropped
    assert t["subjects"][0]["n_lesions"] == "0"


def test_tissue_class_ties_and_bands(tmp_path):
    les = np.zeros((N, N, N))
    les[2:6, 4, 4] = 1
    tis = np.full((N, N, N), 3)
    tis[2:4, 4, 4] = 2   # 2 CGM, 2 WM -> tie -> WM
    tis[0, :, :] = 1
    t = run(tmp_path, les, tis, {"mtr:base": np.full((N, N, N), 40.0)})
    w = rows_of(t["lesions"], 1, "whole")[0]
    assert w["tissue_class"] == "wm"
    assert (w["frac_wm"], w["frac_cgm"], w["frac_dgm"]) == ("0.5", "0.5", "0")
    lesion_bands = [(r["tissue_class"], r["band"], r["n"]) for r in t["bands"] if r["region"] == "lesion"]
    # distances 2, 3, 4, 5 mm -> bands 2..5, one voxel each, class wm then all
    assert lesion_bands == [("wm", "2", "1"), ("wm", "3", "1"), ("wm", "4", "1"), ("wm", "5", "1"),
                            ("all", "2", "1"), ("all", "3", "1"), ("all", "4", "1"), ("all", "5", "1")]


def test_grid_mismatch_is_bad_data(tmp_path):
    les = save(tmp_path / "les.nii.gz", np.zeros((N, N, N)))
    aff = np.eye(4)
    aff[0, 3] = 0.01
    tis = save(tmp_path / "tis.nii.gz", np.zeros((N, N, N)), affine=aff)
    code = ref.main(["--lesions", les, "--tissue", tis, "--subject", "s", "-o", str(tmp_path / "o")])
    assert code == 65


def test_band_at_exact_multiple_of_width_is_the_upper_band(tmp_path):
    # 1.2 mm isotropic NIfTI-2 (the voxel size stored as the double 1.2, not a float32), CSF in
    # one corner, every other voxel one WM lesion, bands of 0.4 mm.  Each voxel's band must be
    # the largest k with k * 0.4 <= its exact distance, decided in integers (tenths of a mm,
    # squared: hundredths of mm^2), so 6 mm = 15 x 0.4 is band 15 whatever rounding it carries.
    n = 12
    affine = np.diag([1.2, 1.2, 1.2, 1.0])
    tis = np.full((n, n, n), 3)
    tis[0, 0, 0] = 1
    les = (tis == 3).astype(np.uint8)
    paths = {}
    for name, data in (("les", les), ("tis", tis), ("mtr", np.full((n, n, n), 40.0))):
        paths[name] = str(tmp_path / f"{name}.nii")
        nib.Nifti2Image(data.astype(np.float32), affine).to_filename(paths[name])
    out = tmp_path / "out"
    assert ref.main(["--lesions", paths["les"], "--tissue", paths["tis"], "--map", f"mtr:base={paths['mtr']}",
                     "--subject", "s1", "--band-width", "0.4", "--voxels", "-o", str(out)]) == 0
    rows = read(out / "voxels.tsv")
    assert len(rows) == n ** 3 - 1
    on_boundary, exact = 0, {}
    for r in rows:
        d2 = sum((12 * int(r[c])) ** 2 for c in "ijk")  # hundredths of mm^2
        k = math.isqrt(d2 // 16)  # floor(sqrt(d2) / 4): the exact band
        assert int(r["band"]) == k, r
        on_boundary += (4 * k) ** 2 == d2
        exact[k] = exact.get(k, 0) + 1
    assert on_boundary > 0
    counts = {int(r["band"]): int(r["n"]) for r in read(out / "bands.tsv") if r["tissue_class"] == "all"}
    assert counts == exact
