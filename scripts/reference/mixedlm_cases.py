#!/usr/bin/env python3
"""Cases for `lesionmtr model` / TrialStats, fitted by statsmodels (the reference).

Writes FOLDER/<case>.tsv (the data) and FOLDER/cases.json: per case the formula, grouping,
method, filters, and statsmodels' results: coefficients (params, bse, pvalues, 95% conf_int),
variance components (group variance, nested variance via vc_formula, scale), llf, nobs.

Data: random data sets (seeded numpy) with numeric and text columns, unbalanced groups,
nested units within groups, missing cells, factors coded against a chosen level
(C(x, Treatment('level')), patsy's spelling); and, with --tables DIR (a `lesionmtr batch` output
of a simulated trial), the lesion, component and primary analyses of that trial.

Written from statsmodels' documentation, not from the Swift code:
- mixed models: smf.mixedlm(formula, data, groups=..., vc_formula={nested: "0 + C(nested)"})
  .fit(reml=...), optimiser tolerance tightened (gtol 1e-10) so that the reference is converged;
- no grouping: smf.ols(formula, data).fit() (t tests, n - p df).
Rows with a missing value in any used column are dropped before fitting (pandas dropna).
"""
import argparse
import json
import os
import re
import warnings

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

warnings.filterwarnings("ignore")


def used_columns(formula, extra):
    lhs, rhs = formula.split("~")
    rhs = re.sub(r"Treatment\([^)]*\)", "", rhs)  # a contrast's reference level is not a column
    names = re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", rhs)
    names = [n for n in names if n not in ("C", "Treatment")]
    return [lhs.strip()] + sorted(set(names)) + [e for e in extra if e]


def fit_case(name, frame, formula, group=None, nested=None, reml=True, filters=()):
    data = frame
    for col, val in filters:
        data = data[data[col].astype(str) == val]
    cols = used_columns(formula, [group, nested])
    data = data.dropna(subset=cols).copy()
    out = {"name": name, "formula": formula, "group": group, "nested": nested,
           "method": "reml" if reml else "ml", "filters": [f"{c}={v}" for c, v in filters],
           "nobs": int(len(data)), "dropped": int(len(frame) - len(data)) if not filters else None}
    if group is None:
        res = smf.ols(formula, data).fit()
        ci = res.conf_int(0.05)
        out.update(kind="ols", scale=float(res.scale), llf=float(res.llf), df_resid=float(res.df_resid))
        params, bse, pvalues = res.params, res.bse, res.pvalues
    else:
        kwargs = {"groups": group, "re_formula": "1"}
        if nested:
            kwargs["vc_formula"] = {nested: f"0 + C({nested})"}
        model = smf.mixedlm(formula, data, **kwargs)
        # statsmodels' default BFGS can stall near a variance of 0; also try Nelder-Mead then BFGS,
        # and Powell, and keep the converged fit with the highest likelihood, then polish it.
        fits = []
        for methods in (["bfgs"], ["nm", "bfgs"], ["powell"]):
            try:
                r = model.fit(reml=reml, method=methods, gtol=1e-10, maxiter=5000)
            except Exception:  # noqa: BLE001 - a failed optimiser is simply not a candidate
                continue
            if r.converged:
                fits.append(r)
        if not fits:
            raise SystemExit(f"{name}: statsmodels did not converge")
        res = max(fits, key=lambda r: r.llf)
        try:
            polished = model.fit(reml=reml, start_params=res.params, method=["bfgs"], gtol=1e-11, maxiter=5000)
            if polished.llf >= res.llf - 1e-9:
                res = polished
        except Exception:  # noqa: BLE001
            pass
        ci = res.conf_int(0.05)
        k = len(res.fe_params)
        params, bse, pvalues = res.fe_params, res.bse_fe, res.pvalues[:k]
        ci = ci.iloc[:k]
        out.update(kind="mixedlm", scale=float(res.scale), llf=float(res.llf), converged=bool(res.converged),
                   group_var=float(np.asarray(res.cov_re)[0, 0]),
                   nested_var=float(res.vcomp[0]) if nested else None,
                   ngroups=int(data[group].nunique()))
    out["coefficients"] = [
        {"name": n, "estimate": float(params[n]), "se": float(bse[n]), "p": float(pvalues[n]),
         "ci_lower": float(ci.loc[n].iloc[0]), "ci_upper": float(ci.loc[n].iloc[1])}
        for n in params.index]
    return out


def random_frame(rng, groups, sizes, nested_per_group=None, missing=0):
    rows = []
    for g in range(groups):
        n = sizes[g]
        arm = "treated" if g % 2 else "placebo"
        u = rng.normal(0, 1.2)
        units = nested_per_group[g] if nested_per_group else 1
        unit_eff = rng.normal(0, 0.8, units)
        for i in range(n):
            unit = i % units
            x = rng.normal(30, 4)
            z = rng.uniform(0, 10)
            cls = rng.choice(["wm", "cgm", "dgm"], p=[0.5, 0.3, 0.2])
            site = int(rng.integers(1, 4))
            y = (1.0 + 0.8 * (arm == "treated") + 0.05 * x - 0.1 * z + {"wm": 0, "cgm": 0.5, "dgm": -0.3}[cls]
                 + 0.4 * (arm == "treated") * (cls == "cgm") + u + (unit_eff[unit] if nested_per_group else 0)
                 + rng.normal(0, 1.0))
            rows.append({"subject": f"s{g:02d}", "lesion": unit + 1, "arm": arm, "x": x, "z": z,
                         "tissue_class": cls, "site": site, "y": y})
    frame = pd.DataFrame(rows)
    if missing:
        idx = rng.choice(len(frame), missing, replace=False)
        frame.loc[idx[: missing // 2], "x"] = np.nan
        frame.loc[idx[missing // 2:], "y"] = np.nan
    return frame


def write(frame, path):
    frame.to_csv(path, sep="\t", index=False, na_rep="n/a", float_format="%.10g")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("folder")
    ap.add_argument("--tables", help="a lesionmtr batch output folder (simulated trial)")
    args = ap.parse_args()
    os.makedirs(args.folder, exist_ok=True)
    cases = []
    rng = np.random.default_rng(20240607)

    def add(name, frame, **spec):
        path = os.path.join(args.folder, name + ".tsv")
        write(frame, path)
        back = pd.read_csv(path, sep="\t", na_values=["n/a"])  # fit exactly what the file holds
        case = fit_case(name, back, **spec)
        case["table"] = path
        cases.append(case)

    if not args.tables:
        sizes = rng.integers(3, 25, 24)
        f1 = random_frame(rng, 24, sizes, missing=10)
        add("intercept_interaction", f1, formula="y ~ arm * x", group="subject")
        add("factor_by_numeric", f1, formula="y ~ C(site) + x + C(site):x + z", group="subject")
        add("nested_patsy_coding", f1, formula="y ~ arm + x + arm:tissue_class", group="subject")
        add("ml_method", f1, formula="y ~ arm * tissue_class + x", group="subject", reml=False)
        add("ols_no_groups", f1, formula="y ~ arm + x + z + C(site) + tissue_class")
        add("treatment_reference", f1, formula="y ~ C(arm, Treatment('treated')) * C(tissue_class, Treatment(reference='wm')) + x",
            group="subject")
        add("treatment_reference_number", f1, formula="y ~ arm + C(site, Treatment(2)) + x")
        sizes2 = rng.integers(6, 40, 16)
        units = [int(rng.integers(2, 7)) for _ in range(16)]
        f2 = random_frame(rng, 16, sizes2, nested_per_group=units, missing=6)
        add("lesion_within_subject", f2, formula="y ~ arm * tissue_class + x", group="subject", nested="lesion")
        add("lesion_within_subject_ml", f2, formula="y ~ arm + x + z", group="subject", nested="lesion", reml=False)
        sizes3 = rng.integers(1, 6, 40)
        f3 = random_frame(rng, 40, sizes3)
        add("small_groups", f3, formula="y ~ arm + x + z", group="subject")
    else:
        lesions = pd.read_csv(os.path.join(args.tables, "lesions.tsv"), sep="\t", na_values=["n/a"])
        subjects = pd.read_csv(os.path.join(args.tables, "subjects.tsv"), sep="\t", na_values=["n/a"])
        whole = lesions[lesions.component == "whole"]
        comp = lesions[lesions.component != "whole"]
        for name, frame, spec in [
            ("trial_lesion", whole, dict(formula="delta_mtr_m6_mean ~ arm * tissue_class + mtr_base_mean", group="subject")),
            ("trial_component", comp, dict(formula="delta_mtr_m6_mean ~ arm * component + mtr_base_mean",
                                           group="subject", nested="lesion")),
            ("trial_primary", subjects, dict(formula="delta_submedian_mtr_m6 ~ arm + submedian_mtr_base_mean + age + sex + edss + site")),
        ]:
            add(name, frame, **spec)
    with open(os.path.join(args.folder, "cases.json"), "w") as f:
        json.dump({"cases": cases}, f, indent=1)


if __name__ == "__main__":
    main()
