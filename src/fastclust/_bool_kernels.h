/* Boolean metrics on bit-packed rows, see _metrics.pyx (pdist_packed).
 *
 * A row is its truth values (nonzero = True) packed 64 to a word. For a pair
 * the only count computed is n_tt = popcount(x & y) summed over the words; with
 * the rows' counts of True n_x and n_y, n_tf = n_x - n_tt, n_ft = n_y - n_tt
 * and n_ff = d - n_x - n_y + n_tt. All are exact integers, held as doubles, and
 * every formula below is other_distance()'s in _pair_distance.pxd with the same
 * operations in the same order on the same (integer) values: the same bits.
 */
#ifndef FASTCLUST_BOOL_KERNELS_H
#define FASTCLUST_BOOL_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "_cpu_features.h"

/* Metric codes, as METRIC_* in _pair_distance.pxd (_metrics.pyx checks on import). */
#define FC_HAMMING 11
#define FC_JACCARD 12
#define FC_DICE 13
#define FC_ROGERSTANIMOTO 14
#define FC_RUSSELLRAO 15
#define FC_SOKALSNEATH 16
#define FC_YULE 17

static inline double fc_bool_formula(int kind, double ntt, double nx, double ny, double d)
{
    double ntf = nx - ntt, nft = ny - ntt;
    double ndiff = ntf + nft;
    switch (kind) {
    case FC_HAMMING:
        return ndiff / d;
    case FC_JACCARD:
        return (ntt + ndiff) == 0.0 ? 0.0 : ndiff / (ntt + ndiff);
    case FC_DICE:
        return ndiff / (2.0 * ntt + ndiff);
    case FC_ROGERSTANIMOTO:
        return (2.0 * ndiff) / (d + ndiff);
    case FC_RUSSELLRAO:
        return (d - ntt) / d;
    case FC_SOKALSNEATH:
        return (2.0 * ndiff) / (ntt + 2.0 * ndiff);
    default: {   /* yule */
        double nff = d - nx - ny + ntt;
        double half_r = ntf * nft;
        return (2.0 * half_r) / (ntt * nff + half_r + (half_r == 0.0));
    }
    }
}

/* out[j] for j in [j0, j1): the metric between packed row i and packed row j
 * (w words each, rows at P + k * w), ones[k] = number of True in row k. */
#define FC_PACKED_ROW_BODY(OUT_T)                                                \
    const uint64_t *xi = P + i * w;                                              \
    for (ptrdiff_t j = j0; j < j1; ++j) {                                        \
        const uint64_t *xj = P + j * w;                                          \
        uint64_t ntt = 0;                                                        \
        for (ptrdiff_t k = 0; k < w; ++k)                                        \
            ntt += fc_popcount64(xi[k] & xj[k]);                                  \
        out[j] = (OUT_T)fc_bool_formula(kind, (double)ntt, ones[i], ones[j], d); \
    }

#define FC_DEFINE_PACKED_ROW(SUFFIX, OUT_T)                                      \
static void fc_packed_row_portable_##SUFFIX(int kind, const uint64_t *P,         \
        ptrdiff_t w, const double *ones, double d, ptrdiff_t i, ptrdiff_t j0,    \
        ptrdiff_t j1, OUT_T *out)                                                \
{ FC_PACKED_ROW_BODY(OUT_T) }                                                    \
FC_DEFINE_PACKED_ROW_POPCNT(SUFFIX, OUT_T)                                       \
static void fc_packed_row_##SUFFIX(int kind, const uint64_t *P, ptrdiff_t w,     \
        const double *ones, double d, ptrdiff_t i, ptrdiff_t j0, ptrdiff_t j1,   \
        OUT_T *out)                                                              \
{                                                                                \
    FC_PACKED_ROW_DISPATCH(SUFFIX)                                               \
    fc_packed_row_portable_##SUFFIX(kind, P, w, ones, d, i, j0, j1, out);        \
}

#ifdef FC_X86_DISPATCH
/* The POPCNT instruction where fc_use_popcnt() says so, else the portable
 * bit count of fc_popcount64. */
#define FC_DEFINE_PACKED_ROW_POPCNT(SUFFIX, OUT_T)                               \
__attribute__((target("popcnt")))                                                \
static void fc_packed_row_popcnt_##SUFFIX(int kind, const uint64_t *P,           \
        ptrdiff_t w, const double *ones, double d, ptrdiff_t i, ptrdiff_t j0,    \
        ptrdiff_t j1, OUT_T *out)                                                \
{ FC_PACKED_ROW_BODY(OUT_T) }
#define FC_PACKED_ROW_DISPATCH(SUFFIX)                                           \
    if (fc_use_popcnt()) {                                                       \
        fc_packed_row_popcnt_##SUFFIX(kind, P, w, ones, d, i, j0, j1, out);      \
        return;                                                                  \
    }
#else
#define FC_DEFINE_PACKED_ROW_POPCNT(SUFFIX, OUT_T)
#define FC_PACKED_ROW_DISPATCH(SUFFIX)
#endif

FC_DEFINE_PACKED_ROW(f64, double)
FC_DEFINE_PACKED_ROW(f32, float)

#endif
