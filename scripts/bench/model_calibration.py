#!/usr/bin/env python3
"""Calibration of `lesionmtr model` on simulated trials with known truth.

For seeds 1..N: `lesionmtr simulate --grid 2mm --subjects S --seed k`, `lesionmtr batch`, then
  lesionmtr model --preset lesion    OUT --by tissue_class   (whole lesions, one fit per class)
  lesionmtr model --preset component OUT --by component      (core, rim, perilesional rows)
Each fit is `delta_mtr_m6_mean ~ arm + mtr_base_mean` with a random intercept for subject (the
by-column's terms drop out; one row per lesion, so no lesion effect).

The estimand (what the arm coefficient estimates): the expected true MTR gain at m6 of a
treated-arm lesion of that class (or of that component, over lesions that have it: an empty core
has no row), each lesion counted once — the population mean of `true_gain.m6.<component>` in
truth.json (the mean of the voxel-wise rule over the component's voxels; `whole` for tissue
classes), estimated by pooling the treated lesions of all N trials. Placebo gains nothing, so the
treated − placebo difference in mean change is that mean gain. The model adjusts for baseline
MTR; with randomised arms the baseline means agree in expectation, so the adjusted difference
estimates the same quantity: the gain's dependence on baseline MTR and CSF distance makes the
treated lesions' gains vary, and the model counts that variation as lesion-level residual — its
interval is for the population mean over lesions, not for the mean of one trial's own lesions.
The coverage of that per-trial mean is printed too ("cov. trial%"): it is higher, because the
sampling of lesions within a trial is then no longer random.

Prints per class/component: coverage of the 95 % CI, mean estimate, truth, bias and its
Monte-Carlo SE (SD of the estimates / sqrt(N)), mean model SE and the SD of the estimates.
Exits 1 if coverage is outside [--min-coverage, --max-coverage] or |bias| > 2 Monte-Carlo SEs
(with --check-bias).
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"model-calibration: {' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
    return r.stdout


def truth_sums(truth):
    """Sum and count of the true gains per tissue class (whole lesions) and per component, treated arm."""
    sums = {}
    for s in truth["subjects"]:
        if s["arm"] != "treated":
            continue
        for l in s["lesions"]:
            gains = l["true_gain"]["m6"]
            keys = [("tissue_class", l["tissue_class"], gains["whole"])]
            keys += [("component", c, gains[c]) for c in ("core", "rim", "perilesional") if c in gains]
            for kind, level, g in keys:
                t = sums.setdefault((kind, level), [0.0, 0])
                t[0] += g
                t[1] += 1
    return sums


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("trials", nargs="?", type=int, default=100)
    ap.add_argument("--subjects", type=int, default=20)
    ap.add_argument("--lesionmtr", default=os.environ.get("LESIONMTR", ".build/release/lesionmtr"))
    ap.add_argument("--min-coverage", type=float, default=91.0)
    ap.add_argument("--max-coverage", type=float, default=99.0)
    ap.add_argument("--check-bias", action="store_true", help="also fail if |mean bias| > 2 Monte-Carlo SEs")
    ap.add_argument("--keep", help="keep the per-trial estimates as TSV here")
    args = ap.parse_args()
    exe = args.lesionmtr
    rows = []  # (seed, kind, level, estimate, se, lo, hi, trial truth)
    pooled = {}  # (kind, level) -> [sum, count] over all trials
    start = time.time()
    work = tempfile.mkdtemp(prefix="model-calibration-")
    try:
        for seed in range(1, args.trials + 1):
            trial, out = os.path.join(work, "trial"), os.path.join(work, "out")
            shutil.rmtree(trial, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            run([exe, "simulate", "--grid", "2mm", "--subjects", str(args.subjects), "--seed", str(seed), "--quiet", "-o", trial])
            run([exe, "batch", os.path.join(trial, "manifest.tsv"), "-o", out, "--quiet"])
            with open(os.path.join(trial, "truth.json")) as f:
                sums = truth_sums(json.load(f))
            truth = {k: v[0] / v[1] for k, v in sums.items()}
            for k, v in sums.items():
                t = pooled.setdefault(k, [0.0, 0])
                t[0] += v[0]
                t[1] += v[1]
            for preset, by in (("lesion", "tissue_class"), ("component", "component")):
                result = os.path.join(work, f"{preset}.json")
                run([exe, "model", "--preset", preset, out, "--by", by, "--quiet", "-o", result])
                with open(result) as f:
                    fits = json.load(f)["fits"]
                for s in fits:
                    level = s["split"]
                    if (by, level) not in truth:
                        continue
                    c = next(c for c in s["fit"]["coefficients"] if c["name"] == "arm[T.treated]")
                    rows.append((seed, by, level, c["estimate"], c["se"], c["ci_lower"], c["ci_upper"], truth[(by, level)]))
            if seed % 10 == 0 or seed == args.trials:
                print(f"  {seed}/{args.trials} trials, {time.time() - start:.0f} s", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.keep:
        with open(args.keep, "w") as f:
            f.write("seed\tkind\tlevel\testimate\tse\tci_lower\tci_upper\ttrial_truth\n")
            for r in rows:
                f.write("\t".join(str(x) for x in r) + "\n")

    ok = True
    print(f"model calibration: {args.trials} simulated trials (2 mm, {args.subjects} subjects, seeds 1..{args.trials}), "
          f"arm[T.treated] of delta_mtr_m6_mean ~ arm + mtr_base_mean, random intercept subject, REML, Wald 95% CI")
    print(f"{'kind':<13}{'level':<14}{'trials':>7}{'coverage%':>10}{'cov. trial%':>12}{'mean est':>10}{'truth':>9}{'bias':>9}"
          f"{'MC SE':>8}{'mean SE':>9}{'SD est':>8}  verdict")
    order = [("tissue_class", l) for l in ("wm", "cgm", "dgm", "other")] + [("component", c) for c in ("core", "rim", "perilesional")]
    for kind, level in order:
        sel = [r for r in rows if r[1] == kind and r[2] == level]
        if not sel:
            continue
        n = len(sel)
        truth = pooled[(kind, level)][0] / pooled[(kind, level)][1]
        cover = 100.0 * sum(1 for r in sel if r[5] <= truth <= r[6]) / n
        cover_trial = 100.0 * sum(1 for r in sel if r[5] <= r[7] <= r[6]) / n
        est = sum(r[3] for r in sel) / n
        bias = est - truth
        sd_est = math.sqrt(sum((r[3] - est) ** 2 for r in sel) / max(n - 1, 1))
        mc = sd_est / math.sqrt(n)
        mean_se = sum(r[4] for r in sel) / n
        good = args.min_coverage <= cover <= args.max_coverage
        if args.check_bias:
            good = good and abs(bias) <= 2 * mc
        ok = ok and good
        verdict = "ok" if good else "FAIL"
        print(f"{kind:<13}{level:<14}{n:>7}{cover:>10.1f}{cover_trial:>12.1f}{est:>10.4f}{truth:>9.4f}{bias:>9.4f}"
              f"{mc:>8.4f}{mean_se:>9.4f}{sd_est:>8.4f}  {verdict}")
    print(f"truth = mean true gain over the treated lesions of all {args.trials} trials; bias = mean estimate - truth; "
          f"MC SE = SD est / sqrt(trials): |bias| <= 2 MC SE means the mean estimate is within 2 standard errors of the "
          f"truth. {time.time() - start:.0f} s.")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
