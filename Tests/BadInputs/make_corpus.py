#!/usr/bin/env python3
"""Write the bad-input corpus for `lesionmtr` and the cases file that says what each must give.

Usage:
    python make_corpus.py OUTDIR

Writes a small valid subject (16x14x10 voxels, 2 mm) and, derived from it, one input per bad
case into OUTDIR, plus OUTDIR/cases.json: a list of cases, each

    {"name": ..., "args": [lesionmtr arguments], "exit": sysexits code (README, Bad input and exit codes),
     "contains": [words the one stderr line must contain: the file and the reason],
     "comment": why this exit code, ...optional keys below}

Optional keys: "out" (an output path that must hold no table, sidecar, image or temporary file
after a failure), "cwd" (working folder), "ulimit_f" (file size limit in KiB, set with
`ulimit -f` by the runner: a full disk), "skip_if_root" (the reason the case means nothing as
root), "same_as" (a case whose .tsv outputs must be byte-identical), "column" ({file, column,
value}: a cell every row must have), "errors_tsv" (a word errors.tsv must contain), "lines"
(stderr lines expected; default 1 on failure; -1: not checked, for usage errors, where
argument-parser prints the usage after the error line). Nothing here is committed: the Swift test `BadInputCorpusTests` runs this script into a
temporary folder, then runs the built `lesionmtr` on every case. Deterministic (fixed seed).
"""

import gzip
import json
import os
import struct
import sys

import nibabel as nib
import numpy as np

SHAPE = (16, 14, 10)
SPACING = 2.0

# NIfTI-1 header byte offsets (little-endian files).
OFF_DIM = 40          # int16[8]
OFF_DATATYPE = 70     # int16
OFF_PIXDIM = 76       # float32[8]
OFF_VOX_OFFSET = 108  # float32
OFF_SROW_X = 280      # float32[4]
OFF_MAGIC = 344       # char[4]
# NIfTI-2
OFF2_DIM = 16         # int64[8]


def affine(shift=0.0):
    a = np.diag([SPACING, SPACING, SPACING, 1.0])
    a[:3, 3] = [-16.0 + shift, -14.0, -10.0]
    return a


class Corpus:
    def __init__(self, out):
        self.out = out
        self.cases = []
        self.rng = np.random.default_rng(90210)

    def p(self, name):
        return os.path.join(self.out, name)

    def save(self, data, name, dtype=None, aff=None, klass=nib.Nifti1Image):
        data = np.asarray(data)
        img = klass(data.astype(dtype) if dtype else data, affine() if aff is None else aff)
        img.set_qform(img.affine, code=1)
        img.set_sform(img.affine, code=2)
        nib.save(img, self.p(name))
        if name.endswith(".gz"):  # deterministic gzip: re-pack with mtime 0
            raw = gzip.decompress(open(self.p(name), "rb").read())
            open(self.p(name), "wb").write(gzip.compress(raw, mtime=0))
        return self.p(name)

    def patch(self, name, offset, payload):
        """Overwrite bytes of the (decompressed) file and write it back the same way."""
        path = self.p(name)
        raw = open(path, "rb").read()
        gz = name.endswith(".gz")
        data = bytearray(gzip.decompress(raw) if gz else raw)
        data[offset:offset + len(payload)] = payload
        open(path, "wb").write(gzip.compress(bytes(data), mtime=0) if gz else bytes(data))
        return path

    def case(self, name, args, exit, contains, comment, **extra):
        self.cases.append({"name": name, "args": args, "exit": exit, "contains": contains,
                           "comment": comment, **extra})

    # -- the valid subject -----------------------------------------------------

    def subject(self):
        t = np.zeros(SHAPE, np.int16)
        t[2:14, 2:12, 1:9] = 2          # cortical GM shell
        t[3:13, 3:11, 2:8] = 3          # WM
        t[6:10, 6:8, 3:7] = 1           # ventricle (CSF)
        t[11:12, 9:10, 4:6] = 4         # deep GM
        les = np.zeros(SHAPE, np.uint8)
        les[4:6, 4:6, 3:5] = 1          # lesion 1 (8 voxels)
        les[10:13, 8:10, 5:7] = 1       # lesion 2 (12 voxels)
        mtr = (40 - 8 * (t == 1) - 9 * les + self.rng.normal(0, 1.0, SHAPE)).astype(np.float32)
        mtr[t == 0] = 0
        mtr6 = (mtr + 0.5 * les + self.rng.normal(0, 1.0, SHAPE)).astype(np.float32)
        self.tissue_data, self.lesion_data, self.mtr_data = t, les, mtr
        self.tissue = self.save(t, "tissue.nii.gz")
        self.lesions = self.save(les, "lesions.nii.gz")
        self.mtr = self.save(mtr, "mtr_base.nii.gz")
        self.mtr6 = self.save(mtr6, "mtr_m6.nii.gz")

    def stats(self, out, lesions=None, tissue=None, maps=None, extra=()):
        maps = maps if maps is not None else [("mtr:base", self.mtr), ("mtr:m6", self.mtr6)]
        args = ["stats", "--lesions", lesions or self.lesions, "--tissue", tissue or self.tissue]
        for spec, path in maps:
            args += ["--map", f"{spec}={path}"]
        return args + ["--quiet", "--subject", "S01", "--threads", "1", "-o", self.p(out)] + list(extra)

    # -- files ----------------------------------------------------------------

    def nifti_format_cases(self):
        mtr = self.mtr_data
        # Truncated and corrupt gzip streams.
        raw = open(self.mtr, "rb").read()
        open(self.p("trunc.nii.gz"), "wb").write(raw[: len(raw) // 2])
        self.case("truncated_gz", self.stats("o_trunc_gz", maps=[("mtr:base", self.p("trunc.nii.gz"))]), 65,
                  ["trunc.nii.gz", "truncated"], "a .nii.gz cut in half: bad data", out=self.p("o_trunc_gz"))
        corrupt = bytearray(raw)
        for i in range(len(corrupt) // 3, len(corrupt) // 3 + 40):
            corrupt[i] ^= 0x5A
        open(self.p("corrupt.nii.gz"), "wb").write(bytes(corrupt))
        self.case("corrupt_gz", self.stats("o_corrupt", maps=[("mtr:base", self.p("corrupt.nii.gz"))]), 65,
                  ["corrupt.nii.gz", "corrupt"], "40 flipped bytes inside the deflate stream", out=self.p("o_corrupt"))
        crc = bytearray(raw)
        crc[-8] ^= 0xFF
        open(self.p("bad_crc.nii.gz"), "wb").write(bytes(crc))
        self.case("gz_bad_crc", ["info", self.p("bad_crc.nii.gz")], 65, ["bad_crc.nii.gz", "corrupt"],
                  "gzip CRC does not match the data")
        cut_header = raw[:30]
        open(self.p("cut_header.nii.gz"), "wb").write(cut_header)
        self.case("gz_cut_in_header", ["info", self.p("cut_header.nii.gz")], 65, ["cut_header.nii.gz", "gzip"],
                  "gzip stream ends before the header is complete")
        # An uncompressed file named .nii.gz is read (zlib, FSL and nibabel read it transparently).
        plain = gzip.decompress(raw)
        open(self.p("plain_named_gz.nii.gz"), "wb").write(plain)
        self.case("plain_named_gz", ["info", self.p("plain_named_gz.nii.gz")], 0, [],
                  "not a failure: an uncompressed image named .nii.gz is read by its magic bytes, as zlib does")
        # Not NIfTI at all.
        self.save(mtr, "bad_magic.nii")
        self.patch("bad_magic.nii", OFF_MAGIC, b"xyz\0")
        self.case("wrong_magic", ["info", self.p("bad_magic.nii")], 65, ["bad_magic.nii", "not a NIfTI"], "bad magic")
        open(self.p("garbage.nii.gz"), "wb").write(gzip.compress(self.rng.integers(0, 256, 600, np.uint8).tobytes(), mtime=0))
        self.case("garbage_gz", ["info", self.p("garbage.nii.gz")], 65, ["garbage.nii.gz", "not a NIfTI"],
                  "valid gzip of random bytes")
        open(self.p("empty.nii"), "wb").close()
        self.case("empty_file", ["info", self.p("empty.nii")], 65, ["empty.nii", "empty"], "zero-byte file")
        # Header only / data past the end.
        self.save(mtr, "header_only.nii")
        with open(self.p("header_only.nii"), "r+b") as f:
            f.truncate(352)
        self.case("header_only", ["info", self.p("header_only.nii")], 65, ["header_only.nii", "needs"],
                  "header without voxel data")
        self.save(mtr, "truncated.nii")
        with open(self.p("truncated.nii"), "r+b") as f:
            f.truncate(352 + mtr.size * 4 - 100)
        self.case("truncated_nii", ["info", self.p("truncated.nii")], 65, ["truncated.nii", "needs"],
                  "last 100 bytes of voxel data missing")
        self.save(mtr, "vox_offset_far.nii")
        self.patch("vox_offset_far.nii", OFF_VOX_OFFSET, struct.pack("<f", 1.0e6))
        self.case("vox_offset_past_end", ["info", self.p("vox_offset_far.nii")], 65,
                  ["vox_offset_far.nii", "needs"], "vox_offset 1e6 in a 36 kB file")
        self.save(mtr, "vox_offset_far.nii.gz")
        self.patch("vox_offset_far.nii.gz", OFF_VOX_OFFSET, struct.pack("<f", 3.0e9))
        self.case("vox_offset_past_end_gz", ["info", self.p("vox_offset_far.nii.gz")], 65,
                  ["vox_offset_far.nii.gz"], "vox_offset 3e9 in a small .nii.gz: refused before inflating")
        self.save(mtr, "vox_offset_negative.nii")
        self.patch("vox_offset_negative.nii", OFF_VOX_OFFSET, struct.pack("<f", -4096.0))
        self.case("vox_offset_negative", ["info", self.p("vox_offset_negative.nii")], 65,
                  ["vox_offset_negative.nii"], "negative vox_offset")
        # Dimensions.
        for name, dims, word in [("dim_zero", {2: 0}, "dim[2] = 0"), ("dim_negative", {1: -5}, "dim[1] = -5"),
                                 ("dim0_nine", {0: 9}, "dim[0] = 9"),
                                 ("dims_2pow40", {1: 16384, 2: 8192, 3: 8192}, "2^31")]:
            self.save(mtr, f"{name}.nii")
            for i, v in dims.items():
                self.patch(f"{name}.nii", OFF_DIM + 2 * i, struct.pack("<h", v))
            self.case(name, ["info", self.p(f"{name}.nii")], 65, [f"{name}.nii", word],
                      f"header dims {dims}: impossible" + (" (2^40 voxels: refused, not allocated)" if "40" in name else ""))
        self.save(mtr, "dims_1e9_gz.nii.gz")
        for i, v in {1: 1000, 2: 1000, 3: 1000}.items():
            self.patch("dims_1e9_gz.nii.gz", OFF_DIM + 2 * i, struct.pack("<h", v))
        self.case("dims_1e9_small_gz", ["info", self.p("dims_1e9_gz.nii.gz")], 65, ["dims_1e9_gz.nii.gz", "cannot hold"],
                  "10^9 voxels claimed by a 10 kB .nii.gz: refused before allocating 4 GB")
        img = nib.Nifti2Image(mtr, affine())
        nib.save(img, self.p("nifti2_huge.nii"))
        for i in (1, 2, 3):
            self.patch("nifti2_huge.nii", OFF2_DIM + 8 * i, struct.pack("<q", 1 << 40))
        self.case("nifti2_dims_overflow", ["info", self.p("nifti2_huge.nii")], 65, ["nifti2_huge.nii"],
                  "NIfTI-2 dims 2^40 each: the voxel count overflows 64 bits")
        self.save(np.stack([mtr] * 40, axis=-1), "four_d.nii.gz")
        self.case("four_d_40_volumes", self.stats("o_4d", maps=[("mtr:base", self.p("four_d.nii.gz"))]), 65,
                  ["four_d.nii.gz", "40 volumes"], "4-D map with 40 volumes", out=self.p("o_4d"))
        # Datatypes.
        self.save((mtr + 1j * mtr).astype(np.complex64), "complex.nii.gz")
        self.case("complex64", ["info", self.p("complex.nii.gz")], 65, ["complex.nii.gz", "complex64"], "complex datatype")
        rgb = np.zeros(SHAPE, dtype=[("R", "u1"), ("G", "u1"), ("B", "u1")])
        self.save(rgb, "rgb.nii")
        self.case("rgb24", self.stats("o_rgb", tissue=self.p("rgb.nii")), 65, ["rgb.nii", "RGB24"],
                  "RGB tissue image", out=self.p("o_rgb"))
        self.save(mtr, "dtype_999.nii")
        self.patch("dtype_999.nii", OFF_DATATYPE, struct.pack("<h", 999))
        self.case("unknown_datatype", ["info", self.p("dtype_999.nii")], 65, ["dtype_999.nii", "datatype"],
                  "datatype code 999")
        self.save(mtr, "dtype_binary.nii")
        self.patch("dtype_binary.nii", OFF_DATATYPE, struct.pack("<h", 1))
        self.case("binary_datatype", ["info", self.p("dtype_binary.nii")], 65, ["dtype_binary.nii", "binary"],
                  "1-bit datatype (nifticlib refuses it; named, with no library message on stderr)")
        nib.save(nib.Nifti2Image(mtr, affine()), self.p("nifti2_short.nii"))
        with open(self.p("nifti2_short.nii"), "r+b") as f:
            f.truncate(400)
        self.case("nifti2_short_header", ["info", self.p("nifti2_short.nii")], 65, ["nifti2_short.nii", "not a NIfTI"],
                  "a NIfTI-2 header cut at 400 of 540 bytes (one line: no library message)")
        # Geometry.
        for name, index, value, word in [("pixdim_nan", 2, float("nan"), "pixdim[2]"),
                                         ("pixdim_inf", 1, float("inf"), "pixdim[1]"),
                                         ("pixdim_zero", 3, 0.0, "pixdim[3]")]:
            self.save(mtr, f"{name}.nii.gz")
            self.patch(f"{name}.nii.gz", OFF_PIXDIM + 4 * index, struct.pack("<f", value))
            self.case(name, self.stats(f"o_{name}", maps=[("mtr:base", self.p(f"{name}.nii.gz"))]), 65,
                      [f"{name}.nii.gz", word], f"voxel size {value}", out=self.p(f"o_{name}"))
        self.save(mtr, "singular.nii.gz")
        self.patch("singular.nii.gz", OFF_SROW_X, struct.pack("<4f", 0, 0, 0, -16))
        self.case("singular_affine", ["info", self.p("singular.nii.gz")], 65, ["singular.nii.gz", "singular"],
                  "sform with a zero row")
        self.save(mtr, "sform_nan.nii.gz")
        self.patch("sform_nan.nii.gz", OFF_SROW_X, struct.pack("<4f", float("nan"), 0, 0, -16))
        self.case("sform_nan", ["info", self.p("sform_nan.nii.gz")], 65, ["sform_nan.nii.gz", "not finite"],
                  "NaN in the sform")
        # Grids that differ.
        big = np.zeros((SHAPE[0] + 1,) + SHAPE[1:], np.float32)
        big[:-1] = mtr
        self.save(big, "grid_plus_one.nii.gz")
        self.case("grid_one_voxel", self.stats("o_grid1", maps=[("mtr:base", self.p("grid_plus_one.nii.gz"))]), 65,
                  ["grid_plus_one.nii.gz", "lesions.nii.gz", "16×14×10 vs 17×14×10"], "one voxel more along i",
                  out=self.p("o_grid1"))
        self.save(mtr, "grid_shift.nii.gz", aff=affine(0.01))
        self.case("grid_0p01mm", self.stats("o_grid2", maps=[("mtr:base", self.p("grid_shift.nii.gz"))]), 65,
                  ["grid_shift.nii.gz", "lesions.nii.gz", "affines differ by 0.01 mm"], "origin moved by 0.01 mm",
                  out=self.p("o_grid2"))
        # A .hdr without its .img.
        nib.save(nib.Nifti1Pair(mtr, affine()), self.p("pair.hdr"))
        os.remove(self.p("pair.img"))
        self.case("hdr_without_img", ["info", self.p("pair.hdr")], 66, ["pair.img", "no such file"], "missing input")

    def file_system_cases(self):
        self.case("missing_file", self.stats("o_missing", tissue=self.p("nowhere.nii.gz")), 66,
                  ["nowhere.nii.gz", "no such file"], "missing input", out=self.p("o_missing"))
        os.makedirs(self.p("a_folder.nii.gz"), exist_ok=True)
        self.case("folder_as_input", self.stats("o_folder", lesions=self.p("a_folder.nii.gz")), 66,
                  ["a_folder.nii.gz", "folder"], "a folder where a file is expected: unreadable input",
                  out=self.p("o_folder"))
        os.mkfifo(self.p("fifo.nii"))
        self.case("fifo_as_input", ["info", self.p("fifo.nii")], 66, ["fifo.nii", "not a regular file"],
                  "a named pipe must be refused at once, not block the reader (no hang)")
        self.case("device_as_input", ["info", "/dev/zero"], 66, ["/dev/zero", "not a regular file"],
                  "a device must be refused, not read forever")
        self.save(self.mtr_data, "unreadable.nii.gz")
        os.chmod(self.p("unreadable.nii.gz"), 0)
        self.case("unreadable_file", self.stats("o_unreadable", maps=[("mtr:base", self.p("unreadable.nii.gz"))]), 66,
                  ["unreadable.nii.gz", "Permission denied"], "chmod 000: unreadable input",
                  out=self.p("o_unreadable"),
                  skip_if_root="root reads a chmod 000 file; folder_as_input and fifo_as_input cover unreadable inputs")
        # Outputs that cannot be created.
        open(self.p("a_file"), "w").write("not a folder\n")
        self.case("output_under_a_file", self.stats("a_file/out"), 73, ["a_file", "a file of that name exists"],
                  "the output folder's parent is a regular file: cannot create output", out=self.p("a_file/out"))
        self.case("output_is_a_file", self.stats("a_file"), 73, ["a_file"],
                  "the output folder is an existing regular file")
        os.makedirs(self.p("read_only"), exist_ok=True)
        os.chmod(self.p("read_only"), 0o555)
        self.case("output_read_only", self.stats("read_only/out"), 73, ["read_only/out"],
                  "read-only parent folder", skip_if_root="root writes into a 0555 folder; output_under_a_file covers it")
        self.case("mtr_output_under_a_file", ["mtr", "--mt-on", self.mtr, "--mt-off", self.mtr6, "-o",
                                              self.p("a_file/mtr.nii")], 73, ["a_file/mtr.nii", "cannot create"],
                  "mtr into a path under a regular file")
        # Full disk: a file size limit (ulimit -f, in KiB); SIGXFSZ is ignored, write fails with EFBIG.
        self.case("disk_full_stats", self.stats("o_full"), 74, ["o_full/", "File too large"],
                  "tables larger than the 1 KiB file size limit: I/O error, and no table left behind",
                  out=self.p("o_full"), ulimit_f=1)
        os.makedirs(self.p("o_full_mtr"), exist_ok=True)
        self.case("disk_full_mtr", ["mtr", "--mt-on", self.mtr, "--mt-off", self.mtr6, "-o",
                                    self.p("o_full_mtr/mtr.nii")], 74, ["o_full_mtr/mtr.nii", "File too large"],
                  "a 36 kB image under a 4 KiB limit: I/O error, no partial file", out=self.p("o_full_mtr"), ulimit_f=4)

    def semantic_cases(self):
        t, les, mtr = self.tissue_data, self.lesion_data, self.mtr_data
        ids = les.astype(np.int16)
        ids[10:13, 8:10, 5:7] *= 2
        self.save(ids, "lesion_ids.nii.gz")
        self.case("nonbinary_mask", self.stats("o_nonbinary", lesions=self.p("lesion_ids.nii.gz")), 0,
                  ["warning", "lesion_ids.nii.gz", "(1, 2", "--labelled"],
                  "values 0/1/2 without --labelled: read as binary (docs/definitions.md, Lesions: any value > 0 is lesion, then "
                  "labelled by connectivity), with one warning line naming the file and --labelled",
                  column={"file": "subjects.tsv", "column": "n_lesions", "value": "2"})
        self.case("nonbinary_mask_labelled", self.stats("o_labelled", lesions=self.p("lesion_ids.nii.gz"),
                                                        extra=["--labelled"]), 0, [],
                  "the same file with --labelled: two lesions", column={"file": "subjects.tsv", "column": "n_lesions", "value": "2"})
        soft = les.astype(np.float32) * np.float32(0.6)
        self.save(soft, "soft_mask.nii.gz")
        self.case("soft_mask", self.stats("o_soft", lesions=self.p("soft_mask.nii.gz")), 0, [],
                  "a soft mask (0/0.6) is binary by docs/definitions.md (Lesions): any value > 0 is lesion",
                  column={"file": "subjects.tsv", "column": "n_lesions", "value": "2"})
        self.save(np.zeros(SHAPE, np.uint8), "empty_mask.nii.gz")
        self.case("empty_lesion_mask", self.stats("o_empty_mask", lesions=self.p("empty_mask.nii.gz")), 0, [],
                  "no lesion is a valid result (a subject without lesions): n_lesions 0, empty lesions.tsv",
                  column={"file": "subjects.tsv", "column": "n_lesions", "value": "0"})
        self.save(np.zeros(SHAPE, np.int16), "empty_tissue.nii.gz")
        self.case("empty_tissue", self.stats("o_empty_tissue", tissue=self.p("empty_tissue.nii.gz")), 65,
                  ["empty_tissue.nii.gz", "no brain voxel"], "a segmentation without brain is broken",
                  out=self.p("o_empty_tissue"))
        nan = np.full(SHAPE, np.nan, np.float32)
        self.save(nan, "all_nan.nii.gz")
        self.case("map_all_nan", self.stats("o_nan", maps=[("mtr:base", self.mtr), ("mtr:m6", self.p("all_nan.nii.gz"))]), 65,
                  ["all_nan.nii.gz", "no finite value"], "a map without any finite voxel in the brain is a broken file",
                  out=self.p("o_nan"))
        inf_outside = np.where(t > 0, np.nan, 40).astype(np.float32)
        self.save(inf_outside, "nan_in_brain.nii.gz")
        self.case("map_nan_in_brain", self.stats("o_nan2", maps=[("mtr:base", self.p("nan_in_brain.nii.gz"))]), 65,
                  ["nan_in_brain.nii.gz", "inside the brain"], "finite only outside the brain: still no usable voxel",
                  out=self.p("o_nan2"))
        partly = mtr.copy()
        partly[4:6, 4:6, 3:5] = np.nan
        self.save(partly, "partly_nan.nii.gz")
        self.case("map_lesion_nan", self.stats("o_partly", maps=[("mtr:base", self.p("partly_nan.nii.gz"))]), 0, [],
                  "NaN voxels are invalid voxels, counted and excluded (docs/definitions.md, Inputs): not an error")
        unknown = t.copy()
        unknown[2:4, 2:4, 1:3] = 7
        self.save(unknown, "tissue_label7.nii.gz")
        self.case("tissue_unknown_label", self.stats("o_label7", tissue=self.p("tissue_label7.nii.gz")), 0, [],
                  "a positive label that is none of csf/cgm/wm/dgm is other brain tissue (docs/definitions.md, Tissue class)")
        neg = t.copy()
        neg[2, 2, 1] = -3
        self.save(neg, "tissue_negative.nii.gz")
        self.case("tissue_negative_label", self.stats("o_neg", tissue=self.p("tissue_negative.nii.gz")), 65,
                  ["tissue_negative.nii.gz", "tissue label -3 at voxel (2, 2, 1)"], "negative labels are not a segmentation",
                  out=self.p("o_neg"))
        prob = (t == 3).astype(np.float32) * np.float32(0.37)
        self.save(prob, "tissue_probability.nii.gz")
        self.case("tissue_probability_map", self.stats("o_prob", tissue=self.p("tissue_probability.nii.gz")), 65,
                  ["tissue_probability.nii.gz", "not an integer"],
                  "a probability map given as the segmentation (0.37 is no label): refused, not rounded to 0",
                  out=self.p("o_prob"))
        self.case("tissue_remapped", self.stats("o_remap", tissue=self.p("tissue_label7.nii.gz"),
                                                extra=["--tissue-labels", "csf=1,cgm=7,wm=3,dgm=4"]), 0, [],
                  "--tissue-labels maps label 7 to cortical GM")

    def manifest_cases(self):
        header = ["subject", "lesions", "tissue", "mtr_base", "mtr_m6", "arm"]

        def manifest(name, rows, head=header, eol="\n", folder=None):
            folder = folder or self.out
            os.makedirs(folder, exist_ok=True)
            path = os.path.join(folder, name)
            text = eol.join("\t".join(r) for r in [head] + rows) + eol
            open(path, "wb").write(text.encode("utf-8"))
            return path

        good = lambda s, arm="placebo": [s, self.lesions, self.tissue, self.mtr, self.mtr6, arm]
        lf = manifest("manifest_lf.tsv", [good("sA"), good("sB", "treated")])
        batch = lambda m, out, *extra: ["batch", m, "-o", self.p(out), "--jobs", "1", "--quiet", *extra]
        self.case("batch_clean", batch(lf, "b_clean"), 0, [], "control: two good subjects")
        crlf = manifest("manifest_crlf.tsv", [good("sA"), good("sB", "treated")], eol="\r\n")
        self.case("manifest_crlf", batch(crlf, "b_crlf"), 0, [], "CRLF line ends are accepted: same tables as LF",
                  same_as="batch_clean")
        rel_dir = self.p("relative")
        os.makedirs(os.path.join(rel_dir, "data"), exist_ok=True)
        for f in ("lesions.nii.gz", "tissue.nii.gz", "mtr_base.nii.gz", "mtr_m6.nii.gz"):
            os.link(self.p(f), os.path.join(rel_dir, "data", f))
        rel = lambda s, arm="placebo": [s, "data/lesions.nii.gz", "data/tissue.nii.gz", "data/mtr_base.nii.gz",
                                        "data/mtr_m6.nii.gz", arm]
        relm = manifest("manifest.tsv", [rel("sA"), rel("sB", "treated")], folder=rel_dir)
        self.case("manifest_relative_paths", batch(relm, "b_rel"), 0, [],
                  "relative paths resolve against the manifest's folder, not the working folder (run from /)",
                  cwd="/", same_as="batch_clean")
        miss = manifest("manifest_no_tissue.tsv", [[r for i, r in enumerate(good("sA")) if i != 2]],
                        head=[h for h in header if h != "tissue"])
        self.case("manifest_missing_column", batch(miss, "b_nocol"), 65, ["manifest_no_tissue.tsv", "'tissue'"],
                  "a required column is missing: the whole manifest is bad data", out=self.p("b_nocol"))
        nomap = manifest("manifest_no_map.tsv", [good("sA")[:3] + ["placebo"]], head=header[:3] + ["arm"])
        self.case("manifest_no_map_column", batch(nomap, "b_nomap"), 65, ["manifest_no_map.tsv", "no map column"],
                  "no map column", out=self.p("b_nomap"))
        dup = manifest("manifest_dup.tsv", [good("sA"), good("sB"), good("sA", "treated")])
        self.case("manifest_duplicate_subject", batch(dup, "b_dup"), 1, ["sA", "manifest_dup.tsv", "appears twice"],
                  "the second row of a subject fails alone (errors.tsv); the first and sB complete",
                  errors_tsv="appears twice")
        bad = manifest("manifest_bad_utf8.tsv", [good("sA"), good("sB")])
        data = open(bad, "rb").read().replace(b"\tplacebo\n", b"\tplac\xe9bo\n", 2)
        open(bad, "wb").write(data)
        self.case("manifest_bad_utf8", batch(bad, "b_utf8"), 65, ["manifest_bad_utf8.tsv", "line 2", "UTF-8"],
                  "Latin-1 byte in a UTF-8 manifest: refused with the line number", out=self.p("b_utf8"))
        open(self.p("manifest_empty.tsv"), "w").close()
        self.case("manifest_empty", batch(self.p("manifest_empty.tsv"), "b_empty"), 65, ["manifest_empty.tsv", "empty"],
                  "empty manifest", out=self.p("b_empty"))
        self.case("manifest_missing", batch(self.p("no_manifest.tsv"), "b_nomanifest"), 66,
                  ["no_manifest.tsv", "no such file"], "missing manifest", out=self.p("b_nomanifest"))
        short = manifest("manifest_short_row.tsv", [good("sA"), good("sB")[:4]])
        self.case("manifest_short_row", batch(short, "b_short"), 1, ["sB", "has 4 cells"],
                  "a row with too few cells fails alone", errors_tsv="has 4 cells")
        badrow = manifest("manifest_bad_subject.tsv", [good("sA"), [self.p("trunc.nii.gz") if i == 3 else c
                                                                     for i, c in enumerate(good("sB"))]])
        self.case("batch_truncated_map", batch(badrow, "b_badrow"), 1, ["sB", "trunc.nii.gz"],
                  "one subject's truncated map fails that subject only", errors_tsv="trunc.nii.gz")
        self.case("batch_output_under_a_file", batch(lf, "a_file/batch"), 73, ["a_file", "a file of that name exists"],
                  "batch output folder cannot be created")

    def usage_cases(self):
        self.case("usage_missing_option", ["stats", "--lesions", self.lesions, "--subject", "S01", "-o", self.p("o_usage")],
                  64, ["--tissue"], "a required option is missing (argument-parser prints the usage after the error line)",
                  lines=-1, out=self.p("o_usage"))
        self.case("usage_bad_map_spec", self.stats("o_usage2", maps=[("mtr", self.mtr)]), 64, ["--map", "name:session=file"],
                  "a malformed --map", lines=-1, out=self.p("o_usage2"))
        self.case("usage_hostile_subject", self.stats("o_usage3")[:-4] + ["--subject", "../x", "-o", self.p("o_usage3")],
                  64, ["--subject", "../x"], "a subject id that could escape the output folder", lines=-1,
                  out=self.p("o_usage3"))
        self.case("label_bad_input", ["label", self.p("bad_magic.nii"), "-o", self.p("o_label/ids.nii.gz")], 65,
                  ["bad_magic.nii", "not a NIfTI"], "label on a bad file", out=self.p("o_label"))


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = os.path.abspath(argv[0])
    os.makedirs(out, exist_ok=True)
    c = Corpus(out)
    c.subject()
    c.nifti_format_cases()
    c.file_system_cases()
    c.semantic_cases()
    c.manifest_cases()
    c.usage_cases()
    names = [k["name"] for k in c.cases]
    assert len(names) == len(set(names)), "duplicate case names"
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump({"cases": c.cases}, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {len(c.cases)} cases to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
