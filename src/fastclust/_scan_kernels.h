/* Branch-free inner loops of the single-linkage passes, see _mst.pyx.
 *
 * Written in C so that every load is unconditional (pairs inside one component
 * are masked to +inf after the load, not skipped) and the row minimum runs in
 * four independent lanes: no control flow and no single dependency chain, so
 * the compiler can keep the loop in vector registers.
 */
#ifndef FASTCLUST_SCAN_KERNELS_H
#define FASTCLUST_SCAN_KERNELS_H

#include <math.h>
#include <stddef.h>

/* One row of a Boruvka pass.
 *   drow[j]   distance (i, j) for j in [j0, n)
 *   koff + j  condensed offset of (i, j): the edge's tie-breaking key
 * Updates the per-column best edges col_d/col_k (strict <: the lowest offset
 * wins ties) and returns the row's best edge to another component in
 * *best_d, *best_k (lowest offset among equal distances; k = -1 if none). */
static inline void fc_boruvka_row(const double *restrict drow,
                                  const ptrdiff_t *restrict comp, ptrdiff_t ci,
                                  ptrdiff_t j0, ptrdiff_t n, ptrdiff_t koff,
                                  double *restrict col_d, ptrdiff_t *restrict col_k,
                                  double *best_d, ptrdiff_t *best_k)
{
    double b0 = INFINITY, b1 = INFINITY, b2 = INFINITY, b3 = INFINITY;
    ptrdiff_t k0 = -1, k1 = -1, k2 = -1, k3 = -1;
    ptrdiff_t j = j0;
#define FC_LANE(L, B, K)                                              \
    {                                                                 \
        double d = drow[j + L];                                       \
        d = (comp[j + L] == ci) ? INFINITY : d;                       \
        int lt = d < B;                                               \
        B = lt ? d : B;                                               \
        K = lt ? koff + j + L : K;                                    \
        double c = col_d[j + L];                                      \
        ptrdiff_t ck = col_k[j + L];                                  \
        int lc = d < c;                                               \
        col_d[j + L] = lc ? d : c;                                    \
        col_k[j + L] = lc ? koff + j + L : ck;                        \
    }
    for (; j + 4 <= n; j += 4) {
        FC_LANE(0, b0, k0)
        FC_LANE(1, b1, k1)
        FC_LANE(2, b2, k2)
        FC_LANE(3, b3, k3)
    }
    for (; j < n; ++j) {
        FC_LANE(0, b0, k0)
    }
#undef FC_LANE
    /* Lexicographic (distance, offset) minimum over the lanes. */
    if (b1 < b0 || (b1 == b0 && k1 < k0)) { b0 = b1; k0 = k1; }
    if (b2 < b0 || (b2 == b0 && k2 < k0)) { b0 = b2; k0 = k2; }
    if (b3 < b0 || (b3 == b0 && k3 < k0)) { b0 = b3; k0 = k3; }
    *best_d = b0;
    *best_k = (b0 == INFINITY) ? -1 : k0;
}

/* One row of the contraction pass: scatter-min of (i, j), j in [j0, n), into
 * the row of the contracted matrix that belongs to i's component. */
static inline void fc_contract_row(const double *restrict drow,
                                   const ptrdiff_t *restrict comp,
                                   ptrdiff_t j0, ptrdiff_t n, ptrdiff_t koff,
                                   double *restrict cd_row, ptrdiff_t *restrict ck_row)
{
    for (ptrdiff_t j = j0; j < n; ++j) {
        double d = drow[j];
        ptrdiff_t b = comp[j];
        double c = cd_row[b];
        ptrdiff_t ck = ck_row[b];
        int lc = d < c;
        cd_row[b] = lc ? d : c;
        ck_row[b] = lc ? koff + j : ck;
    }
}

#endif
