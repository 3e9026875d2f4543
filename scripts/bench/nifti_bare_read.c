/*
 * Benchmark peer (a) of `lesionmtr stats`: "the bare nifti_image_read of the same
 * inputs (zlib, one thread)".  Reads every file named on the command line with nifticlib's
 * nifti_image_read(path, 1) (header + data; .nii.gz inflated by zlib through znzlib, as
 * nifticlib does), one after another in this one thread, frees each image, and prints the
 * wall time of the whole loop in milliseconds (CLOCK_MONOTONIC) on stdout.
 *
 * Build (scripts/bench/stats-vs-peers does this):
 *   cc -O2 nifti_bare_read.c -I/usr/include/nifti -lnifti2 -lznz -lz -lm -o nifti_bare_read
 * Exit status 1 if a file cannot be read.
 */
#include <stdio.h>
#include <time.h>

#include <nifti2_io.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.nii[.gz] ...\n", argv[0]);
        return 64;
    }
    double t0 = now_ms();
    size_t bytes = 0;
    for (int i = 1; i < argc; i++) {
        nifti_image *im = nifti_image_read(argv[i], 1);
        if (im == NULL || im->data == NULL) {
            fprintf(stderr, "error: %s: nifti_image_read failed\n", argv[i]);
            return 1;
        }
        bytes += (size_t)im->nvox * (size_t)im->nbyper;
        nifti_image_free(im);
    }
    double t1 = now_ms();
    printf("%.3f\n", t1 - t0);
    fprintf(stderr, "read %d files, %zu bytes of voxel data\n", argc - 1, bytes);
    return 0;
}
