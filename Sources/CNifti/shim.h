// The C side of lesionmtr: nifticlib's NIfTI-2 API (reads NIfTI-1 and NIfTI-2 into one struct)
// and libdeflate for whole-buffer gzip (NIfTI) and zlib streams + CRC-32 (Raster, for PNG);
// glibc's malloc.h for the allocator setting of large voxel arrays (mallopt). Only
// Sources/NIfTI/*.swift and Sources/Raster/Zlib.swift touch these declarations.
#ifndef LESIONMTR_CNIFTI_SHIM_H
#define LESIONMTR_CNIFTI_SHIM_H
#include <nifti/nifti2_io.h>
#include <libdeflate.h>
#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#endif
#endif
