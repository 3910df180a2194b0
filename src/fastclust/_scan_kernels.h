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

#include "_cpu_features.h"

/* One row of a Boruvka pass, for a float64 (f64) or float32 (f32) matrix.
 *   drow[j]   distance (i, j) for j in [j0, n); float32 values are widened to
 *             double exactly, so both give the tree of the same numbers
 *   koff + j  condensed offset of (i, j): the edge's tie-breaking key
 * Updates the per-column best edges col_d/col_k (strict <: the lowest offset
 * wins ties) and returns the row's best edge to another component in
 * *best_d, *best_k (lowest offset among equal distances; k = -1 if none). */
#define FC_DEFINE_BORUVKA_ROW_SCALAR(SUFFIX, T)                                  \
static inline void fc_boruvka_row_scalar_##SUFFIX(const T *restrict drow,        \
        const ptrdiff_t *restrict comp, ptrdiff_t ci, ptrdiff_t j0, ptrdiff_t n, \
        ptrdiff_t koff, double *restrict col_d, ptrdiff_t *restrict col_k,      \
        double *best_d, ptrdiff_t *best_k)                                       \
{                                                                                \
    double b0 = INFINITY, b1 = INFINITY, b2 = INFINITY, b3 = INFINITY;           \
    ptrdiff_t k0 = -1, k1 = -1, k2 = -1, k3 = -1;                                \
    ptrdiff_t j = j0;                                                            \
    for (; j + 4 <= n; j += 4) {                                                 \
        FC_LANE(0, b0, k0)                                                       \
        FC_LANE(1, b1, k1)                                                       \
        FC_LANE(2, b2, k2)                                                       \
        FC_LANE(3, b3, k3)                                                       \
    }                                                                            \
    for (; j < n; ++j) {                                                         \
        FC_LANE(0, b0, k0)                                                       \
    }                                                                            \
    /* Lexicographic (distance, offset) minimum over the lanes. */               \
    if (b1 < b0 || (b1 == b0 && k1 < k0)) { b0 = b1; k0 = k1; }                  \
    if (b2 < b0 || (b2 == b0 && k2 < k0)) { b0 = b2; k0 = k2; }                  \
    if (b3 < b0 || (b3 == b0 && k3 < k0)) { b0 = b3; k0 = k3; }                  \
    *best_d = b0;                                                                \
    *best_k = (b0 == INFINITY) ? -1 : k0;                                        \
}

#define FC_LANE(L, B, K)                                              \
    {                                                                 \
        double d = (double)drow[j + L];                               \
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
FC_DEFINE_BORUVKA_ROW_SCALAR(f64, double)
FC_DEFINE_BORUVKA_ROW_SCALAR(f32, float)
#undef FC_LANE

#ifdef FC_X86_DISPATCH

/* The same row with AVX2: four lanes, each keeping its own strict minimum and
 * the offset where it was first reached, combined lexicographically at the end,
 * so the result is identical to the scalar loop's. GCC does not vectorise the
 * scalar loop (a min reduction with index), and SSE2 lacks 64-bit compares.
 * float32 rows are widened on load (_mm256_cvtps_pd, exact). */
#define FC_LOAD4_DIST_f64(p) _mm256_loadu_pd(p)
#define FC_LOAD4_DIST_f32(p) _mm256_cvtps_pd(_mm_loadu_ps(p))
#define FC_DEFINE_BORUVKA_ROW_AVX2(SUFFIX, T)                                    \
__attribute__((target("avx2")))                                                  \
static void fc_boruvka_row_avx2_##SUFFIX(const T *restrict drow,                 \
        const ptrdiff_t *restrict comp, ptrdiff_t ci, ptrdiff_t j0, ptrdiff_t n, \
        ptrdiff_t koff, double *restrict col_d, ptrdiff_t *restrict col_k,      \
        double *best_d, ptrdiff_t *best_k)                                       \
{                                                                                \
    const __m256d inf = _mm256_set1_pd(INFINITY);                                \
    const __m256i own = _mm256_set1_epi64x((long long)ci);                       \
    const __m256i step = _mm256_set1_epi64x(4);                                  \
    __m256d vb = inf;                                                            \
    __m256i vk = _mm256_set1_epi64x(-1);                                         \
    __m256i key = _mm256_set_epi64x((long long)(koff + j0 + 3), (long long)(koff + j0 + 2), \
                                    (long long)(koff + j0 + 1), (long long)(koff + j0)); \
    ptrdiff_t j = j0;                                                            \
    for (; j + 4 <= n; j += 4) {                                                 \
        __m256d d = FC_LOAD4_DIST_##SUFFIX(drow + j);                            \
        __m256i c = _mm256_loadu_si256((const __m256i *)(comp + j));             \
        d = _mm256_blendv_pd(d, inf, _mm256_castsi256_pd(_mm256_cmpeq_epi64(c, own))); \
        __m256d lt = _mm256_cmp_pd(d, vb, _CMP_LT_OQ);                           \
        vb = _mm256_blendv_pd(vb, d, lt);                                        \
        vk = _mm256_castpd_si256(_mm256_blendv_pd(_mm256_castsi256_pd(vk),       \
                                                  _mm256_castsi256_pd(key), lt)); \
        __m256d cd = _mm256_loadu_pd(col_d + j);                                 \
        __m256i ck = _mm256_loadu_si256((const __m256i *)(col_k + j));           \
        __m256d lc = _mm256_cmp_pd(d, cd, _CMP_LT_OQ);                           \
        _mm256_storeu_pd(col_d + j, _mm256_blendv_pd(cd, d, lc));                \
        _mm256_storeu_si256((__m256i *)(col_k + j),                              \
                            _mm256_castpd_si256(_mm256_blendv_pd(_mm256_castsi256_pd(ck), \
                                                                 _mm256_castsi256_pd(key), lc))); \
        key = _mm256_add_epi64(key, step);                                       \
    }                                                                            \
    double lane_d[4];                                                            \
    long long lane_k[4];                                                         \
    _mm256_storeu_pd(lane_d, vb);                                                \
    _mm256_storeu_si256((__m256i *)lane_k, vk);                                  \
    double bd;                                                                   \
    ptrdiff_t bk;                                                                \
    fc_boruvka_row_scalar_##SUFFIX(drow, comp, ci, j, n, koff, col_d, col_k, &bd, &bk); /* tail */ \
    for (int l = 0; l < 4; ++l) {                                                \
        if (lane_d[l] < bd || (lane_d[l] == bd && lane_d[l] != INFINITY && lane_k[l] < bk)) { \
            bd = lane_d[l];                                                      \
            bk = (ptrdiff_t)lane_k[l];                                           \
        }                                                                        \
    }                                                                            \
    *best_d = bd;                                                                \
    *best_k = (bd == INFINITY) ? -1 : bk;                                        \
}
FC_DEFINE_BORUVKA_ROW_AVX2(f64, double)
FC_DEFINE_BORUVKA_ROW_AVX2(f32, float)
#endif

#ifdef FC_X86_DISPATCH
#define FC_BORUVKA_AVX2_CALL(SUFFIX)                                             \
    if (fc_use_avx2()) {                                                    \
        fc_boruvka_row_avx2_##SUFFIX(drow, comp, ci, j0, n, koff, col_d, col_k, best_d, best_k); \
        return;                                                                  \
    }
#else
#define FC_BORUVKA_AVX2_CALL(SUFFIX)
#endif

/* One row of the contraction pass: scatter-min of (i, j), j in [j0, n), into
 * the row of the contracted matrix that belongs to i's component. */
#define FC_DEFINE_ROW_ENTRY_POINTS(SUFFIX, T)                                    \
static inline void fc_boruvka_row_##SUFFIX(const T *restrict drow,               \
        const ptrdiff_t *restrict comp, ptrdiff_t ci, ptrdiff_t j0, ptrdiff_t n, \
        ptrdiff_t koff, double *restrict col_d, ptrdiff_t *restrict col_k,      \
        double *best_d, ptrdiff_t *best_k)                                       \
{                                                                                \
    FC_BORUVKA_AVX2_CALL(SUFFIX)                                                 \
    fc_boruvka_row_scalar_##SUFFIX(drow, comp, ci, j0, n, koff, col_d, col_k, best_d, best_k); \
}                                                                                \
static inline void fc_contract_row_##SUFFIX(const T *restrict drow,              \
        const ptrdiff_t *restrict comp, ptrdiff_t j0, ptrdiff_t n, ptrdiff_t koff, \
        double *restrict cd_row, ptrdiff_t *restrict ck_row)                     \
{                                                                                \
    for (ptrdiff_t j = j0; j < n; ++j) {                                         \
        double d = (double)drow[j];                                              \
        ptrdiff_t b = comp[j];                                                   \
        double c = cd_row[b];                                                    \
        ptrdiff_t ck = ck_row[b];                                                \
        int lc = d < c;                                                          \
        cd_row[b] = lc ? d : c;                                                  \
        ck_row[b] = lc ? koff + j : ck;                                          \
    }                                                                            \
}
FC_DEFINE_ROW_ENTRY_POINTS(f64, double)
FC_DEFINE_ROW_ENTRY_POINTS(f32, float)

#endif
