#!/usr/bin/python3
"""Derive the reference values of tests/unit/eval-stats.test.ts and eval-mos.test.ts.

Run:  /usr/bin/python3 scripts/eval-reference.py   (Debian python3-scipy)
Writes tests/golden/eval/reference.json. The data sets are generated here with a fixed numpy seed
and written into the JSON too, so the tests need no python at run time. Values come from
scipy.stats.spearmanr / kendalltau (tau-b) / pearsonr, scipy.stats.t.ppf and
scipy.optimize.curve_fit on the VQEG 4-parameter logistic; Krippendorff's alpha (interval) from
its coincidence-matrix definition (Krippendorff 2011), computed independently of the TypeScript.
"""
import json
import os
import sys

import numpy as np
import scipy
from scipy import optimize, stats

rng = np.random.default_rng(8)


def logistic4(x, b1, b2, b3, b4):
    return (b1 - b2) / (1 + np.exp(-(x - b3) / np.abs(b4))) + b2


def dataset(name, x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    srcc = stats.spearmanr(x, y)[0]
    krcc = stats.kendalltau(x, y)[0]  # variant='b' is the default
    plcc = stats.pearsonr(x, y)[0]
    p0 = [y.max(), y.min(), x.mean(), x.std() / 4]
    if srcc < 0:
        p0 = [y.min(), y.max(), x.mean(), x.std() / 4]
    popt, _ = optimize.curve_fit(logistic4, x, y, p0=p0, maxfev=100000)
    mapped = logistic4(x, *popt)
    # The optimum can lie at infinity (the data follow only one bend of the curve): then β1/β2 run
    # far outside the MOS range and the fit is ill-posed; the studio must say it did not converge.
    span = y.max() - y.min()
    well_posed = bool(max(abs(popt[0] - y.mean()), abs(popt[1] - y.mean())) < 10 * span)
    return {
        "name": name,
        "x": [float(v) for v in x],
        "y": [float(v) for v in y],
        "srcc": float(srcc),
        "krcc": float(krcc),
        "plcc": float(plcc),
        "plccLogistic": float(stats.pearsonr(mapped, y)[0]),
        "rmseLogistic": float(np.sqrt(np.mean((mapped - y) ** 2))),
        "logisticWellPosed": well_posed,
        "logisticParams": [float(v) for v in popt],
    }


sets = []
# 1. small hand-made set with ties on both sides and tied pairs
sets.append(dataset("ties-small", [0.1, 0.4, 0.4, 0.35, 0.8, 0.8, 0.8, 0.62, 0.2, 0.9],
                    [1.0, 2.5, 3.0, 2.5, 4.0, 4.5, 4.0, 3.5, 1.5, 4.5]))
# 2. 200 videos, scores rounded to 2 decimals (ties) vs ACR means rounded to 1 decimal, 1-5 scale
x = rng.uniform(0, 1, 200)
y = 1 + 4 / (1 + np.exp(-(x - 0.5) / 0.12)) + rng.normal(0, 0.35, 200)
sets.append(dataset("ugc-200-rounded", np.round(x, 2), np.round(np.clip(y, 1, 5), 1)))
# 3. negative relation (e.g. a distortion measure) on a 0-100 MOS scale, no ties
x = rng.uniform(0, 10, 120)
y = 100 - 80 / (1 + np.exp(-(x - 5) / 1.5)) + rng.normal(0, 6, 120)
sets.append(dataset("negative-0-100", x, y))
# 4. 1500 videos, heavy ties: integer MOS levels vs 3-decimal scores
x = rng.uniform(0, 1, 1500)
y = np.clip(np.round(1 + 4 * x + rng.normal(0, 0.8, 1500)), 1, 5)
sets.append(dataset("ties-1500-levels", np.round(x, 3), y))

t_ppf = [{"p": 0.975, "df": df, "t": float(stats.t.ppf(0.975, df))} for df in [1, 2, 3, 4, 5, 9, 14, 23, 29, 59, 120, 1000]]

# Krippendorff's reliability data example (Krippendorff 2011, p. 4; 4 observers x 12 units,
# None = missing). Published interval alpha: 0.849.
kripp = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def kripp_interval(data):
    units = []
    for j in range(len(data[0])):
        vals = [row[j] for row in data if row[j] is not None]
        if len(vals) >= 2:
            units.append(vals)
    values = sorted({v for u in units for v in u})
    o = {(c, k): 0.0 for c in values for k in values}
    for u in units:
        m = len(u)
        for a in range(m):
            for b in range(m):
                if a != b:
                    o[(u[a], u[b])] += 1.0 / (m - 1)
    n_c = {c: sum(o[(c, k)] for k in values) for c in values}
    n = sum(n_c.values())
    d_o = sum(o[(c, k)] * (c - k) ** 2 for c in values for k in values)
    d_e = sum(n_c[c] * n_c[k] * (c - k) ** 2 for c in values for k in values) / (n - 1)
    return 1 - d_o / d_e


out = {
    "generatedBy": "scripts/eval-reference.py",
    "scipy": scipy.__version__,
    "numpy": np.__version__,
    "python": sys.version.split()[0],
    "datasets": sets,
    "tPpf": t_ppf,
    "krippendorff": {"data": kripp, "alphaInterval": kripp_interval(kripp), "published": 0.849},
}
path = os.path.join(os.path.dirname(__file__), "..", "tests", "golden", "eval", "reference.json")
with open(path + ".tmp", "w") as f:
    json.dump(out, f, indent=1)
os.replace(path + ".tmp", path)
print("wrote", os.path.normpath(path))
for s in sets:
    print(s["name"], len(s["x"]), s["srcc"], s["krcc"], s["plcc"], s["plccLogistic"], s["rmseLogistic"])
print("kripp", out["krippendorff"]["alphaInterval"])
