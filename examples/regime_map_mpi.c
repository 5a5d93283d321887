/*
 * regime_map_mpi.c -- a regime map (Delta Gini over eta x xi, MODEL.md
 * section 6) split across MPI ranks, with the same bytes as the serial map.
 *
 *   mpirun -np R regime_map_mpi [--serial] [--nx NX] [--ny NY] [--workers N]
 *
 * Grid point p = j * NX + i (eta_i, xi_j) belongs to rank p mod R.  Each
 * rank solves its points on a private copy of the model with one thread
 * (aiineq_regime_map on a 1 x 1 grid: the library's own per-point
 * computation), rank 0 gathers them in grid order and prints one line per
 * point, "eta xi delta_gini", with 17 significant digits.  --serial makes
 * rank 0 compute the whole map with one aiineq_regime_map call instead; the
 * two outputs are identical byte for byte (`make check-mpi` compares them),
 * because every draw is counter-based and a point's solve does not depend on
 * which process computes it.
 *
 * Build: mpicc -Iinclude examples/regime_map_mpi.c -Lbuild/lib -laiineq
 * (make check-mpi does it).  docs/mpi.md explains batch schedulers.
 */
#include <aiineq.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(aiineq_model *m, const char *what) {
  fprintf(stderr, "regime_map_mpi: %s: %s\n", what, aiineq_model_errmsg(m));
  return 1;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1, serial = 0;
  long nx = 6, ny = 4, workers = 20000;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  for (int a = 1; a < argc; a++) {
    if (strcmp(argv[a], "--serial") == 0) serial = 1;
    else if (strcmp(argv[a], "--nx") == 0 && a + 1 < argc) nx = atol(argv[++a]);
    else if (strcmp(argv[a], "--ny") == 0 && a + 1 < argc) ny = atol(argv[++a]);
    else if (strcmp(argv[a], "--workers") == 0 && a + 1 < argc) workers = atol(argv[++a]);
    else {
      if (rank == 0) fprintf(stderr, "usage: %s [--serial] [--nx NX] [--ny NY] [--workers N]\n", argv[0]);
      MPI_Finalize();
      return 2;
    }
  }
  if (nx < 1 || ny < 1 || workers < 100) {
    if (rank == 0) fprintf(stderr, "regime_map_mpi: need nx, ny >= 1 and workers >= 100\n");
    MPI_Finalize();
    return 2;
  }
  size_t npts = (size_t)nx * (size_t)ny;
  double *eta = malloc((size_t)nx * sizeof *eta), *xi = malloc((size_t)ny * sizeof *xi);
  double *map = malloc(npts * sizeof *map), *mine = malloc(npts * sizeof *mine);
  if (!eta || !xi || !map || !mine) MPI_Abort(MPI_COMM_WORLD, 1);
  for (long i = 0; i < nx; i++) eta[i] = nx == 1 ? 0.5 : 0.1 + 0.9 * (double)i / (double)(nx - 1);
  for (long j = 0; j < ny; j++) xi[j] = ny == 1 ? 0.1 : 0.5 * (double)j / (double)(ny - 1);

  aiineq_model *m = NULL;
  int bad = aiineq_model_new(&m) != AIINEQ_OK;
  if (!bad) bad = aiineq_model_set_int(m, "n_workers", workers) ||
                  aiineq_model_set_int(m, "n_firms", workers / 100 > 0 ? workers / 100 : 1) ||
                  aiineq_model_set_threads(m, 1); /* one solve per process */
  if (bad) return fail(m, "model");

  if (serial) { /* the reference: one library call for the whole grid */
    if (rank == 0 && aiineq_regime_map(m, "eta", eta, (size_t)nx, "xi", xi, (size_t)ny, map,
                                       npts, NULL, NULL) != AIINEQ_OK)
      bad = fail(m, "serial map");
  } else {
    /* my points, packed in the order I meet them */
    size_t nmine = 0;
    for (size_t p = (size_t)rank; p < npts && !bad; p += (size_t)size) {
      size_t i = p % (size_t)nx, j = p / (size_t)nx;
      if (aiineq_regime_map(m, "eta", &eta[i], 1, "xi", &xi[j], 1, &mine[nmine++], 1, NULL,
                            NULL) != AIINEQ_OK)
        bad = fail(m, "map point");
    }
    int anybad = 0;
    MPI_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
    if (anybad) {
      MPI_Finalize();
      return 1;
    }
    int *counts = malloc((size_t)size * sizeof *counts), *displ = malloc((size_t)size * sizeof *displ);
    double *packed = malloc(npts * sizeof *packed);
    if (!counts || !displ || !packed) MPI_Abort(MPI_COMM_WORLD, 1);
    for (int r = 0, at = 0; r < size; r++) {
      counts[r] = (int)(npts > (size_t)r ? (npts - (size_t)r + (size_t)size - 1) / (size_t)size : 0);
      displ[r] = at;
      at += counts[r];
    }
    MPI_Gatherv(mine, (int)nmine, MPI_DOUBLE, packed, counts, displ, MPI_DOUBLE, 0,
                MPI_COMM_WORLD);
    if (rank == 0) /* unpack: rank r's k-th value is point r + k * size */
      for (int r = 0; r < size; r++)
        for (int k = 0; k < counts[r]; k++) map[(size_t)r + (size_t)k * (size_t)size] = packed[displ[r] + k];
    free(counts);
    free(displ);
    free(packed);
  }
  if (rank == 0 && !bad)
    for (size_t p = 0; p < npts; p++)
      printf("%.17g %.17g %.17g\n", eta[p % (size_t)nx], xi[p / (size_t)nx], map[p]);
  aiineq_model_free(m);
  free(eta);
  free(xi);
  free(map);
  free(mine);
  MPI_Finalize();
  return bad;
}
