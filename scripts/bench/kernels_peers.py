#!/usr/bin/env python3
"""Times the peer tools on the same workloads as Benchmarks/KernelTimer (kernel-timer).

Usage: python kernels_peers.py ANATOMY_DIR [REPEATS]
Prints `name<TAB>median_ms<TAB>min_ms` per workload, then `# version` lines. Single thread
everywhere unless the name says otherwise.

Workloads (the MNI 1 mm anatomy, probabilities stored as uint8 x 255):
  label26_wm50 / label26_gm50 / label6_gm50 / label18_gm50: cc3d.connected_components and
      scipy.ndimage.label (structuring element for the connectivity) on WM > 50 % / GM > 50 %;
  edt_aniso_1t / _2t: seung-lab edt.edt(wm50, anisotropy=(0.9, 1.1, 2.0), parallel=1|2),
      scipy.ndimage.distance_transform_edt and SimpleITK SignedMaurerDistanceMap (inside
      distances of WM voxels to non-WM voxels, squared=False, use spacing);
  cityblock3_1t: scipy.ndimage.distance_transform_cdt(taxicab);
  erode2_1t: scipy.ndimage.binary_erosion (6-connected, 2 iterations), SimpleITK
      BinaryErode (cross, radius 1, twice);
  stats_quantiles_1t: per-label n, mean, sd, min, max and p10/25/50/75/90 of the T1 over the
      26-connected components of GM > 50 %: scipy.ndimage mean/standard_deviation/minimum/
      maximum + labeled_comprehension(np.percentile) per quantile.
"""
import os
import sys
import time

import cc3d
import edt
import nibabel as nib
import numpy as np
import scipy
from scipy import ndimage

try:
    import SimpleITK as sitk
except ImportError:  # optional peer
    sitk = None

directory = sys.argv[1]
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 7


def load(name):
    return np.asanyarray(nib.load(os.path.join(directory, f"{name}.nii.gz")).dataobj)


# Fortran-ordered (i fastest), as the Swift kernels store volumes.
wm50 = np.asfortranarray(load("wm") > 127)
gm50 = np.asfortranarray(load("gm") > 127)
t1 = np.asfortranarray(load("t1").astype(np.float32))
spacing = (0.9, 1.1, 2.0)
gm_labels = np.asfortranarray(cc3d.connected_components(gm50.astype(np.uint8), connectivity=26).astype(np.int32))
n_labels = int(gm_labels.max())


def run(name, f):
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    print(f"{name}\t{samples[len(samples) // 2]:.3f}\t{samples[0]:.3f}", flush=True)


u8 = {"wm50": wm50.astype(np.uint8), "gm50": gm50.astype(np.uint8)}
for conn, mask in ((26, "wm50"), (26, "gm50"), (6, "gm50"), (18, "gm50")):
    run(f"cc3d:label{conn}_{mask}", lambda: cc3d.connected_components(u8[mask], connectivity=conn))
    structure = ndimage.generate_binary_structure(3, {6: 1, 18: 2, 26: 3}[conn])
    run(f"scipy:label{conn}_{mask}", lambda: ndimage.label(u8[mask], structure=structure))

run("edt:edt_aniso_1t", lambda: edt.edt(u8["wm50"], anisotropy=spacing, parallel=1))
run("edt:edt_aniso_2t", lambda: edt.edt(u8["wm50"], anisotropy=spacing, parallel=2))
run("scipy:edt_aniso_1t", lambda: ndimage.distance_transform_edt(wm50, sampling=spacing))
run("scipy:cityblock3_1t", lambda: np.minimum(ndimage.distance_transform_cdt(~wm50, metric="taxicab"), 4))
cross = ndimage.generate_binary_structure(3, 1)
run("scipy:erode2_1t", lambda: ndimage.binary_erosion(wm50, structure=cross, iterations=2, border_value=0))

if sitk is not None:
    sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(1)
    image = sitk.GetImageFromArray(np.ascontiguousarray(u8["wm50"].T))
    image.SetSpacing(spacing)

    def sitk_edt():
        sitk.SignedMaurerDistanceMap(image, insideIsPositive=True, squaredDistance=False, useImageSpacing=True)

    run("sitk:edt_aniso_1t", sitk_edt)

    def sitk_erode():
        f = sitk.BinaryErodeImageFilter()
        f.SetKernelType(sitk.sitkCross)
        f.SetKernelRadius(1)
        f.SetForegroundValue(1)
        f.SetBoundaryToForeground(False)
        f.Execute(f.Execute(image))

    run("sitk:erode2_1t", sitk_erode)

    def sitk_stats():
        f = sitk.LabelStatisticsImageFilter()
        f.Execute(sitk.GetImageFromArray(np.ascontiguousarray(t1.T)), sitk.GetImageFromArray(np.ascontiguousarray(gm_labels.T)))
    # (LabelStatistics in SimpleITK has no exact quantiles; listed for orientation only.)
    run("sitk:stats_noquantiles_1t", sitk_stats)


def scipy_stats():
    index = np.arange(1, n_labels + 1)
    finite = np.isfinite(t1)
    labels = np.where(finite, gm_labels, 0)
    ndimage.sum_labels(np.ones_like(t1), gm_labels, index)
    ndimage.sum_labels(finite.astype(np.float32), gm_labels, index)
    ndimage.mean(t1, labels, index)
    ndimage.standard_deviation(t1, labels, index)
    ndimage.minimum(t1, labels, index)
    ndimage.maximum(t1, labels, index)
    for p in (10, 25, 50, 75, 90):
        ndimage.labeled_comprehension(t1, labels, index, lambda v: np.percentile(v, p), np.float64, np.nan)


run("scipy:stats_quantiles_1t", scipy_stats)

from importlib.metadata import version as _version
print(f"# numpy {np.__version__}, scipy {scipy.__version__}, cc3d {_version('connected-components-3d')}, "
      f"edt {_version('edt')}, SimpleITK {sitk.Version.VersionString() if sitk else 'absent'}")
