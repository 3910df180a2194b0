/* Inner loops of linkage_vector (see _vector.pyx), vectorised over four points.
 *
 * The points are stored transposed, coordinate k of point p at XT[k * ld + p],
 * in float32 or float64 (T). Every lane does exactly the scalar operations in
 * the same order, each coordinate promoted to double first:
 *     acc = 0; for k: diff = x[k] - XT[k][p]; acc = acc + diff * diff
 * with separate multiply and add (the AVX2 target has no FMA and the build does
 * not contract), so the results are bit-identical to squared_distance() in
 * _pair_distance.pxd, and therefore to pdist.
 */
#ifndef FASTCLUST_VECTOR_KERNELS_H
#define FASTCLUST_VECTOR_KERNELS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "_distance_kernels.h"

static inline ptrdiff_t fc_condensed_index(ptrdiff_t n, ptrdiff_t i, ptrdiff_t j)
{
    return i * (2 * n - i - 1) / 2 + (j - i - 1);
}

/* Relax key t with the edge (u, rest[t]) of length dist: (distance, offset) order. */
static inline void fc_prim_relax(double dist, ptrdiff_t t, ptrdiff_t u, const ptrdiff_t *rest,
                                 ptrdiff_t n, double *key_d, ptrdiff_t *key_k, ptrdiff_t *key_u)
{
    if (dist <= key_d[t]) {
        ptrdiff_t v = rest[t];
        ptrdiff_t k = u < v ? fc_condensed_index(n, u, v) : fc_condensed_index(n, v, u);
        if (dist < key_d[t] || k < key_k[t]) {
            key_d[t] = dist;
            key_k[t] = k;
            key_u[t] = u;
        }
    }
}

/* Scalar Prim step over [t0, m): relax every key with the new tree vertex u
 * (coordinates xu), and keep the (key_d, key_k)-smallest in *bd, *bk, *bt. */
#define FC_PRIM_SCALAR(T, KIND)                                                   \
    for (; t < m; ++t) {                                                          \
        double acc = 0.0;                                                         \
        for (ptrdiff_t k = 0; k < d; ++k) {                                       \
            double diff = xu[k] - (double)XT[k * ld + t];                         \
            if (KIND == FC_ROW_EUCLIDEAN || KIND == FC_ROW_SQEUCLIDEAN)           \
                acc += diff * diff;                                               \
            else if (KIND == FC_ROW_CITYBLOCK)                                    \
                acc += fabs(diff);                                                \
            else if (fabs(diff) > acc)                                            \
                acc = fabs(diff);                                                 \
        }                                                                         \
        fc_prim_relax(KIND == FC_ROW_EUCLIDEAN ? sqrt(acc) : acc, t, u, rest, n,  \
                      key_d, key_k, key_u);                                       \
        if (key_d[t] < bd || (key_d[t] == bd && key_k[t] < bk)) {                 \
            bd = key_d[t];                                                        \
            bk = key_k[t];                                                        \
            bt = t;                                                               \
        }                                                                         \
    }

#define FC_DEFINE_PRIM_SCALAR(SUFFIX, T, KIND, K3)                                \
static void fc_prim_scalar_##K3##_##SUFFIX(                                       \
    const T *XT, ptrdiff_t ld, ptrdiff_t m, ptrdiff_t d, const double *xu,        \
    ptrdiff_t u, const ptrdiff_t *rest, ptrdiff_t n, double *key_d,               \
    ptrdiff_t *key_k, ptrdiff_t *key_u, double *best_d, ptrdiff_t *best_k,        \
    ptrdiff_t *best_t)                                                            \
{                                                                                 \
    double bd = INFINITY;                                                         \
    ptrdiff_t bk = PTRDIFF_MAX, bt = -1, t = 0;                                   \
    FC_PRIM_SCALAR(T, KIND)                                                       \
    *best_d = bd; *best_k = bk; *best_t = bt;                                     \
}

#define FC_DEFINE_PRIM_KINDS(DEFINE, SUFFIX, T)                                   \
    DEFINE(SUFFIX, T, FC_ROW_EUCLIDEAN, euc)                                      \
    DEFINE(SUFFIX, T, FC_ROW_SQEUCLIDEAN, sqe)                                    \
    DEFINE(SUFFIX, T, FC_ROW_CITYBLOCK, cit)                                      \
    DEFINE(SUFFIX, T, FC_ROW_CHEBYSHEV, che)

FC_DEFINE_PRIM_KINDS(FC_DEFINE_PRIM_SCALAR, f64, double)
FC_DEFINE_PRIM_KINDS(FC_DEFINE_PRIM_SCALAR, f32, float)

/* Prim step for the cosine distance: nr[t] is the norm of point rest[t], nu
 * that of u; 1 - clip(dot / (nu * nr), -1, 1) as pair_distance() computes it. */
#define FC_PRIM_COSINE_SCALAR(T)                                                  \
    for (; t < m; ++t) {                                                          \
        double acc = 0.0;                                                         \
        for (ptrdiff_t k = 0; k < d; ++k)                                         \
            acc += xu[k] * (double)XT[k * ld + t];                                \
        double c = acc / (nu * nr[t]);                                            \
        if (c > 1.0)                                                              \
            c = 1.0;                                                              \
        else if (c < -1.0)                                                        \
            c = -1.0;                                                             \
        fc_prim_relax(1.0 - c, t, u, rest, n, key_d, key_k, key_u);               \
        if (key_d[t] < bd || (key_d[t] == bd && key_k[t] < bk)) {                 \
            bd = key_d[t];                                                        \
            bk = key_k[t];                                                        \
            bt = t;                                                               \
        }                                                                         \
    }

#define FC_DEFINE_PRIM_COSINE_SCALAR(SUFFIX, T)                                   \
static void fc_prim_cosine_scalar_##SUFFIX(                                       \
    const T *XT, ptrdiff_t ld, ptrdiff_t m, ptrdiff_t d, const double *xu,        \
    double nu, const double *nr, ptrdiff_t u, const ptrdiff_t *rest, ptrdiff_t n, \
    double *key_d, ptrdiff_t *key_k, ptrdiff_t *key_u, double *best_d,            \
    ptrdiff_t *best_k, ptrdiff_t *best_t)                                         \
{                                                                                 \
    double bd = INFINITY;                                                         \
    ptrdiff_t bk = PTRDIFF_MAX, bt = -1, t = 0;                                   \
    FC_PRIM_COSINE_SCALAR(T)                                                      \
    *best_d = bd; *best_k = bk; *best_t = bt;                                     \
}

FC_DEFINE_PRIM_COSINE_SCALAR(f64, double)
FC_DEFINE_PRIM_COSINE_SCALAR(f32, float)

/* Scalar distance row: out[p] = D(x, p) + pen[p] for p in [p0, p1), where D is
 * the squared distance, or for ward 2 * (s_x * s_p / (s_x + s_p)) * squared. */
#define FC_DEFINE_DIST_ROW_SCALAR(SUFFIX, T)                                      \
static void fc_dist_row_scalar_##SUFFIX(                                          \
    const double *x, const T *XT, ptrdiff_t ld, ptrdiff_t p0, ptrdiff_t p1,       \
    ptrdiff_t d, const double *pen, int ward, double s_x, const double *sz,      \
    double *out)                                                                  \
{                                                                                 \
    for (ptrdiff_t p = p0; p < p1; ++p) {                                         \
        double acc = 0.0;                                                         \
        for (ptrdiff_t k = 0; k < d; ++k) {                                       \
            double diff = x[k] - (double)XT[k * ld + p];                          \
            acc += diff * diff;                                                   \
        }                                                                         \
        if (ward)                                                                 \
            acc = 2.0 * (s_x * sz[p] / (s_x + sz[p])) * acc;                      \
        out[p] = acc + pen[p];                                                    \
    }                                                                             \
}

FC_DEFINE_DIST_ROW_SCALAR(f64, double)
FC_DEFINE_DIST_ROW_SCALAR(f32, float)

/* Fused distance row and argmin: the position of the smallest D(x, p) + pen[p]
 * over p in [p0, p1) (strict <: the first wins), or -1; *best = its value.
 * Same values as fc_dist_row, nothing written. */
#define FC_DEFINE_DIST_ARGMIN_SCALAR(SUFFIX, T)                                   \
static ptrdiff_t fc_dist_argmin_scalar_##SUFFIX(                                  \
    const double *x, const T *XT, ptrdiff_t ld, ptrdiff_t p0, ptrdiff_t p1,       \
    ptrdiff_t d, const double *pen, int ward, double s_x, const double *sz,      \
    double *best)                                                                 \
{                                                                                 \
    double b = INFINITY;                                                          \
    ptrdiff_t bp = -1;                                                            \
    for (ptrdiff_t p = p0; p < p1; ++p) {                                         \
        double acc = 0.0;                                                         \
        for (ptrdiff_t k = 0; k < d; ++k) {                                       \
            double diff = x[k] - (double)XT[k * ld + p];                          \
            acc += diff * diff;                                                   \
        }                                                                         \
        if (ward)                                                                 \
            acc = 2.0 * (s_x * sz[p] / (s_x + sz[p])) * acc;                      \
        acc = acc + pen[p];                                                       \
        if (acc < b) {                                                            \
            b = acc;                                                              \
            bp = p;                                                               \
        }                                                                         \
    }                                                                             \
    *best = b;                                                                    \
    return bp;                                                                    \
}

FC_DEFINE_DIST_ARGMIN_SCALAR(f64, double)
FC_DEFINE_DIST_ARGMIN_SCALAR(f32, float)

#ifdef FC_X86_DISPATCH

#define FC_LOAD4_f64(ptr) _mm256_loadu_pd(ptr)
#define FC_LOAD4_f32(ptr) _mm256_cvtps_pd(_mm_loadu_ps(ptr))

#define FC_DEFINE_PRIM_AVX2(SUFFIX, T, KIND, K3)                                  \
__attribute__((target("avx2")))                                                   \
static void fc_prim_avx2_##K3##_##SUFFIX(                                         \
    const T *XT, ptrdiff_t ld, ptrdiff_t m, ptrdiff_t d, const double *xu,        \
    ptrdiff_t u, const ptrdiff_t *rest, ptrdiff_t n, double *key_d,               \
    ptrdiff_t *key_k, ptrdiff_t *key_u, double *best_d, ptrdiff_t *best_k,        \
    ptrdiff_t *best_t)                                                            \
{                                                                                 \
    __m256d vb = _mm256_set1_pd(INFINITY);                                        \
    __m256i vk = _mm256_set1_epi64x(INT64_MAX), vt = _mm256_set1_epi64x(-1);      \
    __m256i tv = _mm256_set_epi64x(3, 2, 1, 0);                                   \
    const __m256i four = _mm256_set1_epi64x(4);                                   \
    const __m256d absmask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL)); \
    ptrdiff_t t = 0;                                                              \
    for (; t + 4 <= m; t += 4) {                                                  \
        __m256d acc = _mm256_setzero_pd();                                        \
        for (ptrdiff_t k = 0; k < d; ++k) {                                       \
            __m256d diff = _mm256_sub_pd(_mm256_set1_pd(xu[k]),                   \
                                         FC_LOAD4_##SUFFIX(XT + k * ld + t));     \
            acc = FC_ACC(KIND, acc, diff);                                        \
        }                                                                         \
        __m256d dist = FC_FINISH(KIND, acc);                                      \
        __m256d kd = _mm256_loadu_pd(key_d + t);                                  \
        int le = _mm256_movemask_pd(_mm256_cmp_pd(dist, kd, _CMP_LE_OQ));         \
        if (le) {                                                                 \
            double lane[4];                                                       \
            _mm256_storeu_pd(lane, dist);                                         \
            for (int l = 0; l < 4; ++l)                                           \
                if (le & (1 << l))                                                \
                    fc_prim_relax(lane[l], t + l, u, rest, n, key_d, key_k, key_u); \
            kd = _mm256_loadu_pd(key_d + t);                                      \
        }                                                                         \
        __m256i kk = _mm256_loadu_si256((const __m256i *)(key_k + t));            \
        __m256d lt = _mm256_cmp_pd(kd, vb, _CMP_LT_OQ);                           \
        __m256d eq = _mm256_and_pd(_mm256_cmp_pd(kd, vb, _CMP_EQ_OQ),             \
                                   _mm256_castsi256_pd(_mm256_cmpgt_epi64(vk, kk))); \
        __m256d take = _mm256_or_pd(lt, eq);                                      \
        vb = _mm256_blendv_pd(vb, kd, take);                                      \
        vk = _mm256_castpd_si256(_mm256_blendv_pd(_mm256_castsi256_pd(vk),        \
                                                  _mm256_castsi256_pd(kk), take)); \
        vt = _mm256_castpd_si256(_mm256_blendv_pd(_mm256_castsi256_pd(vt),        \
                                                  _mm256_castsi256_pd(tv), take)); \
        tv = _mm256_add_epi64(tv, four);                                          \
    }                                                                             \
    double lane_d[4];                                                             \
    long long lane_k[4], lane_t[4];                                               \
    _mm256_storeu_pd(lane_d, vb);                                                 \
    _mm256_storeu_si256((__m256i *)lane_k, vk);                                   \
    _mm256_storeu_si256((__m256i *)lane_t, vt);                                   \
    double bd = INFINITY;                                                         \
    ptrdiff_t bk = PTRDIFF_MAX, bt = -1;                                          \
    for (int l = 0; l < 4; ++l) {                                                 \
        if (lane_t[l] >= 0 && (lane_d[l] < bd || (lane_d[l] == bd && lane_k[l] < bk))) { \
            bd = lane_d[l]; bk = (ptrdiff_t)lane_k[l]; bt = (ptrdiff_t)lane_t[l]; \
        }                                                                         \
    }                                                                             \
    FC_PRIM_SCALAR(T, KIND)                                                       \
    *best_d = bd; *best_k = bk; *best_t = bt;                                     \
}

FC_DEFINE_PRIM_KINDS(FC_DEFINE_PRIM_AVX2, f64, double)
FC_DEFINE_PRIM_KINDS(FC_DEFINE_PRIM_AVX2, f32, float)

/* min_pd(1, c) and max_pd(-1, .) keep a NaN c (a zero row), as the scalar
 * comparisons do. */
#define FC_DEFINE_PRIM_COSINE_AVX2(SUFFIX, T)                                     \
__attribute__((target("avx2")))                                                   \
static void fc_prim_cosine_avx2_##SUFFIX(                                         \
    const T *XT, ptrdiff_t ld, ptrdiff_t m, ptrdiff_t d, const double *xu,        \
    double nu, const double *nr, ptrdiff_t u, const ptrdiff_t *rest, ptrdiff_t n, \
    double *key_d, ptrdiff_t *key_k, ptrdiff_t *key_u, double *best_d,            \
    ptrdiff_t *best_k, ptrdiff_t *best_t)                                         \
{                                                                                 \
    __m256d vb = _mm256_set1_pd(INFINITY);                                        \
    __m256i vk = _mm256_set1_epi64x(INT64_MAX), vt = _mm256_set1_epi64x(-1);      \
    __m256i tv = _mm256_set_epi64x(3, 2, 1, 0);                                   \
    const __m256i four = _mm256_set1_epi64x(4);                                   \
    const __m256d one = _mm256_set1_pd(1.0), m1 = _mm256_set1_pd(-1.0);           \
    const __m256d vnu = _mm256_set1_pd(nu);                                       \
    ptrdiff_t t = 0;                                                              \
    for (; t + 4 <= m; t += 4) {                                                  \
        __m256d acc = _mm256_setzero_pd();                                        \
        for (ptrdiff_t k = 0; k < d; ++k)                                         \
            acc = _mm256_add_pd(acc, _mm256_mul_pd(_mm256_set1_pd(xu[k]),         \
                                                   FC_LOAD4_##SUFFIX(XT + k * ld + t))); \
        __m256d c = _mm256_div_pd(acc, _mm256_mul_pd(vnu, _mm256_loadu_pd(nr + t))); \
        c = _mm256_max_pd(m1, _mm256_min_pd(one, c));                             \
        __m256d dist = _mm256_sub_pd(one, c);                                     \
        __m256d kd = _mm256_loadu_pd(key_d + t);                                  \
        int le = _mm256_movemask_pd(_mm256_cmp_pd(dist, kd, _CMP_LE_OQ));         \
        if (le) {                                                                 \
            double lane[4];                                                       \
            _mm256_storeu_pd(lane, dist);                                         \
            for (int l = 0; l < 4; ++l)                                           \
                if (le & (1 << l))                                                \
                    fc_prim_relax(lane[l], t + l, u, rest, n, key_d, key_k, key_u); \
            kd = _mm256_loadu_pd(key_d + t);                                      \
        }                                                                         \
        __m256i kk = _mm256_loadu_si256((const __m256i *)(key_k + t));            \
        __m256d lt = _mm256_cmp_pd(kd, vb, _CMP_LT_OQ);                           \
        __m256d eq = _mm256_and_pd(_mm256_cmp_pd(kd, vb, _CMP_EQ_OQ),             \
                                   _mm256_castsi256_pd(_mm256_cmpgt_epi64(vk, kk))); \
        __m256d take = _mm256_or_pd(lt, eq);                                      \
        vb = _mm256_blendv_pd(vb, kd, take);                                      \
        vk = _mm256_castpd_si256(_mm256_blendv_pd(_mm256_castsi256_pd(vk),        \
                                                  _mm256_castsi256_pd(kk), take)); \
        vt = _mm256_castpd_si256(_mm256_blendv_pd(_mm256_castsi256_pd(vt),        \
                                                  _mm256_castsi256_pd(tv), take)); \
        tv = _mm256_add_epi64(tv, four);                                          \
    }                                                                             \
    double lane_d[4];                                                             \
    long long lane_k[4], lane_t[4];                                               \
    _mm256_storeu_pd(lane_d, vb);                                                 \
    _mm256_storeu_si256((__m256i *)lane_k, vk);                                   \
    _mm256_storeu_si256((__m256i *)lane_t, vt);                                   \
    double bd = INFINITY;                                                         \
    ptrdiff_t bk = PTRDIFF_MAX, bt = -1;                                          \
    for (int l = 0; l < 4; ++l) {                                                 \
        if (lane_t[l] >= 0 && (lane_d[l] < bd || (lane_d[l] == bd && lane_k[l] < bk))) { \
            bd = lane_d[l]; bk = (ptrdiff_t)lane_k[l]; bt = (ptrdiff_t)lane_t[l]; \
        }                                                                         \
    }                                                                             \
    FC_PRIM_COSINE_SCALAR(T)                                                      \
    *best_d = bd; *best_k = bk; *best_t = bt;                                     \
}

FC_DEFINE_PRIM_COSINE_AVX2(f64, double)
FC_DEFINE_PRIM_COSINE_AVX2(f32, float)

#define FC_DEFINE_DIST_ROW_AVX2(SUFFIX, T)                                        \
__attribute__((target("avx2")))                                                   \
static void fc_dist_row_avx2_##SUFFIX(                                            \
    const double *x, const T *XT, ptrdiff_t ld, ptrdiff_t p0, ptrdiff_t p1,       \
    ptrdiff_t d, const double *pen, int ward, double s_x, const double *sz,      \
    double *out)                                                                  \
{                                                                                 \
    const __m256d two = _mm256_set1_pd(2.0), vsx = _mm256_set1_pd(s_x);           \
    ptrdiff_t p = p0;                                                             \
    for (; p + 8 <= p1; p += 8) {                                                 \
        __m256d a0 = _mm256_setzero_pd(), a1 = a0;                                \
        for (ptrdiff_t k = 0; k < d; ++k) {                                       \
            __m256d xk = _mm256_set1_pd(x[k]);                                    \
            __m256d d0 = _mm256_sub_pd(xk, FC_LOAD4_##SUFFIX(XT + k * ld + p));   \
            __m256d d1 = _mm256_sub_pd(xk, FC_LOAD4_##SUFFIX(XT + k * ld + p + 4)); \
            a0 = _mm256_add_pd(a0, _mm256_mul_pd(d0, d0));                        \
            a1 = _mm256_add_pd(a1, _mm256_mul_pd(d1, d1));                        \
        }                                                                         \
        if (ward) {                                                               \
            __m256d s0 = _mm256_loadu_pd(sz + p), s1 = _mm256_loadu_pd(sz + p + 4); \
            __m256d f0 = _mm256_div_pd(_mm256_mul_pd(vsx, s0), _mm256_add_pd(vsx, s0)); \
            __m256d f1 = _mm256_div_pd(_mm256_mul_pd(vsx, s1), _mm256_add_pd(vsx, s1)); \
            a0 = _mm256_mul_pd(_mm256_mul_pd(two, f0), a0);                       \
            a1 = _mm256_mul_pd(_mm256_mul_pd(two, f1), a1);                       \
        }                                                                         \
        _mm256_storeu_pd(out + p, _mm256_add_pd(a0, _mm256_loadu_pd(pen + p)));  \
        _mm256_storeu_pd(out + p + 4, _mm256_add_pd(a1, _mm256_loadu_pd(pen + p + 4))); \
    }                                                                             \
    fc_dist_row_scalar_##SUFFIX(x, XT, ld, p, p1, d, pen, ward, s_x, sz, out);   \
}

FC_DEFINE_DIST_ROW_AVX2(f64, double)
FC_DEFINE_DIST_ROW_AVX2(f32, float)

#define FC_DEFINE_DIST_ARGMIN_AVX2(SUFFIX, T)                                     \
__attribute__((target("avx2")))                                                   \
static ptrdiff_t fc_dist_argmin_avx2_##SUFFIX(                                    \
    const double *x, const T *XT, ptrdiff_t ld, ptrdiff_t p0, ptrdiff_t p1,       \
    ptrdiff_t d, const double *pen, int ward, double s_x, const double *sz,      \
    double *best)                                                                 \
{                                                                                 \
    const __m256d two = _mm256_set1_pd(2.0), vsx = _mm256_set1_pd(s_x);           \
    const __m256i eight = _mm256_set1_epi64x(8);                                  \
    __m256d b0 = _mm256_set1_pd(INFINITY), b1 = b0;                               \
    __m256i q0 = _mm256_set1_epi64x(-1), q1 = q0;                                 \
    __m256i v0 = _mm256_set_epi64x(p0 + 3, p0 + 2, p0 + 1, p0);                   \
    __m256i v1 = _mm256_set_epi64x(p0 + 7, p0 + 6, p0 + 5, p0 + 4);               \
    ptrdiff_t p = p0;                                                             \
    for (; p + 8 <= p1; p += 8) {                                                 \
        __m256d a0 = _mm256_setzero_pd(), a1 = a0;                                \
        for (ptrdiff_t k = 0; k < d; ++k) {                                       \
            __m256d xk = _mm256_set1_pd(x[k]);                                    \
            __m256d d0 = _mm256_sub_pd(xk, FC_LOAD4_##SUFFIX(XT + k * ld + p));   \
            __m256d d1 = _mm256_sub_pd(xk, FC_LOAD4_##SUFFIX(XT + k * ld + p + 4)); \
            a0 = _mm256_add_pd(a0, _mm256_mul_pd(d0, d0));                        \
            a1 = _mm256_add_pd(a1, _mm256_mul_pd(d1, d1));                        \
        }                                                                         \
        if (ward) {                                                               \
            __m256d s0 = _mm256_loadu_pd(sz + p), s1 = _mm256_loadu_pd(sz + p + 4); \
            __m256d f0 = _mm256_div_pd(_mm256_mul_pd(vsx, s0), _mm256_add_pd(vsx, s0)); \
            __m256d f1 = _mm256_div_pd(_mm256_mul_pd(vsx, s1), _mm256_add_pd(vsx, s1)); \
            a0 = _mm256_mul_pd(_mm256_mul_pd(two, f0), a0);                       \
            a1 = _mm256_mul_pd(_mm256_mul_pd(two, f1), a1);                       \
        }                                                                         \
        a0 = _mm256_add_pd(a0, _mm256_loadu_pd(pen + p));                         \
        a1 = _mm256_add_pd(a1, _mm256_loadu_pd(pen + p + 4));                     \
        __m256d l0 = _mm256_cmp_pd(a0, b0, _CMP_LT_OQ);                           \
        __m256d l1 = _mm256_cmp_pd(a1, b1, _CMP_LT_OQ);                           \
        b0 = _mm256_blendv_pd(b0, a0, l0);                                        \
        b1 = _mm256_blendv_pd(b1, a1, l1);                                        \
        q0 = _mm256_castpd_si256(_mm256_blendv_pd(_mm256_castsi256_pd(q0),        \
                                                  _mm256_castsi256_pd(v0), l0));  \
        q1 = _mm256_castpd_si256(_mm256_blendv_pd(_mm256_castsi256_pd(q1),        \
                                                  _mm256_castsi256_pd(v1), l1));  \
        v0 = _mm256_add_epi64(v0, eight);                                         \
        v1 = _mm256_add_epi64(v1, eight);                                         \
    }                                                                             \
    double lane_d[8];                                                             \
    long long lane_p[8];                                                          \
    _mm256_storeu_pd(lane_d, b0);                                                 \
    _mm256_storeu_pd(lane_d + 4, b1);                                             \
    _mm256_storeu_si256((__m256i *)lane_p, q0);                                   \
    _mm256_storeu_si256((__m256i *)(lane_p + 4), q1);                             \
    double b = INFINITY;                                                          \
    ptrdiff_t bp = -1;                                                            \
    for (int l = 0; l < 8; ++l) {                                                 \
        if (lane_p[l] >= 0 && (lane_d[l] < b || (lane_d[l] == b && lane_p[l] < bp))) { \
            b = lane_d[l];                                                        \
            bp = (ptrdiff_t)lane_p[l];                                            \
        }                                                                         \
    }                                                                             \
    double tb;                                                                    \
    ptrdiff_t tp = fc_dist_argmin_scalar_##SUFFIX(x, XT, ld, p, p1, d, pen, ward, \
                                                  s_x, sz, &tb);                  \
    if (tp >= 0 && tb < b) {      /* the tail: larger positions, strict < */      \
        b = tb;                                                                   \
        bp = tp;                                                                  \
    }                                                                             \
    *best = b;                                                                    \
    return bp;                                                                    \
}

FC_DEFINE_DIST_ARGMIN_AVX2(f64, double)
FC_DEFINE_DIST_ARGMIN_AVX2(f32, float)

#endif

/* Dispatchers: AVX2 when fc_use_avx2(), else the scalar loops (same results). */
#ifdef FC_X86_DISPATCH
#define FC_DISPATCH(NAME, SUFFIX, ...)                                            \
    do {                                                                          \
        if (fc_use_avx2()) NAME##_avx2_##SUFFIX(__VA_ARGS__);                    \
        else NAME##_scalar_##SUFFIX(__VA_ARGS__);                                 \
    } while (0)
#else
#define FC_DISPATCH(NAME, SUFFIX, ...) NAME##_scalar_##SUFFIX(__VA_ARGS__)
#endif

#ifdef FC_X86_DISPATCH
#define FC_PRIM_CALL(K3, SUFFIX)                                                  \
    do {                                                                          \
        if (fc_use_avx2())                                                       \
            fc_prim_avx2_##K3##_##SUFFIX(XT, ld, m, d, xu, u, rest, n, key_d, key_k, \
                                         key_u, best_d, best_k, best_t);          \
        else                                                                      \
            fc_prim_scalar_##K3##_##SUFFIX(XT, ld, m, d, xu, u, rest, n, key_d, key_k, \
                                           key_u, best_d, best_k, best_t);        \
    } while (0)
#else
#define FC_PRIM_CALL(K3, SUFFIX)                                                  \
    fc_prim_scalar_##K3##_##SUFFIX(XT, ld, m, d, xu, u, rest, n, key_d, key_k,     \
                                   key_u, best_d, best_k, best_t)
#endif

/* One Prim step over the m points of XT (metric `kind`, FC_ROW_*): relax every
 * key with the new tree vertex u (coordinates xu) and return the smallest
 * (key_d, key_k) and its position. */
#ifdef FC_X86_DISPATCH
#define FC_DEFINE_COSINE_DISPATCH(SUFFIX, T)                                      \
static inline void fc_prim_cosine_##SUFFIX(                                       \
    const T *XT, ptrdiff_t ld, ptrdiff_t m, ptrdiff_t d, const double *xu,        \
    double nu, const double *nr, ptrdiff_t u, const ptrdiff_t *rest, ptrdiff_t n, \
    double *key_d, ptrdiff_t *key_k, ptrdiff_t *key_u, double *best_d,            \
    ptrdiff_t *best_k, ptrdiff_t *best_t)                                         \
{                                                                                 \
    if (fc_use_avx2())                                                           \
        fc_prim_cosine_avx2_##SUFFIX(XT, ld, m, d, xu, nu, nr, u, rest, n, key_d, \
                                     key_k, key_u, best_d, best_k, best_t);       \
    else                                                                          \
        fc_prim_cosine_scalar_##SUFFIX(XT, ld, m, d, xu, nu, nr, u, rest, n, key_d, \
                                       key_k, key_u, best_d, best_k, best_t);     \
}
#else
#define FC_DEFINE_COSINE_DISPATCH(SUFFIX, T)                                      \
static inline void fc_prim_cosine_##SUFFIX(                                       \
    const T *XT, ptrdiff_t ld, ptrdiff_t m, ptrdiff_t d, const double *xu,        \
    double nu, const double *nr, ptrdiff_t u, const ptrdiff_t *rest, ptrdiff_t n, \
    double *key_d, ptrdiff_t *key_k, ptrdiff_t *key_u, double *best_d,            \
    ptrdiff_t *best_k, ptrdiff_t *best_t)                                         \
{                                                                                 \
    fc_prim_cosine_scalar_##SUFFIX(XT, ld, m, d, xu, nu, nr, u, rest, n, key_d,   \
                                   key_k, key_u, best_d, best_k, best_t);         \
}
#endif
FC_DEFINE_COSINE_DISPATCH(f64, double)
FC_DEFINE_COSINE_DISPATCH(f32, float)

#define FC_DEFINE_DISPATCH(SUFFIX, T)                                             \
static inline void fc_prim_rows_##SUFFIX(                                         \
    int kind, const T *XT, ptrdiff_t ld, ptrdiff_t m, ptrdiff_t d, const double *xu, \
    ptrdiff_t u, const ptrdiff_t *rest, ptrdiff_t n, double *key_d,               \
    ptrdiff_t *key_k, ptrdiff_t *key_u, double *best_d, ptrdiff_t *best_k,        \
    ptrdiff_t *best_t)                                                            \
{                                                                                 \
    switch (kind) {                                                               \
    case FC_ROW_EUCLIDEAN: FC_PRIM_CALL(euc, SUFFIX); break;                      \
    case FC_ROW_SQEUCLIDEAN: FC_PRIM_CALL(sqe, SUFFIX); break;                    \
    case FC_ROW_CITYBLOCK: FC_PRIM_CALL(cit, SUFFIX); break;                      \
    default: FC_PRIM_CALL(che, SUFFIX); break;                                    \
    }                                                                             \
}                                                                                 \
static inline void fc_dist_row_##SUFFIX(                                          \
    const double *x, const T *XT, ptrdiff_t ld, ptrdiff_t p0, ptrdiff_t p1,       \
    ptrdiff_t d, const double *pen, int ward, double s_x, const double *sz,      \
    double *out)                                                                  \
{                                                                                 \
    FC_DISPATCH(fc_dist_row, SUFFIX, x, XT, ld, p0, p1, d, pen, ward, s_x, sz, out); \
}

#ifdef FC_X86_DISPATCH
#define FC_DEFINE_ARGMIN_DISPATCH(SUFFIX, T)                                      \
static inline ptrdiff_t fc_dist_argmin_##SUFFIX(                                  \
    const double *x, const T *XT, ptrdiff_t ld, ptrdiff_t p0, ptrdiff_t p1,       \
    ptrdiff_t d, const double *pen, int ward, double s_x, const double *sz,      \
    double *best)                                                                 \
{                                                                                 \
    if (fc_use_avx2())                                                           \
        return fc_dist_argmin_avx2_##SUFFIX(x, XT, ld, p0, p1, d, pen, ward, s_x, sz, best); \
    return fc_dist_argmin_scalar_##SUFFIX(x, XT, ld, p0, p1, d, pen, ward, s_x, sz, best); \
}
#else
#define FC_DEFINE_ARGMIN_DISPATCH(SUFFIX, T)                                      \
static inline ptrdiff_t fc_dist_argmin_##SUFFIX(                                  \
    const double *x, const T *XT, ptrdiff_t ld, ptrdiff_t p0, ptrdiff_t p1,       \
    ptrdiff_t d, const double *pen, int ward, double s_x, const double *sz,      \
    double *best)                                                                 \
{                                                                                 \
    return fc_dist_argmin_scalar_##SUFFIX(x, XT, ld, p0, p1, d, pen, ward, s_x, sz, best); \
}
#endif
FC_DEFINE_ARGMIN_DISPATCH(f64, double)
FC_DEFINE_ARGMIN_DISPATCH(f32, float)

FC_DEFINE_DISPATCH(f64, double)
FC_DEFINE_DISPATCH(f32, float)


#endif
