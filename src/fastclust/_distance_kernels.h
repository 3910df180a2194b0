/* Vectorised unweighted Euclidean rows for pdist / cdist, see _metrics.pyx.
 *
 * The columns are read from a transposed float64 copy XT (d rows of leading
 * dimension ld), so that four consecutive columns j..j+3 sit in one AVX2
 * register for each coordinate k. Every lane performs exactly the scalar
 * loop's operations in the same order:
 *     acc = 0; for k: diff = x_i[k] - x_j[k]; acc = acc + diff * diff;  sqrt(acc)
 * with separate multiply and add (the AVX2 target has no FMA, and the build
 * does not contract), so the result is bit-identical to squared_distance() in
 * _pair_distance.pxd followed by sqrt.
 */
#ifndef FASTCLUST_DISTANCE_KERNELS_H
#define FASTCLUST_DISTANCE_KERNELS_H

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

/* Portable loop: out[j] = ||x_i - x_j|| for j in [j0, j1). */
#define FC_EUCLID_SCALAR(OUT_T)                                                  \
    for (; j < j1; ++j) {                                                        \
        double acc = 0.0;                                                        \
        for (ptrdiff_t k = 0; k < d; ++k) {                                      \
            double diff = xi[k] - XT[k * ld + j];                                \
            acc += diff * diff;                                                  \
        }                                                                        \
        out[j] = (OUT_T)sqrt(acc);                                               \
    }

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define FASTCLUST_HAVE_AVX2_DISTANCE 1

/* 16 columns per iteration in four independent accumulators (the add chain
 * over k is the latency bottleneck otherwise), then 4, then the scalar tail. */
#define FC_EUCLID_AVX2_BODY(STORE4)                                              \
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
            a0 = _mm256_add_pd(a0, _mm256_mul_pd(d0, d0));                       \
            a1 = _mm256_add_pd(a1, _mm256_mul_pd(d1, d1));                       \
            a2 = _mm256_add_pd(a2, _mm256_mul_pd(d2, d2));                       \
            a3 = _mm256_add_pd(a3, _mm256_mul_pd(d3, d3));                       \
        }                                                                        \
        STORE4(out + j, _mm256_sqrt_pd(a0));                                     \
        STORE4(out + j + 4, _mm256_sqrt_pd(a1));                                 \
        STORE4(out + j + 8, _mm256_sqrt_pd(a2));                                 \
        STORE4(out + j + 12, _mm256_sqrt_pd(a3));                                \
    }                                                                            \
    for (; j + 4 <= j1; j += 4) {                                                \
        __m256d a0 = _mm256_setzero_pd();                                        \
        for (ptrdiff_t k = 0; k < d; ++k) {                                      \
            __m256d d0 = _mm256_sub_pd(_mm256_set1_pd(xi[k]),                    \
                                       _mm256_loadu_pd(XT + k * ld + j));        \
            a0 = _mm256_add_pd(a0, _mm256_mul_pd(d0, d0));                       \
        }                                                                        \
        STORE4(out + j, _mm256_sqrt_pd(a0));                                     \
    }

#define FC_STORE_F64(p, v) _mm256_storeu_pd((p), (v))
#define FC_STORE_F32(p, v) _mm_storeu_ps((p), _mm256_cvtpd_ps(v))

__attribute__((target("avx2")))
static void fc_euclidean_row_f64_avx2(const double *xi, const double *XT, ptrdiff_t ld,
                                      ptrdiff_t j0, ptrdiff_t j1, ptrdiff_t d, double *out)
{
    FC_EUCLID_AVX2_BODY(FC_STORE_F64)
    FC_EUCLID_SCALAR(double)
}

__attribute__((target("avx2")))
static void fc_euclidean_row_f32_avx2(const double *xi, const double *XT, ptrdiff_t ld,
                                      ptrdiff_t j0, ptrdiff_t j1, ptrdiff_t d, float *out)
{
    FC_EUCLID_AVX2_BODY(FC_STORE_F32)
    FC_EUCLID_SCALAR(float)
}
#endif

/* 1 when the vectorised rows will be used: an AVX2 CPU and FASTCLUST_NO_AVX2 unset. */
static inline int fc_have_avx2(void)
{
#ifdef FASTCLUST_HAVE_AVX2_DISTANCE
    static int use_avx2 = -1;   /* benign race: all threads agree */
    if (use_avx2 < 0)
        use_avx2 = __builtin_cpu_supports("avx2") && getenv("FASTCLUST_NO_AVX2") == NULL;
    return use_avx2;
#else
    return 0;
#endif
}

/* out[j] = ||x_i - x_j|| (rounded to out's type) for j in [j0, j1); x_j is column j of XT. */
static inline void fc_euclidean_row_f64(const double *xi, const double *XT, ptrdiff_t ld,
                                        ptrdiff_t j0, ptrdiff_t j1, ptrdiff_t d, double *out)
{
#ifdef FASTCLUST_HAVE_AVX2_DISTANCE
    if (fc_have_avx2()) {
        fc_euclidean_row_f64_avx2(xi, XT, ld, j0, j1, d, out);
        return;
    }
#endif
    ptrdiff_t j = j0;
    FC_EUCLID_SCALAR(double)
}

static inline void fc_euclidean_row_f32(const double *xi, const double *XT, ptrdiff_t ld,
                                        ptrdiff_t j0, ptrdiff_t j1, ptrdiff_t d, float *out)
{
#ifdef FASTCLUST_HAVE_AVX2_DISTANCE
    if (fc_have_avx2()) {
        fc_euclidean_row_f32_avx2(xi, XT, ld, j0, j1, d, out);
        return;
    }
#endif
    ptrdiff_t j = j0;
    FC_EUCLID_SCALAR(float)
}

#endif
