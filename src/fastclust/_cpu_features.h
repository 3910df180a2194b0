/* Which instruction-set paths the kernels take, and the few compiler
 * spellings that differ between GCC/Clang and MSVC.
 *
 * Builds are portable (no -march flag anywhere): the AVX2 and POPCNT loops are
 * compiled per function with target attributes and chosen at run time from
 * the CPU, so one wheel runs on every x86-64 CPU. FASTCLUST_NO_AVX2 set in the
 * environment forces the portable loops; the tests and CI run both, and both
 * give the same bits. The choice is made once per extension module; the race
 * on first use is benign (every thread computes the same answer).
 */
#ifndef FASTCLUST_CPU_FEATURES_H
#define FASTCLUST_CPU_FEATURES_H

#include <stdlib.h>
#include <stdint.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
/* Defined where the AVX2 and POPCNT copies of the loops are compiled at all. */
#define FC_X86_DISPATCH 1
#endif

static inline int fc_portable_forced(void)
{
    return getenv("FASTCLUST_NO_AVX2") != NULL;
}

/* NAME() is 1 when the CPU has FEATURE and the portable loops are not forced. */
#ifdef FC_X86_DISPATCH
#define FC_DEFINE_CPU_SWITCH(NAME, FEATURE)                                      \
static inline int NAME(void)                                                     \
{                                                                                \
    static int use = -1;                                                         \
    if (use < 0)                                                                 \
        use = __builtin_cpu_supports(FEATURE) && !fc_portable_forced();          \
    return use;                                                                  \
}
#else
#define FC_DEFINE_CPU_SWITCH(NAME, FEATURE)                                      \
static inline int NAME(void) { return 0; }
#endif
FC_DEFINE_CPU_SWITCH(fc_use_avx2, "avx2")       /* the AVX2 copies of the loops */
FC_DEFINE_CPU_SWITCH(fc_use_popcnt, "popcnt")   /* the POPCNT bit counts */

#if defined(__GNUC__) || defined(__clang__)
#define FC_NOINLINE __attribute__((noinline))
/* A hint that the cache line at p will be written soon. */
#define FC_PREFETCH_WRITE(p) __builtin_prefetch((p), 1, 3)
#define fc_popcount64(x) ((uint64_t)__builtin_popcountll(x))
#else
#if defined(_MSC_VER)
#define FC_NOINLINE __declspec(noinline)
#else
#define FC_NOINLINE
#endif
#define FC_PREFETCH_WRITE(p) ((void)(p))
/* The portable bit count (MSVC's __popcnt64 needs a POPCNT CPU). */
static inline uint64_t fc_popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (x * 0x0101010101010101ULL) >> 56;
}
#endif

#endif
