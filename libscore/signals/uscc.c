#include <string.h>

#include "signals.h"

int score_uscc_valid(const char *code)
{
    if (!code || strlen(code) != 18)
        return 0;
    for (int i = 0; i < 18; i++)
        if (sc_uscc_value((unsigned char)code[i]) < 0)
            return 0;
    return sc_uscc_check_char(code) == code[17];
}
