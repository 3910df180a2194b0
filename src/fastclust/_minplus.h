/* The (min, +) row update at the heart of optimal leaf ordering, see _olo.pyx:
 *
 *     r[j] = min(r[j], a + row[j])     for j in [0, len)
 *
 * The body is written so that GCC vectorises it (a compare-select, no branch);
 * it is compiled twice, for the baseline target (SSE2) and for AVX2, and the
 * AVX2 copy is used when the CPU has it (FASTCLUST_NO_AVX2=1 forces the
 * baseline, as for the single-linkage scan in _scan_kernels.h).
 */
#ifndef FASTCLUST_MINPLUS_H
#define FASTCLUST_MINPLUS_H

#include <stddef.h>

#include "_cpu_features.h"

#define FC_MINPLUS_BODY                                  \
    for (ptrdiff_t j = 0; j < len; ++j) {                \
        double t = a + row[j];                           \
        r[j] = (t < r[j]) ? t : r[j];                    \
    }

static void fc_minplus_baseline(double *restrict r, const double *restrict row, double a,
                                ptrdiff_t len)
{
    FC_MINPLUS_BODY
}

#ifdef FC_X86_DISPATCH
__attribute__((target("avx2")))
static void fc_minplus_avx2(double *restrict r, const double *restrict row, double a,
                            ptrdiff_t len)
{
    FC_MINPLUS_BODY
}
#endif
#undef FC_MINPLUS_BODY

static inline void fc_minplus(double *restrict r, const double *restrict row, double a,
                              ptrdiff_t len, int avx2)
{
#ifdef FC_X86_DISPATCH
    if (avx2) {
        fc_minplus_avx2(r, row, a, len);
        return;
    }
#endif
    (void)avx2;
    fc_minplus_baseline(r, row, a, len);
}

#endif
