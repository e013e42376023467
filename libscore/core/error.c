#include <stdio.h>
#include <string.h>

#include "core.h"

#define SC_ERROR_MAX 1024

static _Thread_local char last_error[SC_ERROR_MAX];

int sc_verror(int code, const char *fmt, va_list ap)
{
    sc_vsnprintf(last_error, sizeof last_error, fmt, ap);
    return code;
}

int sc_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sc_verror(code, fmt, ap);
    va_end(ap);
    return code;
}

int sc_error_prefix(int code, const char *prefix)
{
    char old[SC_ERROR_MAX];
    memcpy(old, last_error, sizeof old);
    size_t n = strlen(prefix);
    if (n > SC_ERROR_MAX / 2)
        n = SC_ERROR_MAX / 2;
    memcpy(last_error, prefix, n);
    memcpy(last_error + n, ": ", 2);
    size_t room = SC_ERROR_MAX - n - 3;
    size_t keep = strnlen(old, room);
    memcpy(last_error + n + 2, old, keep);
    last_error[n + 2 + keep] = '\0';
    return code;
}

const char *score_last_error(void)
{
    return last_error;
}

const char *score_strerror(int code)
{
    switch (code) {
    case SCORE_OK: return "SCORE_OK: success";
    case SCORE_EINVAL: return "SCORE_EINVAL: invalid argument";
    case SCORE_ENOMEM: return "SCORE_ENOMEM: out of memory";
    case SCORE_EIO: return "SCORE_EIO: input/output error";
    case SCORE_EFORMAT: return "SCORE_EFORMAT: input does not follow its format";
    case SCORE_EREJECTED: return "SCORE_EREJECTED: rejected";
    case SCORE_EVERSION: return "SCORE_EVERSION: unknown format or specification version";
    case SCORE_ECORRUPT: return "SCORE_ECORRUPT: data failed its integrity check";
    case SCORE_EDEPENDENCY: return "SCORE_EDEPENDENCY: a dependency failed";
    case SCORE_EBUSY: return "SCORE_EBUSY: locked by another writer";
    case SCORE_ENOTFOUND: return "SCORE_ENOTFOUND: not found";
    case SCORE_ECANCELED: return "SCORE_ECANCELED: stopped by the progress callback";
    case SCORE_EUNSUPPORTED: return "SCORE_EUNSUPPORTED: not supported";
    case SCORE_ELIMIT: return "SCORE_ELIMIT: a limit of the library was exceeded";
    default: return "unknown status code";
    }
}

int score_version(void)
{
    return SCORE_VERSION_NUMBER;
}

const char *score_version_string(void)
{
    return SCORE_VERSION_STRING;
}
