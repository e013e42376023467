/* The arithmetic of the members' deposit index (ledger.c): a member holds
 * units of the pool of deposits, worth units * D / U fen where D is the
 * pool's money and U all units. Units are 128-bit, so products reach 192
 * bits; this divides them exactly. */
#include "pool.h"

sc_u128 sc_muldiv(sc_u128 a, uint64_t b, sc_u128 c, sc_u128 *rem)
{
    /* a * b as three 64-bit limbs: hi:mid:lo */
    uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64);
    sc_u128 p0 = (sc_u128)a0 * b, p1 = (sc_u128)a1 * b;
    uint64_t lo = (uint64_t)p0;
    sc_u128 mid = (p0 >> 64) + (uint64_t)p1;
    uint64_t hi = (uint64_t)(p1 >> 64) + (uint64_t)(mid >> 64);
    uint64_t limbs[3] = {hi, (uint64_t)mid, lo};
    /* schoolbook long division a bit at a time; c < 2^127 keeps r < 2^128 */
    sc_u128 q = 0, r = 0;
    for (int limb = 0; limb < 3; limb++)
        for (int bit = 63; bit >= 0; bit--) {
            r = r << 1 | ((limbs[limb] >> bit) & 1);
            q <<= 1;
            if (r >= c) {
                r -= c;
                q |= 1;
            }
        }
    if (rem)
        *rem = r;
    return q;
}
