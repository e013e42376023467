/* The check character of a Unified Social Credit Code (GB 32100-2015), for
 * the signals reader and the synthetic generator alike. */
#include <string.h>

#include "core.h"

/* 31 characters (no I, O, S, V, Z); weights 3^(i-1) mod 31. */
const char sc_uscc_alphabet[32] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

/* Value of each byte in the alphabet, -1 elsewhere; built once, read-only. */
static signed char char_value[256];
static int char_value_ready;

static void build_char_values(void)
{
    if (__atomic_load_n(&char_value_ready, __ATOMIC_ACQUIRE))
        return;
    signed char table[256];
    memset(table, -1, sizeof table);
    for (int i = 0; sc_uscc_alphabet[i]; i++)
        table[(unsigned char)sc_uscc_alphabet[i]] = (signed char)i;
    /* Several threads may build the same table at once; each writes the
     * same bytes, and readers wait for the release below. */
    memcpy(char_value, table, sizeof table);
    __atomic_store_n(&char_value_ready, 1, __ATOMIC_RELEASE);
}

int sc_uscc_value(unsigned char c)
{
    build_char_values();
    return char_value[c];
}

int sc_uscc_check_char(const char *code17)
{
    build_char_values();
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int v = char_value[(unsigned char)code17[i]];
        if (v < 0)
            return 0;
        sum += v * weights[i];
    }
    return sc_uscc_alphabet[(31 - sum % 31) % 31];
}
