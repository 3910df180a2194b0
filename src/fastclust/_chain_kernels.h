/* Inner loops of the NN-chain on the square (n x n) layout, see _nn_chain.pyx.
 *
 * The square layout exists so that a scan, an update or a replay never reads or
 * writes a column: those loops walk one row. Only the build of the matrix and the
 * compaction's copy of stale entries cross columns, once per pass, in tiles.
 */
#ifndef FASTCLUST_CHAIN_KERNELS_H
#define FASTCLUST_CHAIN_KERNELS_H

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "_scan_kernels.h"

/* Method codes, as METHOD_* in _common.pxd (_nn_chain.pyx checks on import). */
#define FC_COMPLETE 1
#define FC_AVERAGE 2
#define FC_WEIGHTED 3
#define FC_WARD 4

/* Lexicographic minimum of (row[j] + pen[j], j) over j in [0, m): pen[j] is 0 for
 * a live column and +inf for a dead one (the row's own diagonal holds +inf).
 * Returns the index (-1 if every entry is +inf); *best gets row[index] itself,
 * so that a -0.0 distance keeps its sign bit. */
static ptrdiff_t fc_masked_argmin_scalar(const double *restrict row,
                                         const double *restrict pen, ptrdiff_t m,
                                         double *best)
{
    double b = INFINITY;
    ptrdiff_t k = -1;
    for (ptrdiff_t j = 0; j < m; ++j) {
        double v = row[j] + pen[j];
        if (v < b) {
            b = v;
            k = j;
        }
    }
    *best = k >= 0 ? row[k] : INFINITY;
    return k;
}

#ifdef FC_X86_DISPATCH
/* The same minimum in eight lanes (two vectors of four), each keeping its own
 * strict minimum and the first index where it was reached; combined
 * lexicographically, the result is the scalar loop's. Indices ride along as
 * doubles, exact below 2^53. */
__attribute__((target("avx2")))
static ptrdiff_t fc_masked_argmin_avx2(const double *restrict row,
                                       const double *restrict pen, ptrdiff_t m,
                                       double *best)
{
    __m256d b0 = _mm256_set1_pd(INFINITY), b1 = b0;
    __m256d k0 = _mm256_set1_pd(-1.0), k1 = k0;
    __m256d idx0 = _mm256_set_pd(3.0, 2.0, 1.0, 0.0);
    __m256d idx1 = _mm256_set_pd(7.0, 6.0, 5.0, 4.0);
    const __m256d step = _mm256_set1_pd(8.0);
    ptrdiff_t j = 0;
    for (; j + 8 <= m; j += 8) {
        __m256d v0 = _mm256_add_pd(_mm256_loadu_pd(row + j), _mm256_loadu_pd(pen + j));
        __m256d v1 = _mm256_add_pd(_mm256_loadu_pd(row + j + 4), _mm256_loadu_pd(pen + j + 4));
        __m256d lt0 = _mm256_cmp_pd(v0, b0, _CMP_LT_OQ);
        __m256d lt1 = _mm256_cmp_pd(v1, b1, _CMP_LT_OQ);
        b0 = _mm256_blendv_pd(b0, v0, lt0);
        k0 = _mm256_blendv_pd(k0, idx0, lt0);
        b1 = _mm256_blendv_pd(b1, v1, lt1);
        k1 = _mm256_blendv_pd(k1, idx1, lt1);
        idx0 = _mm256_add_pd(idx0, step);
        idx1 = _mm256_add_pd(idx1, step);
    }
    double bv[8], kv[8];
    _mm256_storeu_pd(bv, b0);
    _mm256_storeu_pd(bv + 4, b1);
    _mm256_storeu_pd(kv, k0);
    _mm256_storeu_pd(kv + 4, k1);
    double b = INFINITY;
    ptrdiff_t k = -1;
    for (int l = 0; l < 8; ++l) {
        ptrdiff_t kl = (ptrdiff_t)kv[l];
        if (kl >= 0 && (bv[l] < b || (bv[l] == b && kl < k))) {
            b = bv[l];
            k = kl;
        }
    }
    for (; j < m; ++j) {            /* the tail comes after every lane's indices */
        double v = row[j] + pen[j];
        if (v < b) {
            b = v;
            k = j;
        }
    }
    *best = k >= 0 ? row[k] : INFINITY;
    return k;
}
#endif

static inline ptrdiff_t fc_masked_argmin(const double *row, const double *pen, ptrdiff_t m,
                                         double *best)
{
#ifdef FC_X86_DISPATCH
    if (fc_use_avx2())
        return fc_masked_argmin_avx2(row, pen, m, best);
#endif
    return fc_masked_argmin_scalar(row, pen, m, best);
}

/* The Lance-Williams update: d(a u b, k) from d(k, a), d(k, b), d(a, b) and the
 * sizes of a, b and k (Ward on squared distances). Both layouts and every
 * replay use this one expression, so they produce the same bits; without FMA
 * (-ffp-contract=off), a vectorised loop rounds every lane as this does. */
static inline double fc_lance_williams(int method, double d_ka, double d_kb, double d_ab,
                                       double size_a, double size_b, double size_k)
{
    switch (method) {
    case FC_COMPLETE:
        return d_ka > d_kb ? d_ka : d_kb;
    case FC_AVERAGE:
        return (size_a * d_ka + size_b * d_kb) / (size_a + size_b);
    case FC_WEIGHTED:
        return 0.5 * (d_ka + d_kb);
    default:
        return ((size_k + size_a) * d_ka + (size_k + size_b) * d_kb - size_k * d_ab)
               / (size_k + size_a + size_b);
    }
}

/* A whole row: ra[j] = d(a u b, j) from ra[j] = d(a, j) and rb[j] = d(b, j), for
 * every j in [0, m) (dead columns get values nobody reads). One loop per method
 * with the method a constant, which the compiler vectorises. Not inlined: the
 * caller's two rows of one matrix would otherwise lose `restrict`. */
#define FC_LW_ROW_LOOP(METHOD)                                                   \
    for (ptrdiff_t j = 0; j < m; ++j)                                            \
        ra[j] = fc_lance_williams(METHOD, ra[j], rb[j], d_ab, size_a, size_b, size[j]);
#define FC_LW_ROW_BODY                                                           \
    switch (method) {                                                            \
    case FC_COMPLETE: FC_LW_ROW_LOOP(FC_COMPLETE) break;                         \
    case FC_AVERAGE: FC_LW_ROW_LOOP(FC_AVERAGE) break;                           \
    case FC_WEIGHTED: FC_LW_ROW_LOOP(FC_WEIGHTED) break;                         \
    default: FC_LW_ROW_LOOP(FC_WARD) break;                                      \
    }
#define FC_LW_ROW_ARGS                                                           \
    (int method, double *restrict ra, const double *restrict rb,                 \
     const double *restrict size, ptrdiff_t m, double d_ab, double size_a, double size_b)

FC_NOINLINE
static void fc_lance_williams_row_portable FC_LW_ROW_ARGS { FC_LW_ROW_BODY }

#ifdef FC_X86_DISPATCH
__attribute__((noinline, target("avx2")))
static void fc_lance_williams_row_avx2 FC_LW_ROW_ARGS { FC_LW_ROW_BODY }
#endif

static void fc_lance_williams_row FC_LW_ROW_ARGS
{
#ifdef FC_X86_DISPATCH
    if (fc_use_avx2()) {
        fc_lance_williams_row_avx2(method, ra, rb, size, m, d_ab, size_a, size_b);
        return;
    }
#endif
    fc_lance_williams_row_portable(method, ra, rb, size, m, d_ab, size_a, size_b);
}

/* One merge as the square kernel logs it: row a was rewritten from rows a and b,
 * d(a, b) = d, and the clusters had sizes size_a and size_b before the merge. */
typedef struct {
    ptrdiff_t a, b;
    double d, size_a, size_b;
} fc_merge_t;

/* Replay merges log[t0:t1) on row `row` of a cluster of size size_x that took
 * part in none of them: each sets row[a] from row[a] and row[b] as they stood
 * before that merge, the number the merge wrote into row a. */
#define FC_REPLAY_LOOP(METHOD)                                                   \
    for (ptrdiff_t t = t0; t < t1; ++t) {                                        \
        const fc_merge_t *e = log + t;                                           \
        row[e->a] = fc_lance_williams(METHOD, row[e->a], row[e->b], e->d,        \
                                      e->size_a, e->size_b, size_x);             \
    }
static void fc_replay_row(int method, double *restrict row, ptrdiff_t m, double size_x,
                          const fc_merge_t *restrict log, ptrdiff_t t0, ptrdiff_t t1)
{
    /* The replays hit row entries in no order, each a cache miss of its own if
     * the row is not in cache: when there are more replays than a sixteenth of
     * the row's cache lines, fetch the whole row first, as a stream. */
    if (16 * (t1 - t0) > m / 8)
        for (ptrdiff_t j = 0; j < m; j += 8)
            FC_PREFETCH_WRITE(row + j);
    switch (method) {
    case FC_COMPLETE: FC_REPLAY_LOOP(FC_COMPLETE) break;
    case FC_AVERAGE: FC_REPLAY_LOOP(FC_AVERAGE) break;
    case FC_WEIGHTED: FC_REPLAY_LOOP(FC_WEIGHTED) break;
    default: FC_REPLAY_LOOP(FC_WARD) break;
    }
}

/* Bring rows[0:n_rows] of D (N x N) up to date from the rewritten rows
 * sources[0:n_sources]: entry (x, j) is stale when row j was rewritten after
 * row x was last made current (rewritten_at[j] > valid_since[x]); row j then
 * holds it, as row j was computed after x last changed. Stale entries are
 * never read here (j's own entry for x is current), so the order is free:
 * for each source row, the few entries over this block's columns. */
static void fc_copy_stale_entries(double *D, ptrdiff_t N, const ptrdiff_t *rows,
                                  ptrdiff_t n_rows, const ptrdiff_t *valid_since,
                                  const ptrdiff_t *sources, ptrdiff_t n_sources,
                                  const ptrdiff_t *rewritten_at)
{
    for (ptrdiff_t s = 0; s < n_sources; ++s) {
        ptrdiff_t j = sources[s];
        ptrdiff_t t = rewritten_at[j];
        const double *row_j = D + j * N;
        for (ptrdiff_t k = 0; k < n_rows; ++k) {
            ptrdiff_t x = rows[k];
            if (t > valid_since[x])
                D[x * N + j] = row_j[x];
        }
    }
}

/* Upper parts of rows [i0, i1) of the square matrix D (n x n) from the
 * condensed y: D[i, j] = scale * y(i, j), squared when `square`, for j > i;
 * and D[i, i] = +inf.
 *
 * y may also be the last n(n-1)/2 entries of D itself (hence no `restrict`),
 * provided the rows are built in order, all of them before any lower part:
 * y's row k starts at offset n(n+1)/2 + k n - k(k+1)/2 of D, at least k n since
 * k(k+1) <= n(n+1), so building row i (which ends at (i+1) n) never reaches y's
 * rows after i, and within row i every entry goes to an offset at or before
 * the one it comes from. */
static void fc_square_upper_rows(const double *y, ptrdiff_t n, ptrdiff_t i0, ptrdiff_t i1,
                                 double scale, int square, double *D)
{
    for (ptrdiff_t i = i0; i < i1; ++i) {
        const double *src = y + (i * (2 * n - i - 1)) / 2;     /* pair (i, i + 1) */
        double *dst = D + i * n + i + 1;
        ptrdiff_t len = n - i - 1;
        if (square) {
            for (ptrdiff_t j = 0; j < len; ++j) {
                double v = src[j] * scale;
                dst[j] = v * v;
            }
        } else if (scale != 1.0) {
            for (ptrdiff_t j = 0; j < len; ++j)
                dst[j] = src[j] * scale;
        } else {
            memmove(dst, src, (size_t)len * sizeof(double));
        }
        D[i * n + i] = INFINITY;
    }
}

/* Lower parts of rows [i0, i1): D[i, j] = D[j, i] for j < i, from the upper
 * parts, which must all be built. Copied in 32 x 32 tiles, so that the column
 * reads stay in cache. */
static void fc_square_lower_rows(ptrdiff_t n, ptrdiff_t i0, ptrdiff_t i1, double *D)
{
    const ptrdiff_t T = 32;
    for (ptrdiff_t ib = i0; ib < i1; ib += T) {
        ptrdiff_t iend = ib + T < i1 ? ib + T : i1;
        for (ptrdiff_t jb = 0; jb < iend; jb += T) {
            ptrdiff_t jend = jb + T < iend ? jb + T : iend;
            for (ptrdiff_t i = ib; i < iend; ++i) {
                ptrdiff_t jstop = jend < i ? jend : i;
                for (ptrdiff_t j = jb; j < jstop; ++j)
                    D[i * n + j] = D[j * n + i];
            }
        }
    }
}

#endif
