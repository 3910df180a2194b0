/* Vectorised unweighted rows of pdist / cdist (euclidean, sqeuclidean,
 * cityblock, chebyshev; cosine and correlation with precomputed norms;
 * braycurtis, canberra, seuclidean, mahalanobis), see _metrics.pyx.
 *
 * The columns are read from a transposed float64 copy XT (d rows of leading
 * dimension ld), so that four consecutive columns j..j+3 sit in one AVX2
 * register for each coordinate k. Every lane performs exactly the scalar
 loop's operations in the same order, e.g. for the Euclidean metric
 *     acc = 0; for k: diff = x_i[k] - x_j[k]; acc = acc + diff * diff;  sqrt(acc)
 * with separate multiply and add (the AVX2 target has no FMA, and the build
 * does not contract), so the result is bit-identical to pair_distance() in
 * _pair_distance.pxd.
 */
#ifndef FASTCLUST_DISTANCE_KERNELS_H
#define FASTCLUST_DISTANCE_KERNELS_H

#include <math.h>
#include <stddef.h>

#include "_cpu_features.h"

/* The four metrics of the vectorised rows; the codes are _pair_distance's. */
#define FC_ROW_EUCLIDEAN 0
#define FC_ROW_SQEUCLIDEAN 1
#define FC_ROW_CITYBLOCK 2
#define FC_ROW_CHEBYSHEV 3

/* Portable loop: out[j] = distance(x_i, x_j) for j in [j0, j1), the operations
 * of pair_distance() in _pair_distance.pxd. */
#define FC_ROW_SCALAR(OUT_T, KIND)                                               \
    for (; j < j1; ++j) {                                                        \
        double acc = 0.0;                                                        \
        for (ptrdiff_t k = 0; k < d; ++k) {                                      \
            double diff = xi[k] - XT[k * ld + j];                                \
            if (KIND == FC_ROW_EUCLIDEAN || KIND == FC_ROW_SQEUCLIDEAN)          \
                acc += diff * diff;                                              \
            else if (KIND == FC_ROW_CITYBLOCK)                                   \
                acc += fabs(diff);                                               \
            else if (fabs(diff) > acc)                                           \
                acc = fabs(diff);                                                \
        }                                                                        \
        out[j] = (OUT_T)(KIND == FC_ROW_EUCLIDEAN ? sqrt(acc) : acc);            \
    }

#define FC_DEFINE_ROW_SCALAR(NAME, OUT_T, KIND)                                  \
static void NAME(const double *xi, const double *XT, ptrdiff_t ld,               \
                 ptrdiff_t j0, ptrdiff_t j1, ptrdiff_t d, OUT_T *out)            \
{                                                                                \
    ptrdiff_t j = j0;                                                            \
    FC_ROW_SCALAR(OUT_T, KIND)                                                   \
}

FC_DEFINE_ROW_SCALAR(fc_row_scalar_euc_f64, double, FC_ROW_EUCLIDEAN)
FC_DEFINE_ROW_SCALAR(fc_row_scalar_sqe_f64, double, FC_ROW_SQEUCLIDEAN)
FC_DEFINE_ROW_SCALAR(fc_row_scalar_cit_f64, double, FC_ROW_CITYBLOCK)
FC_DEFINE_ROW_SCALAR(fc_row_scalar_che_f64, double, FC_ROW_CHEBYSHEV)
FC_DEFINE_ROW_SCALAR(fc_row_scalar_euc_f32, float, FC_ROW_EUCLIDEAN)
FC_DEFINE_ROW_SCALAR(fc_row_scalar_sqe_f32, float, FC_ROW_SQEUCLIDEAN)
FC_DEFINE_ROW_SCALAR(fc_row_scalar_cit_f32, float, FC_ROW_CITYBLOCK)
FC_DEFINE_ROW_SCALAR(fc_row_scalar_che_f32, float, FC_ROW_CHEBYSHEV)

#ifdef FC_X86_DISPATCH

/* One coordinate's contribution, in each metric's scalar order. */
#define FC_ACC(KIND, a, diff)                                                    \
    ((KIND == FC_ROW_EUCLIDEAN || KIND == FC_ROW_SQEUCLIDEAN)                    \
         ? _mm256_add_pd(a, _mm256_mul_pd(diff, diff))                           \
     : KIND == FC_ROW_CITYBLOCK ? _mm256_add_pd(a, _mm256_and_pd(diff, absmask)) \
                                : _mm256_max_pd(_mm256_and_pd(diff, absmask), a))
#define FC_FINISH(KIND, a) (KIND == FC_ROW_EUCLIDEAN ? _mm256_sqrt_pd(a) : (a))

/* 16 columns per iteration in four independent accumulators (the chain over k
 * is the latency bottleneck otherwise), then 4, then the scalar tail.
 * max_pd(|diff|, acc) returns acc unless |diff| > acc: the scalar rule. */
#define FC_ROW_AVX2_BODY(STORE4, KIND)                                           \
    const __m256d absmask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL)); \
    ptrdiff_t j = j0;                                                            \
    for (; j + 16 <= j1; j += 16) {                                              \
        __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;             \
        for (ptrdiff_t k = 0; k < d; ++k) {                                      \
            const double *row = XT + k * ld + j;                                 \
            __m256d x = _mm256_set1_pd(xi[k]);                                   \
            __m256d d0 = _mm256_sub_pd(x, _mm256_loadu_pd(row));                 \
            __m256d d1 = _mm256_sub_pd(x, _mm256_loadu_pd(row + 4));             \
            __m256d d2 = _mm256_sub_pd(x, _mm256_loadu_pd(row + 8));             \
            __m256d d3 = _mm256_sub_pd(x, _mm256_loadu_pd(row + 12));            \
            a0 = FC_ACC(KIND, a0, d0);                                           \
            a1 = FC_ACC(KIND, a1, d1);                                           \
            a2 = FC_ACC(KIND, a2, d2);                                           \
            a3 = FC_ACC(KIND, a3, d3);                                           \
        }                                                                        \
        STORE4(out + j, FC_FINISH(KIND, a0));                                    \
        STORE4(out + j + 4, FC_FINISH(KIND, a1));                                \
        STORE4(out + j + 8, FC_FINISH(KIND, a2));                                \
        STORE4(out + j + 12, FC_FINISH(KIND, a3));                               \
    }                                                                            \
    for (; j + 4 <= j1; j += 4) {                                                \
        __m256d a0 = _mm256_setzero_pd();                                        \
        for (ptrdiff_t k = 0; k < d; ++k) {                                      \
            __m256d d0 = _mm256_sub_pd(_mm256_set1_pd(xi[k]),                    \
                                       _mm256_loadu_pd(XT + k * ld + j));        \
            a0 = FC_ACC(KIND, a0, d0);                                           \
        }                                                                        \
        STORE4(out + j, FC_FINISH(KIND, a0));                                    \
    }

#define FC_STORE_F64(p, v) _mm256_storeu_pd((p), (v))
#define FC_STORE_F32(p, v) _mm_storeu_ps((p), _mm256_cvtpd_ps(v))

#define FC_DEFINE_ROW_AVX2(NAME, OUT_T, STORE4, KIND)                            \
__attribute__((target("avx2")))                                                  \
static void NAME(const double *xi, const double *XT, ptrdiff_t ld,               \
                 ptrdiff_t j0, ptrdiff_t j1, ptrdiff_t d, OUT_T *out)            \
{                                                                                \
    FC_ROW_AVX2_BODY(STORE4, KIND)                                               \
    FC_ROW_SCALAR(OUT_T, KIND)                                                   \
}

FC_DEFINE_ROW_AVX2(fc_row_avx2_euc_f64, double, FC_STORE_F64, FC_ROW_EUCLIDEAN)
FC_DEFINE_ROW_AVX2(fc_row_avx2_sqe_f64, double, FC_STORE_F64, FC_ROW_SQEUCLIDEAN)
FC_DEFINE_ROW_AVX2(fc_row_avx2_cit_f64, double, FC_STORE_F64, FC_ROW_CITYBLOCK)
FC_DEFINE_ROW_AVX2(fc_row_avx2_che_f64, double, FC_STORE_F64, FC_ROW_CHEBYSHEV)
FC_DEFINE_ROW_AVX2(fc_row_avx2_euc_f32, float, FC_STORE_F32, FC_ROW_EUCLIDEAN)
FC_DEFINE_ROW_AVX2(fc_row_avx2_sqe_f32, float, FC_STORE_F32, FC_ROW_SQEUCLIDEAN)
FC_DEFINE_ROW_AVX2(fc_row_avx2_cit_f32, float, FC_STORE_F32, FC_ROW_CITYBLOCK)
FC_DEFINE_ROW_AVX2(fc_row_avx2_che_f32, float, FC_STORE_F32, FC_ROW_CHEBYSHEV)
#endif

/* Cosine rows (correlation: the same on centred rows): out[j] = 1 - clip(dot / (n_i n_j))
 * with dot = sum_k x_i[k] x_j[k] in k order and the norms precomputed, the
 * operations of pair_distance()'s cosine branch. The clip keeps NaN (a zero
 * row): min_pd(1, c) and max_pd(-1, c) return c when c is NaN. */
#define FC_COSINE_SCALAR(OUT_T)                                                  \
    for (; j < j1; ++j) {                                                        \
        double acc = 0.0;                                                        \
        for (ptrdiff_t k = 0; k < d; ++k)                                        \
            acc += xi[k] * XT[k * ld + j];                                       \
        double c = acc / (norm_i * norms[j]);                                    \
        if (c > 1.0) c = 1.0;                                                    \
        else if (c < -1.0) c = -1.0;                                             \
        out[j] = (OUT_T)(1.0 - c);                                               \
    }

#define FC_DEFINE_COSINE_SCALAR(SUFFIX, OUT_T)                                   \
static void fc_cosine_row_scalar_##SUFFIX(const double *xi, double norm_i,       \
        const double *XT, ptrdiff_t ld, ptrdiff_t j0, ptrdiff_t j1, ptrdiff_t d, \
        const double *norms, OUT_T *out)                                         \
{                                                                                \
    ptrdiff_t j = j0;                                                            \
    FC_COSINE_SCALAR(OUT_T)                                                      \
}

FC_DEFINE_COSINE_SCALAR(f64, double)
FC_DEFINE_COSINE_SCALAR(f32, float)

#ifdef FC_X86_DISPATCH
#define FC_COSINE_FINISH(a, jj)                                                  \
    _mm256_sub_pd(one, _mm256_max_pd(minus_one, _mm256_min_pd(one,              \
        _mm256_div_pd(a, _mm256_mul_pd(ni, _mm256_loadu_pd(norms + (jj)))))))

#define FC_DEFINE_COSINE_AVX2(SUFFIX, OUT_T, STORE4)                             \
__attribute__((target("avx2")))                                                  \
static void fc_cosine_row_avx2_##SUFFIX(const double *xi, double norm_i,         \
        const double *XT, ptrdiff_t ld, ptrdiff_t j0, ptrdiff_t j1, ptrdiff_t d, \
        const double *norms, OUT_T *out)                                         \
{                                                                                \
    const __m256d one = _mm256_set1_pd(1.0), minus_one = _mm256_set1_pd(-1.0);   \
    const __m256d ni = _mm256_set1_pd(norm_i);                                   \
    ptrdiff_t j = j0;                                                            \
    for (; j + 16 <= j1; j += 16) {                                              \
        __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;             \
        for (ptrdiff_t k = 0; k < d; ++k) {                                      \
            const double *row = XT + k * ld + j;                                 \
            __m256d x = _mm256_set1_pd(xi[k]);                                   \
            a0 = _mm256_add_pd(a0, _mm256_mul_pd(x, _mm256_loadu_pd(row)));      \
            a1 = _mm256_add_pd(a1, _mm256_mul_pd(x, _mm256_loadu_pd(row + 4)));  \
            a2 = _mm256_add_pd(a2, _mm256_mul_pd(x, _mm256_loadu_pd(row + 8)));  \
            a3 = _mm256_add_pd(a3, _mm256_mul_pd(x, _mm256_loadu_pd(row + 12))); \
        }                                                                        \
        STORE4(out + j, FC_COSINE_FINISH(a0, j));                                \
        STORE4(out + j + 4, FC_COSINE_FINISH(a1, j + 4));                        \
        STORE4(out + j + 8, FC_COSINE_FINISH(a2, j + 8));                        \
        STORE4(out + j + 12, FC_COSINE_FINISH(a3, j + 12));                      \
    }                                                                            \
    for (; j + 4 <= j1; j += 4) {                                                \
        __m256d a0 = _mm256_setzero_pd();                                        \
        for (ptrdiff_t k = 0; k < d; ++k)                                        \
            a0 = _mm256_add_pd(a0, _mm256_mul_pd(_mm256_set1_pd(xi[k]),          \
                                                 _mm256_loadu_pd(XT + k * ld + j))); \
        STORE4(out + j, FC_COSINE_FINISH(a0, j));                                \
    }                                                                            \
    FC_COSINE_SCALAR(OUT_T)                                                      \
}

FC_DEFINE_COSINE_AVX2(f64, double, FC_STORE_F64)
FC_DEFINE_COSINE_AVX2(f32, float, FC_STORE_F32)
#define FC_COSINE_CALL(SUFFIX)                                                   \
    do {                                                                         \
        if (fc_use_avx2())                                                      \
            fc_cosine_row_avx2_##SUFFIX(xi, norm_i, XT, ld, j0, j1, d, norms, out); \
        else                                                                     \
            fc_cosine_row_scalar_##SUFFIX(xi, norm_i, XT, ld, j0, j1, d, norms, out); \
    } while (0)
#else
#define FC_COSINE_CALL(SUFFIX)                                                   \
    fc_cosine_row_scalar_##SUFFIX(xi, norm_i, XT, ld, j0, j1, d, norms, out)
#endif

/* Bray-Curtis, Canberra and standardised Euclidean rows (unweighted; V: the
 * variances for seuclidean), the operations of other_distance() in
 * _pair_distance.pxd in the same order:
 *   braycurtis  sum |x_i - x_j| / sum |x_i + x_j|
 *   canberra    sum |x_i - x_j| / (|x_i| + |x_j| + (that == 0))   (0/0 terms count 0)
 *   seuclidean  sqrt(sum (x_i - x_j)^2 / V) */
#define FC_ROW_BRAYCURTIS 6
#define FC_ROW_CANBERRA 7
#define FC_ROW_SEUCLIDEAN 8

#define FC_OTHER_SCALAR(OUT_T, KIND)                                             \
    for (; j < j1; ++j) {                                                        \
        double num = 0.0, den = 0.0;                                             \
        for (ptrdiff_t k = 0; k < d; ++k) {                                      \
            double u = xi[k], v = XT[k * ld + j];                                \
            if (KIND == FC_ROW_BRAYCURTIS) {                                     \
                num += fabs(u - v);                                              \
                den += fabs(u + v);                                              \
            } else if (KIND == FC_ROW_CANBERRA) {                                \
                double dd = fabs(u) + fabs(v);                                   \
                num += fabs(u - v) / (dd + (dd == 0.0));                         \
            } else {                                                             \
                double s = u - v;                                                \
                num += s * s / V[k];                                             \
            }                                                                    \
        }                                                                        \
        out[j] = (OUT_T)(KIND == FC_ROW_BRAYCURTIS ? num / den                   \
                         : KIND == FC_ROW_CANBERRA ? num : sqrt(num));           \
    }

#define FC_DEFINE_OTHER_SCALAR(NAME, OUT_T, KIND)                                \
static void NAME(const double *xi, const double *XT, ptrdiff_t ld, ptrdiff_t j0, \
                 ptrdiff_t j1, ptrdiff_t d, const double *V, OUT_T *out)         \
{                                                                                \
    ptrdiff_t j = j0;                                                            \
    FC_OTHER_SCALAR(OUT_T, KIND)                                                 \
}

FC_DEFINE_OTHER_SCALAR(fc_row_scalar_bra_f64, double, FC_ROW_BRAYCURTIS)
FC_DEFINE_OTHER_SCALAR(fc_row_scalar_can_f64, double, FC_ROW_CANBERRA)
FC_DEFINE_OTHER_SCALAR(fc_row_scalar_seu_f64, double, FC_ROW_SEUCLIDEAN)
FC_DEFINE_OTHER_SCALAR(fc_row_scalar_bra_f32, float, FC_ROW_BRAYCURTIS)
FC_DEFINE_OTHER_SCALAR(fc_row_scalar_can_f32, float, FC_ROW_CANBERRA)
FC_DEFINE_OTHER_SCALAR(fc_row_scalar_seu_f32, float, FC_ROW_SEUCLIDEAN)

#ifdef FC_X86_DISPATCH
/* One coordinate k into the accumulators (num, den) of four columns c. */
#define FC_OTHER_ACC(KIND, num, den, x, c, Vk)                                   \
    do {                                                                         \
        if (KIND == FC_ROW_BRAYCURTIS) {                                         \
            num = _mm256_add_pd(num, _mm256_and_pd(_mm256_sub_pd(x, c), absmask)); \
            den = _mm256_add_pd(den, _mm256_and_pd(_mm256_add_pd(x, c), absmask)); \
        } else if (KIND == FC_ROW_CANBERRA) {                                    \
            __m256d dd = _mm256_add_pd(_mm256_and_pd(x, absmask),                \
                                       _mm256_and_pd(c, absmask));               \
            dd = _mm256_add_pd(dd, _mm256_and_pd(_mm256_cmp_pd(dd, zero, _CMP_EQ_OQ), one)); \
            num = _mm256_add_pd(num, _mm256_div_pd(_mm256_and_pd(_mm256_sub_pd(x, c), \
                                                                 absmask), dd)); \
        } else {                                                                 \
            __m256d s = _mm256_sub_pd(x, c);                                     \
            num = _mm256_add_pd(num, _mm256_div_pd(_mm256_mul_pd(s, s), Vk));    \
        }                                                                        \
    } while (0)
#define FC_OTHER_FINISH(KIND, num, den)                                          \
    (KIND == FC_ROW_BRAYCURTIS ? _mm256_div_pd(num, den)                         \
     : KIND == FC_ROW_CANBERRA ? (num) : _mm256_sqrt_pd(num))

#define FC_DEFINE_OTHER_AVX2(NAME, OUT_T, STORE4, KIND)                          \
__attribute__((target("avx2")))                                                  \
static void NAME(const double *xi, const double *XT, ptrdiff_t ld, ptrdiff_t j0, \
                 ptrdiff_t j1, ptrdiff_t d, const double *V, OUT_T *out)         \
{                                                                                \
    const __m256d absmask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL)); \
    const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0);         \
    ptrdiff_t j = j0;                                                            \
    for (; j + 8 <= j1; j += 8) {                                                \
        __m256d n0 = zero, n1 = zero, e0 = zero, e1 = zero;                      \
        for (ptrdiff_t k = 0; k < d; ++k) {                                      \
            const double *row = XT + k * ld + j;                                 \
            __m256d x = _mm256_set1_pd(xi[k]);                                   \
            __m256d Vk = KIND == FC_ROW_SEUCLIDEAN ? _mm256_set1_pd(V[k]) : one; \
            FC_OTHER_ACC(KIND, n0, e0, x, _mm256_loadu_pd(row), Vk);             \
            FC_OTHER_ACC(KIND, n1, e1, x, _mm256_loadu_pd(row + 4), Vk);         \
        }                                                                        \
        STORE4(out + j, FC_OTHER_FINISH(KIND, n0, e0));                          \
        STORE4(out + j + 4, FC_OTHER_FINISH(KIND, n1, e1));                      \
    }                                                                            \
    for (; j + 4 <= j1; j += 4) {                                                \
        __m256d n0 = zero, e0 = zero;                                            \
        for (ptrdiff_t k = 0; k < d; ++k) {                                      \
            __m256d Vk = KIND == FC_ROW_SEUCLIDEAN ? _mm256_set1_pd(V[k]) : one; \
            FC_OTHER_ACC(KIND, n0, e0, _mm256_set1_pd(xi[k]),                    \
                         _mm256_loadu_pd(XT + k * ld + j), Vk);                  \
        }                                                                        \
        STORE4(out + j, FC_OTHER_FINISH(KIND, n0, e0));                          \
    }                                                                            \
    FC_OTHER_SCALAR(OUT_T, KIND)                                                 \
}

FC_DEFINE_OTHER_AVX2(fc_row_avx2_bra_f64, double, FC_STORE_F64, FC_ROW_BRAYCURTIS)
FC_DEFINE_OTHER_AVX2(fc_row_avx2_can_f64, double, FC_STORE_F64, FC_ROW_CANBERRA)
FC_DEFINE_OTHER_AVX2(fc_row_avx2_seu_f64, double, FC_STORE_F64, FC_ROW_SEUCLIDEAN)
FC_DEFINE_OTHER_AVX2(fc_row_avx2_bra_f32, float, FC_STORE_F32, FC_ROW_BRAYCURTIS)
FC_DEFINE_OTHER_AVX2(fc_row_avx2_can_f32, float, FC_STORE_F32, FC_ROW_CANBERRA)
FC_DEFINE_OTHER_AVX2(fc_row_avx2_seu_f32, float, FC_STORE_F32, FC_ROW_SEUCLIDEAN)
#define FC_OTHER_CALL(KIND3, SUFFIX)                                             \
    do {                                                                         \
        if (fc_use_avx2()) fc_row_avx2_##KIND3##_##SUFFIX(xi, XT, ld, j0, j1, d, V, out); \
        else fc_row_scalar_##KIND3##_##SUFFIX(xi, XT, ld, j0, j1, d, V, out);    \
    } while (0)
#else
#define FC_OTHER_CALL(KIND3, SUFFIX) fc_row_scalar_##KIND3##_##SUFFIX(xi, XT, ld, j0, j1, d, V, out)
#endif

/* Mahalanobis rows: sqrt(sum_k diff_k * (sum_l diff_l VI[k, l])) with diff = x_i - x_j,
 * the operations of other_distance() in the same order; VI row-major (d, d), d <= 64. */
#define FC_MAHALANOBIS_SCALAR(OUT_T)                                             \
    for (; j < j1; ++j) {                                                        \
        double diff[64], acc = 0.0;                                              \
        for (ptrdiff_t k = 0; k < d; ++k)                                        \
            diff[k] = xi[k] - XT[k * ld + j];                                    \
        for (ptrdiff_t k = 0; k < d; ++k) {                                      \
            double s = 0.0;                                                      \
            for (ptrdiff_t l = 0; l < d; ++l)                                    \
                s += diff[l] * VI[k * d + l];                                    \
            acc += diff[k] * s;                                                  \
        }                                                                        \
        out[j] = (OUT_T)sqrt(acc);                                               \
    }

#define FC_DEFINE_MAHALANOBIS_SCALAR(SUFFIX, OUT_T)                              \
static void fc_mahalanobis_row_scalar_##SUFFIX(const double *xi, const double *XT, \
        ptrdiff_t ld, ptrdiff_t j0, ptrdiff_t j1, ptrdiff_t d, const double *VI, \
        OUT_T *out)                                                              \
{                                                                                \
    ptrdiff_t j = j0;                                                            \
    FC_MAHALANOBIS_SCALAR(OUT_T)                                                 \
}

FC_DEFINE_MAHALANOBIS_SCALAR(f64, double)
FC_DEFINE_MAHALANOBIS_SCALAR(f32, float)

#ifdef FC_X86_DISPATCH
/* Four columns at a time: their d differences in registers' worth of memory, then
 * the quadratic form with each VI entry broadcast to the four lanes. */
#define FC_DEFINE_MAHALANOBIS_AVX2(SUFFIX, OUT_T, STORE4)                        \
__attribute__((target("avx2")))                                                  \
static void fc_mahalanobis_row_avx2_##SUFFIX(const double *xi, const double *XT, \
        ptrdiff_t ld, ptrdiff_t j0, ptrdiff_t j1, ptrdiff_t d, const double *VI, \
        OUT_T *out)                                                              \
{                                                                                \
    __m256d diff[64], dif2[64];                                                  \
    ptrdiff_t j = j0;                                                            \
    for (; j + 8 <= j1; j += 8) {       /* two groups: independent add chains */ \
        for (ptrdiff_t k = 0; k < d; ++k) {                                      \
            __m256d x = _mm256_set1_pd(xi[k]);                                   \
            diff[k] = _mm256_sub_pd(x, _mm256_loadu_pd(XT + k * ld + j));        \
            dif2[k] = _mm256_sub_pd(x, _mm256_loadu_pd(XT + k * ld + j + 4));    \
        }                                                                        \
        __m256d acc = _mm256_setzero_pd(), ac2 = acc;                            \
        for (ptrdiff_t k = 0; k < d; ++k) {                                      \
            __m256d s = _mm256_setzero_pd(), s2 = s;                             \
            for (ptrdiff_t l = 0; l < d; ++l) {                                  \
                __m256d v = _mm256_set1_pd(VI[k * d + l]);                       \
                s = _mm256_add_pd(s, _mm256_mul_pd(diff[l], v));                 \
                s2 = _mm256_add_pd(s2, _mm256_mul_pd(dif2[l], v));               \
            }                                                                    \
            acc = _mm256_add_pd(acc, _mm256_mul_pd(diff[k], s));                 \
            ac2 = _mm256_add_pd(ac2, _mm256_mul_pd(dif2[k], s2));                \
        }                                                                        \
        STORE4(out + j, _mm256_sqrt_pd(acc));                                    \
        STORE4(out + j + 4, _mm256_sqrt_pd(ac2));                                \
    }                                                                            \
    for (; j + 4 <= j1; j += 4) {                                                \
        for (ptrdiff_t k = 0; k < d; ++k)                                        \
            diff[k] = _mm256_sub_pd(_mm256_set1_pd(xi[k]), _mm256_loadu_pd(XT + k * ld + j)); \
        __m256d acc = _mm256_setzero_pd();                                       \
        for (ptrdiff_t k = 0; k < d; ++k) {                                      \
            __m256d s = _mm256_setzero_pd();                                     \
            for (ptrdiff_t l = 0; l < d; ++l)                                    \
                s = _mm256_add_pd(s, _mm256_mul_pd(diff[l], _mm256_set1_pd(VI[k * d + l]))); \
            acc = _mm256_add_pd(acc, _mm256_mul_pd(diff[k], s));                 \
        }                                                                        \
        STORE4(out + j, _mm256_sqrt_pd(acc));                                    \
    }                                                                            \
    FC_MAHALANOBIS_SCALAR(OUT_T)                                                 \
}

FC_DEFINE_MAHALANOBIS_AVX2(f64, double, FC_STORE_F64)
FC_DEFINE_MAHALANOBIS_AVX2(f32, float, FC_STORE_F32)
#define FC_MAHALANOBIS_CALL(SUFFIX)                                              \
    do {                                                                         \
        if (fc_use_avx2()) fc_mahalanobis_row_avx2_##SUFFIX(xi, XT, ld, j0, j1, d, VI, out); \
        else fc_mahalanobis_row_scalar_##SUFFIX(xi, XT, ld, j0, j1, d, VI, out); \
    } while (0)
#else
#define FC_MAHALANOBIS_CALL(SUFFIX)                                              \
    fc_mahalanobis_row_scalar_##SUFFIX(xi, XT, ld, j0, j1, d, VI, out)
#endif

/* out[j] = distance of metric `kind` (FC_ROW_*) between x_i and column j of XT,
 * rounded to out's type, for j in [j0, j1). */
#ifdef FC_X86_DISPATCH
#define FC_ROW_CALL(KIND3, SUFFIX)                                               \
    do {                                                                         \
        if (fc_use_avx2()) fc_row_avx2_##KIND3##_##SUFFIX(xi, XT, ld, j0, j1, d, out); \
        else fc_row_scalar_##KIND3##_##SUFFIX(xi, XT, ld, j0, j1, d, out);       \
    } while (0)
#else
#define FC_ROW_CALL(KIND3, SUFFIX) fc_row_scalar_##KIND3##_##SUFFIX(xi, XT, ld, j0, j1, d, out)
#endif

#define FC_DEFINE_ROW(SUFFIX, OUT_T)                                             \
static inline void fc_metric_row_##SUFFIX(int kind, const double *xi, const double *XT, \
                                          ptrdiff_t ld, ptrdiff_t j0, ptrdiff_t j1, \
                                          ptrdiff_t d, OUT_T *out)               \
{                                                                                \
    switch (kind) {                                                              \
    case FC_ROW_EUCLIDEAN: FC_ROW_CALL(euc, SUFFIX); break;                      \
    case FC_ROW_SQEUCLIDEAN: FC_ROW_CALL(sqe, SUFFIX); break;                    \
    case FC_ROW_CITYBLOCK: FC_ROW_CALL(cit, SUFFIX); break;                      \
    default: FC_ROW_CALL(che, SUFFIX); break;                                    \
    }                                                                            \
}

FC_DEFINE_ROW(f64, double)
FC_DEFINE_ROW(f32, float)

#define FC_DEFINE_COSINE_ROW(SUFFIX, OUT_T)                                      \
static inline void fc_cosine_row_##SUFFIX(const double *xi, double norm_i,       \
        const double *XT, ptrdiff_t ld, ptrdiff_t j0, ptrdiff_t j1, ptrdiff_t d, \
        const double *norms, OUT_T *out)                                         \
{                                                                                \
    FC_COSINE_CALL(SUFFIX);                                                      \
}

FC_DEFINE_COSINE_ROW(f64, double)
FC_DEFINE_COSINE_ROW(f32, float)

#define FC_DEFINE_OTHER_ROW(SUFFIX, OUT_T)                                       \
static inline void fc_other_row_##SUFFIX(int kind, const double *xi, const double *XT, \
        ptrdiff_t ld, ptrdiff_t j0, ptrdiff_t j1, ptrdiff_t d, const double *V,  \
        OUT_T *out)                                                              \
{                                                                                \
    switch (kind) {                                                              \
    case FC_ROW_BRAYCURTIS: FC_OTHER_CALL(bra, SUFFIX); break;                   \
    case FC_ROW_CANBERRA: FC_OTHER_CALL(can, SUFFIX); break;                     \
    default: FC_OTHER_CALL(seu, SUFFIX); break;                                  \
    }                                                                            \
}

FC_DEFINE_OTHER_ROW(f64, double)
FC_DEFINE_OTHER_ROW(f32, float)

#define FC_DEFINE_MAHALANOBIS_ROW(SUFFIX, OUT_T)                                 \
static inline void fc_mahalanobis_row_##SUFFIX(const double *xi, const double *XT, \
        ptrdiff_t ld, ptrdiff_t j0, ptrdiff_t j1, ptrdiff_t d, const double *VI, \
        OUT_T *out)                                                              \
{                                                                                \
    FC_MAHALANOBIS_CALL(SUFFIX);                                                 \
}

FC_DEFINE_MAHALANOBIS_ROW(f64, double)
FC_DEFINE_MAHALANOBIS_ROW(f32, float)

#endif
