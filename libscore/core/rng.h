/*
 * The seeded random generator of the library: xoshiro256 (Blackman and
 * Vigna) seeded through splitmix64, one stream per (seed, domain, index), so
 * that any item's draws depend only on the seed and the item, never on the
 * order or the thread that makes them. Used by synth (xoshiro256**), the
 * pool's loss simulation (xoshiro256+, the variant for floating point, whose
 * top 53 bits are its best) and the training split (the splitmix64 hash).
 * Everything is inline: these are the inner loops of the simulation and the
 * generator. Internal: nothing here is exported.
 */
#ifndef SCORE_CORE_RNG_H
#define SCORE_CORE_RNG_H

#include <stdint.h>

#define SC_RNG_GOLDEN UINT64_C(0x9E3779B97F4A7C15) /* 2^64 / the golden ratio */

typedef struct sc_rng {
    uint64_t s[4];
} sc_rng;

/* splitmix64's output function: a bijective mix of one word. */
static inline uint64_t sc_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* splitmix64: advance *state and return its next output. */
static inline uint64_t sc_splitmix64(uint64_t *state)
{
    return sc_mix64(*state += SC_RNG_GOLDEN);
}

/* A stateless hash of one word: splitmix64's first output from state x.
 * For keys that must depend only on (seed, id), such as the training split. */
static inline uint64_t sc_rng_hash(uint64_t x)
{
    return sc_mix64(x + SC_RNG_GOLDEN);
}

/* Fill the four words of state from splitmix64 started at x (never all zero
 * in practice: splitmix64 is a bijection of a counter). */
static inline void sc_rng_seed_state(sc_rng *r, uint64_t x)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = sc_splitmix64(&x);
}

/* The stream of (seed, domain, index): domains name what the draws are for
 * (below 2^16), index the item (a firm, a cluster). */
static inline void sc_rng_seed(sc_rng *r, uint64_t seed, uint64_t domain, uint64_t index)
{
    sc_rng_seed_state(r, sc_mix64(seed + SC_RNG_GOLDEN) ^
                             sc_mix64((domain << 48) ^ (index + 1) * SC_RNG_GOLDEN));
}

static inline uint64_t sc_rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* The state transition shared by both outputs. */
static inline void sc_rng_advance(sc_rng *r)
{
    uint64_t *s = r->s, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = sc_rotl64(s[3], 45);
}

/* xoshiro256**: 64 good bits. */
static inline uint64_t sc_rng_next(sc_rng *r)
{
    uint64_t result = sc_rotl64(r->s[1] * 5, 7) * 9;
    sc_rng_advance(r);
    return result;
}

/* xoshiro256+: faster; use only its top 53 bits (its low bits are weak). */
static inline uint64_t sc_rng_next_plus(sc_rng *r)
{
    uint64_t result = r->s[0] + r->s[3];
    sc_rng_advance(r);
    return result;
}

/* Uniform in [0, 1) from xoshiro256**'s top 53 bits. */
static inline double sc_rng_uniform(sc_rng *r)
{
    return (double)(sc_rng_next(r) >> 11) * 0x1.0p-53;
}

#endif
