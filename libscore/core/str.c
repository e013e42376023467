#include <stdio.h>
#include <string.h>

#include "core.h"

void sc_str_init(sc_str *s)
{
    memset(s, 0, sizeof *s);
}

void sc_str_free(sc_str *s)
{
    sc_free(s->data);
    sc_str_init(s);
}

void sc_str_clear(sc_str *s)
{
    s->len = 0;
    s->failed = 0;
    if (s->data)
        s->data[0] = '\0';
}

static int reserve(sc_str *s, size_t extra)
{
    if (s->failed)
        return 0;
    if (extra > SIZE_MAX - s->len - 1 ||
        sc_grow((void **)&s->data, &s->cap, s->len + extra + 1, 1) != SCORE_OK) {
        s->failed = 1;
        return 0;
    }
    return 1;
}

void sc_str_append(sc_str *s, const char *text, size_t len)
{
    if (!reserve(s, len))
        return;
    memcpy(s->data + s->len, text, len);
    s->len += len;
    s->data[s->len] = '\0';
}

void sc_str_puts(sc_str *s, const char *text)
{
    sc_str_append(s, text, strlen(text));
}

void sc_str_printf(sc_str *s, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = sc_vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        sc_str_append(s, small, (size_t)n);
        return;
    }
    if (!reserve(s, (size_t)n))
        return;
    va_start(ap, fmt);
    sc_vsnprintf(s->data + s->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    s->len += (size_t)n;
}

/* Length of a valid UTF-8 sequence starting at p (at most `avail` bytes),
 * or 0 when the bytes there are not one. */
static size_t utf8_sequence(const unsigned char *p, size_t avail)
{
    size_t need;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        need = 2;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        need = 3;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        need = 4;
    else
        return 0;
    if (need > avail)
        return 0;
    for (size_t i = 1; i < need; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return need;
}

void sc_str_quote(sc_str *s, const char *text, size_t len, size_t max)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t i = 0;
    while (i < len && i < max) {
        size_t seq;
        if (p[i] >= 0x20 && p[i] < 0x7F && p[i] != '\\') {
            sc_str_append(s, text + i, 1);
            i++;
        } else if (p[i] >= 0x80 && (seq = utf8_sequence(p + i, len - i)) != 0) {
            sc_str_append(s, text + i, seq);
            i += seq;
        } else {
            sc_str_printf(s, "\\x%02X", p[i]);
            i++;
        }
    }
    if (i < len)
        sc_str_puts(s, "...");
}

void sc_str_json(sc_str *s, const char *text)
{
    sc_str_append(s, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        switch (*p) {
        case '"': sc_str_puts(s, "\\\""); break;
        case '\\': sc_str_puts(s, "\\\\"); break;
        case '\n': sc_str_puts(s, "\\n"); break;
        case '\r': sc_str_puts(s, "\\r"); break;
        case '\t': sc_str_puts(s, "\\t"); break;
        default:
            if (*p < 0x20)
                sc_str_printf(s, "\\u%04x", *p);
            else
                sc_str_append(s, (const char *)p, 1);
        }
    }
    sc_str_append(s, "\"", 1);
}

int sc_str_status(const sc_str *s)
{
    return s->failed ? SCORE_ENOMEM : SCORE_OK;
}
