#include <string.h>

#include "input.h"
#include "panel.h"
#include "validate.h"

#define MAX_LINE (64 * 1024)
#define BUFFER_SIZE (1024 * 1024)
#define SMALL_BUFFER_SIZE (2 * MAX_LINE + 2) /* for small plain inputs */
/* Lines of standard v1 files run 35 to 60 bytes; a low guess reserves a
 * little more room than needed rather than growing the tables twice. */
#define BYTES_PER_LINE_HINT 36
#define PROGRESS_STEP (4 * 1024 * 1024)

static const char header_text[] = "uscc,source,field,period,value";

/* A problem with the whole line, reported at its first column. */
#define WHOLE_LINE (-1)

typedef struct reader {
    score_panel *panel;
    score_read_options options;
    const char *name;
    score_read_counts counts;
    sc_problem problem;
    sc_str text;
    char *scratch;              /* MAX_LINE bytes for unescaped fields */
    char last_uscc[18];         /* the previous valid code, checked once */
    int have_last_uscc;
    uint64_t line;
    int header_seen;
    int discarding;             /* inside a line longer than MAX_LINE */
    uint64_t next_progress;
    sc_pending batch[SC_BATCH];  /* validated lines waiting to be stored */
    size_t n_batch;
    sc_problem duplicate;        /* the message of a replacing line */
    sc_input *input;
    int input_verified;          /* the rest of a gzip stream checked before a rejection */
} reader;

void score_read_options_init(score_read_options *options)
{
    if (!options)
        return;
    memset(options, 0, sizeof *options);
    options->size = sizeof *options;
}

static int copy_options(const score_read_options *given, score_read_options *out, const char *fn)
{
    score_read_options_init(out);
    if (!given)
        return SCORE_OK;
    if (given->size < sizeof(size_t) || given->size > sizeof *out)
        return sc_error(SCORE_EINVAL, "%s: options->size is %zu; set it to sizeof(score_read_options)",
                        fn, given->size);
    memcpy(out, given, given->size);
    out->size = sizeof *out;
    return SCORE_OK;
}

/* ---- diagnostics ----------------------------------------------------- */

static void format_problem(const reader *r, uint64_t line, const sc_problem *problem, sc_str *out)
{
    int col = problem->column;
    sc_str_clear(out);
    sc_str_printf(out, "%s:", r->name);
    if (line)
        sc_str_printf(out, "%llu:", (unsigned long long)line);
    if (col >= 1 && col <= SC_N_COLUMNS)
        sc_str_printf(out, "%d: %s: ", col, sc_column_names[col - 1]);
    else if (col > SC_N_COLUMNS)
        sc_str_printf(out, "%d: ", col);
    else if (col == WHOLE_LINE)
        sc_str_puts(out, "1: ");
    else
        sc_str_puts(out, " ");
    sc_str_append(out, problem->message.data ? problem->message.data : "", problem->message.len);
}

/* Report a problem of line `line`. In strict mode it fails the input
 * (SCORE_EREJECTED); otherwise it goes to the callback and reading goes on. */
static int emit(reader *r, uint64_t line, const sc_problem *problem, int severity)
{
    if (severity == SCORE_DIAG_ERROR && r->input && !r->input_verified) {
        /* a bit flipped in a gzip file inflates to garbage lines before the
         * checksum fails: name the cause, not the thousands of lines */
        r->input_verified = 1;
        int rc = sc_input_verify_rest(r->input);
        if (rc != SCORE_OK)
            return rc;
    }
    format_problem(r, line, problem, &r->text);
    if (sc_str_status(&r->text) != SCORE_OK || sc_str_status(&problem->message) != SCORE_OK)
        return sc_error(SCORE_ENOMEM, "%s: out of memory formatting a message", r->name);
    if (r->options.strict)
        return sc_error(SCORE_EREJECTED, "%s (strict mode)", r->text.data);
    if (r->options.diagnostic) {
        int col = problem->column;
        score_diagnostic d = {
            .severity = severity,
            .file = r->name,
            .line = line,
            .column = col == WHOLE_LINE ? 1 : col,
            .column_name = col >= 1 && col <= SC_N_COLUMNS ? sc_column_names[col - 1] : "",
            .message = problem->message.data,
            .text = r->text.data,
        };
        r->options.diagnostic(r->options.diagnostic_user, &d);
    }
    return SCORE_OK;
}

static void period_text(const sc_pending *o, char out[8])
{
    int month = SC_MONTH_OF_PERIOD(o->period);
    if (sc_fields[o->field].period == PERIOD_YEAR)
        sc_snprintf(out, 8, "%04d", SC_MONTH_YEAR(month) % 10000);
    else
        sc_month_format(month, out);
}

/* Store the lines read so far and report those that replaced an earlier
 * observation, in the order of their lines. */
static int flush(reader *r)
{
    if (!r->n_batch)
        return SCORE_OK;
    int rc = sc_panel_reserve(r->panel, r->n_batch);
    if (rc != SCORE_OK)
        return sc_error_prefix(rc, r->name);
    sc_panel_store(r->panel, r->batch, r->n_batch);
    size_t n = r->n_batch;
    r->n_batch = 0;
    for (size_t i = 0; i < n; i++) {
        const sc_pending *o = &r->batch[i];
        if (!o->replaced)
            continue;
        r->counts.replaced++;
        char period[8] = "";
        if (o->period)
            period_text(o, period);
        sc_str_clear(&r->duplicate.message);
        r->duplicate.column = 0;
        sc_str_printf(&r->duplicate.message, "replaces an earlier observation of %s:%s%s%s",
                      sc_fields[o->field].source_name, sc_fields[o->field].field_name,
                      *period ? " " : "", period);
        if ((rc = emit(r, o->line, &r->duplicate, SCORE_DIAG_WARNING)) != SCORE_OK)
            return rc;
    }
    return SCORE_OK;
}

/* Report the problem of the current line, after the lines before it. */
static int report(reader *r, int severity)
{
    int rc = flush(r);
    return rc != SCORE_OK ? rc : emit(r, r->line, &r->problem, severity);
}

static void new_problem(reader *r)
{
    r->problem.column = 0;
    sc_str_clear(&r->problem.message);
}

/* ---- one line -------------------------------------------------------- */

static int is_header(const sc_text f[SC_N_COLUMNS])
{
    for (int c = 0; c < SC_N_COLUMNS; c++)
        if (f[c].len != strlen(sc_column_names[c]) || memcmp(f[c].p, sc_column_names[c], f[c].len))
            return 0;
    return 1;
}

static int check_header(reader *r, const char *line, size_t len)
{
    sc_text f[SC_N_COLUMNS];
    new_problem(r);
    if (sc_csv_split(line, len, f, r->scratch, &r->problem) == 0 && is_header(f)) {
        r->header_seen = 1;
        return SCORE_OK;
    }
    sc_str s;
    sc_str_init(&s);
    sc_str_quote(&s, line, len, 80);
    int rc = sc_error(SCORE_EFORMAT,
                      "%s:%llu: expected the header %s, got \"%s\"; not a standard v1 signals file",
                      r->name, (unsigned long long)r->line, header_text, s.data ? s.data : "");
    sc_str_free(&s);
    return rc;
}

/* The checks of one observation, in the standard's order, after the CSV
 * structure: USCC, known source and field, period, value. */
static int check_observation(reader *r, const sc_text f[SC_N_COLUMNS])
{
    int same_code = f[COL_USCC].len == 18 && r->have_last_uscc &&
                    memcmp(r->last_uscc, f[COL_USCC].p, 18) == 0;
    if (!same_code) {
        if (sc_check_uscc(f[COL_USCC], &r->problem) != 0)
            goto rejected;
        memcpy(r->last_uscc, f[COL_USCC].p, 18);
        r->have_last_uscc = 1;
    }
    int field = sc_check_field(f[COL_SOURCE], f[COL_FIELD], &r->problem);
    if (field < 0) {
        r->counts.skipped++;
        return report(r, SCORE_DIAG_WARNING);
    }
    uint16_t period;
    double value;
    if (sc_check_period(field, f[COL_PERIOD], &period, &r->problem) != 0)
        goto rejected;
    int rc = sc_check_value(field, f[COL_VALUE], &value, &r->problem);
    if (rc == SCORE_ENOMEM)
        return sc_error(rc, "%s: out of memory reading a number", r->name);
    if (rc != 0)
        goto rejected;
    sc_pending *o = &r->batch[r->n_batch];
    if ((rc = sc_panel_intern(r->panel, f[COL_USCC].p, &o->ent)) != SCORE_OK)
        return sc_error_prefix(rc, r->name);
    o->field = (uint8_t)field;
    o->period = period;
    o->value = value;
    o->line = r->line;
    r->counts.accepted++;
    return ++r->n_batch == SC_BATCH ? flush(r) : SCORE_OK;
rejected:
    r->counts.rejected++;
    return report(r, SCORE_DIAG_ERROR);
}

static int process_line(reader *r, const char *line, size_t len)
{
    r->line++;
    if (len && line[len - 1] == '\r')
        len--;
    if (len == 0)
        return SCORE_OK;
    if (!r->header_seen)
        return check_header(r, line, len);
    sc_text f[SC_N_COLUMNS];
    new_problem(r);
    if (sc_csv_split(line, len, f, r->scratch, &r->problem) != 0) {
        r->counts.read++;
        r->counts.rejected++;
        return report(r, SCORE_DIAG_ERROR);
    }
    if (f[COL_USCC].len == 4 && is_header(f))
        return SCORE_OK; /* files joined with cat */
    r->counts.read++;
    return check_observation(r, f);
}

static int line_too_long(reader *r)
{
    r->line++;
    r->counts.read++;
    r->counts.rejected++;
    new_problem(r);
    r->problem.column = WHOLE_LINE;
    sc_str_printf(&r->problem.message, "line is longer than the limit of %d bytes", MAX_LINE);
    if (!r->header_seen) {
        return sc_error(SCORE_EFORMAT, "%s:1: expected the header %s, got a line of more than %d "
                        "bytes; not a standard v1 signals file", r->name, header_text, MAX_LINE);
    }
    return report(r, SCORE_DIAG_ERROR);
}

/* ---- the stream ------------------------------------------------------ */

static int progress(reader *r, const sc_input *in, int force)
{
    if (!r->options.progress || (!force && in->raw_consumed < r->next_progress))
        return SCORE_OK;
    r->next_progress = in->raw_consumed + PROGRESS_STEP;
    if (r->options.progress(r->options.progress_user, "read", in->raw_consumed, in->raw_total))
        return sc_error(SCORE_ECANCELED, "%s: reading stopped by the progress callback", r->name);
    return SCORE_OK;
}

/* Process the complete lines in buf[0..len); return how many bytes were used. */
static int process_lines(reader *r, char *buf, size_t len, size_t *used)
{
    size_t pos = 0;
    while (pos < len) {
        char *nl = memchr(buf + pos, '\n', len - pos);
        if (!nl)
            break;
        size_t end = (size_t)(nl - buf);
        if (r->discarding) {
            r->discarding = 0;
        } else if (end - pos > MAX_LINE) {
            int rc = line_too_long(r);
            if (rc != SCORE_OK)
                return rc;
        } else {
            int rc = process_line(r, buf + pos, end - pos);
            if (rc != SCORE_OK)
                return rc;
        }
        pos = end + 1;
    }
    *used = pos;
    return SCORE_OK;
}

static int read_stream(reader *r, sc_input *in, char *buf, size_t buffer_size)
{
    size_t have = 0;
    int first = 1;
    for (;;) {
        size_t got;
        int rc = sc_input_read(in, (unsigned char *)buf + have, buffer_size - have, &got);
        if (rc != SCORE_OK)
            return rc;
        if (got == 0)
            break;
        have += got;
        if (first && have >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
            memmove(buf, buf + 3, have - 3);
            have -= 3;
        }
        first = first && have < 3;
        size_t used;
        rc = process_lines(r, buf, have, &used);
        if (rc != SCORE_OK)
            return rc;
        memmove(buf, buf + used, have - used);
        have -= used;
        if (have > MAX_LINE) {
            if (!r->discarding && (rc = line_too_long(r)) != SCORE_OK)
                return rc;
            r->discarding = 1;
            have = 0;
        }
        if ((rc = progress(r, in, 0)) != SCORE_OK)
            return rc;
    }
    if (have && !r->discarding) {
        int rc = process_line(r, buf, have);
        if (rc != SCORE_OK)
            return rc;
    }
    if (!r->header_seen)
        return sc_error(SCORE_EFORMAT, "%s: empty; expected the header %s", r->name, header_text);
    int rc = flush(r);
    return rc != SCORE_OK ? rc : progress(r, in, 1);
}

static void add_counts(score_read_counts *to, const score_read_counts *from)
{
    to->read += from->read;
    to->accepted += from->accepted;
    to->replaced += from->replaced;
    to->skipped += from->skipped;
    to->rejected += from->rejected;
}

static int read_input(score_panel *panel, sc_input *in, const char *name,
                      const score_read_options *options, score_read_counts *counts)
{
    reader r;
    memset(&r, 0, sizeof r);
    r.panel = panel;
    r.name = name;
    copy_options(options, &r.options, "score_panel_read");
    sc_str_init(&r.problem.message);
    sc_str_init(&r.text);
    size_t buffer_size = !in->gzip && in->raw_total && in->raw_total < SMALL_BUFFER_SIZE
                             ? SMALL_BUFFER_SIZE : BUFFER_SIZE;
    char *buf = sc_malloc(buffer_size);
    r.scratch = sc_malloc(MAX_LINE + 1);
    sc_savepoint save;
    int rc;
    if (!buf || !r.scratch)
        rc = sc_error(SCORE_ENOMEM, "%s: out of memory", name);
    else if ((rc = sc_panel_begin(panel, &save)) == SCORE_OK) {
        sc_panel_expect(panel, (size_t)(sc_input_size_hint(in) / BYTES_PER_LINE_HINT));
        r.input = in;
        rc = read_stream(&r, in, buf, buffer_size);
        if (rc == SCORE_OK)
            sc_panel_commit(panel, &save);
        else
            sc_panel_rollback(panel, &save);
    }
    sc_free(buf);
    sc_free(r.scratch);
    sc_str_free(&r.problem.message);
    sc_str_free(&r.duplicate.message);
    sc_str_free(&r.text);
    if (rc == SCORE_OK && counts)
        add_counts(counts, &r.counts);
    return rc;
}

static int check_call(score_panel *panel, const score_read_options *options,
                      score_read_counts *counts, const char *fn)
{
    score_read_options copy;
    if (!panel)
        return sc_error(SCORE_EINVAL, "%s: panel is NULL", fn);
    if (counts && (counts->size < sizeof(size_t) || counts->size > sizeof *counts))
        return sc_error(SCORE_EINVAL, "%s: counts->size is %zu; set it to sizeof(score_read_counts)",
                        fn, counts->size);
    return copy_options(options, &copy, fn);
}

int score_panel_read_file(score_panel *panel, const char *path, const score_read_options *options,
                          score_read_counts *counts)
{
    int rc = check_call(panel, options, counts, "score_panel_read_file");
    if (rc != SCORE_OK)
        return rc;
    if (!path)
        return sc_error(SCORE_EINVAL, "score_panel_read_file: path is NULL");
    sc_input in;
    rc = sc_input_open_file(&in, path);
    if (rc != SCORE_OK)
        return rc;
    rc = read_input(panel, &in, path, options, counts);
    sc_input_close(&in);
    return rc;
}

int score_panel_read_buffer(score_panel *panel, const char *name, const void *data, size_t size,
                            const score_read_options *options, score_read_counts *counts)
{
    int rc = check_call(panel, options, counts, "score_panel_read_buffer");
    if (rc != SCORE_OK)
        return rc;
    if (!data && size)
        return sc_error(SCORE_EINVAL, "score_panel_read_buffer: data is NULL");
    if (!name)
        name = "(buffer)";
    sc_input in;
    rc = sc_input_open_memory(&in, name, data ? data : "", size);
    if (rc != SCORE_OK)
        return rc;
    rc = read_input(panel, &in, name, options, counts);
    sc_input_close(&in);
    return rc;
}

/* ---- one observation through the API ---------------------------------- */

static sc_text text_of(const char *s)
{
    return (sc_text){s ? s : "", s ? strlen(s) : 0};
}

/* 0 (valid; *id < 0 when the field is unknown), -1 (problem set) or SCORE_ENOMEM. */
static int validate_fields(reader *r, const sc_text f[SC_N_COLUMNS], int *id, uint16_t *period,
                           double *value)
{
    *id = -1;
    if (sc_check_uscc(f[COL_USCC], &r->problem) != 0)
        return -1;
    *id = sc_check_field(f[COL_SOURCE], f[COL_FIELD], &r->problem);
    if (*id < 0)
        return 0;
    if (sc_check_period(*id, f[COL_PERIOD], period, &r->problem) != 0)
        return -1;
    return sc_check_value(*id, f[COL_VALUE], value, &r->problem);
}

int score_panel_add(score_panel *panel, const char *uscc, const char *source, const char *field,
                    const char *period, const char *value, int *status)
{
    static const char fn[] = "score_panel_add";
    if (!panel || !uscc || !source || !field)
        return sc_error(SCORE_EINVAL, "%s: panel, uscc, source and field must not be NULL", fn);
    sc_text f[SC_N_COLUMNS] = {text_of(uscc), text_of(source), text_of(field), text_of(period),
                               text_of(value)};
    reader r;
    memset(&r, 0, sizeof r);
    r.name = fn;
    sc_str_init(&r.problem.message);
    sc_str_init(&r.text);
    int id, replaced = 0, outcome = SCORE_ADD_SKIPPED;
    uint16_t stored_period = 0;
    double stored_value = 0;
    int rc = validate_fields(&r, f, &id, &stored_period, &stored_value);
    if (rc == SCORE_ENOMEM) {
        rc = sc_error(rc, "%s: out of memory", fn);
    } else if (rc != 0) {
        format_problem(&r, 0, &r.problem, &r.text);
        rc = sc_str_status(&r.text) == SCORE_OK ? sc_error(SCORE_EREJECTED, "%s", r.text.data)
                                                : sc_error(SCORE_ENOMEM, "%s: out of memory", fn);
    } else if (id >= 0) {
        rc = sc_panel_put(panel, uscc, id, stored_period, stored_value, &replaced);
        outcome = replaced ? SCORE_ADD_REPLACED : SCORE_ADD_ACCEPTED;
    }
    sc_str_free(&r.problem.message);
    sc_str_free(&r.text);
    if (rc == SCORE_OK && status)
        *status = outcome;
    return rc;
}
