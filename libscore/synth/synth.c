/* The public face of the generator: options, files, panels. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>

#include "synth.h"

#define SYN_DEFAULT_ASOF "2024-12"
#define SYN_PROGRESS_EVERY 1024

void score_synth_options_init(score_synth_options *options)
{
    if (!options)
        return;
    memset(options, 0, sizeof *options);
    options->size = sizeof *options;
    options->enterprises = 1000;
    options->months = 24;
    options->asof = NULL;
    options->seed = 1;
    options->default_rate = 0.05;
}

/* Copy the caller's options over the defaults and check them. */
static int take_options(const score_synth_options *in, score_synth_options *o, int *asof)
{
    score_synth_options_init(o);
    if (in) {
        if (in->size < sizeof in->size || in->size > sizeof *o)
            return sc_error(SCORE_EINVAL, "synth: options size %zu is not that of a "
                            "score_synth_options (at most %zu)", in->size, sizeof *o);
        memcpy(o, in, in->size);
        o->size = sizeof *o;
    }
    if (o->enterprises == 0)
        return sc_error(SCORE_EINVAL, "synth: enterprises: expected at least 1, got 0");
    if (o->enterprises > SYN_MAX_ENTERPRISES)
        return sc_error(SCORE_ELIMIT, "synth: enterprises: at most %llu, got %llu",
                        (unsigned long long)SYN_MAX_ENTERPRISES,
                        (unsigned long long)o->enterprises);
    if (o->months < 1 || o->months > SYN_MAX_MONTHS)
        return sc_error(SCORE_EINVAL, "synth: months: expected 1..%d, got %d", SYN_MAX_MONTHS,
                        o->months);
    const char *text = o->asof ? o->asof : SYN_DEFAULT_ASOF;
    if (sc_month_parse(text, strlen(text), asof) != 0 || SC_MONTH_YEAR(*asof) < SYN_MIN_YEAR ||
        SC_MONTH_YEAR(*asof) > SYN_MAX_YEAR)
        return sc_error(SCORE_EINVAL, "synth: asof: expected a month YYYY-MM of the years "
                        "%d..%d, got \"%.20s\"", SYN_MIN_YEAR, SYN_MAX_YEAR, text);
    if (!(o->default_rate >= 0.001 && o->default_rate <= 0.5))
        return sc_error(SCORE_EINVAL, "synth: default_rate: expected 0.001..0.5, got %g",
                        o->default_rate);
    return SCORE_OK;
}

static int check_summary(const score_synth_summary *summary)
{
    if (summary && (summary->size < sizeof summary->size || summary->size > sizeof *summary))
        return sc_error(SCORE_EINVAL, "synth: summary size %zu is not that of a "
                        "score_synth_summary (at most %zu)", summary->size, sizeof *summary);
    return SCORE_OK;
}

static void give_summary(score_synth_summary *out, score_synth_summary *s, double pd_sum)
{
    if (!out)
        return;
    s->mean_pd = s->scored ? pd_sum / (double)s->scored : NAN;
    s->size = out->size;
    memcpy(out, s, out->size);
}

/* ---- the generation loop, shared by both outputs ------------------------- */

/* Called with each firm and, when observed, its rows. */
typedef int (*syn_sink)(void *user, const syn_firm *f, const char *text, size_t len);

static int generate(const score_synth_options *o, int asof, int observe, syn_sink sink,
                    void *user, score_synth_summary *sum, double *pd_sum)
{
    syn_world w;
    syn_work work;
    int rc = syn_world_init(&w, o->seed, asof, o->months, o->default_rate);
    if (rc != SCORE_OK)
        return rc;
    rc = syn_calibrate(&w);
    if (rc == SCORE_OK)
        rc = syn_work_init(&work, &w);
    if (rc != SCORE_OK) {
        syn_world_free(&w);
        return rc;
    }
    syn_firm *f = sc_malloc(sizeof *f);
    if (!f)
        rc = sc_error(SCORE_ENOMEM, "synth: out of memory");
    for (uint64_t i = 0; rc == SCORE_OK && i < o->enterprises; i++) {
        if (o->progress && i % SYN_PROGRESS_EVERY == 0 &&
            o->progress(o->progress_user, "synth", i, o->enterprises)) {
            rc = sc_error(SCORE_ECANCELED, "synth: canceled by the progress callback after "
                          "%llu of %llu firms", (unsigned long long)i,
                          (unsigned long long)o->enterprises);
            break;
        }
        syn_firm_simulate(&w, i, 0, observe, &work, f);
        size_t len = observe ? syn_firm_emit(&w, f, &work, &sum->observations) : 0;
        if (f->label >= 0) {
            sum->scored++;
            sum->defaults += (uint64_t)f->label;
            *pd_sum += f->pd;
        }
        rc = sink(user, f, work.text, len);
    }
    if (rc == SCORE_OK && o->progress &&
        o->progress(o->progress_user, "synth", o->enterprises, o->enterprises))
        rc = sc_error(SCORE_ECANCELED, "synth: canceled by the progress callback at the end");
    sum->enterprises = o->enterprises;
    sc_free(f);
    syn_work_free(&work);
    syn_world_free(&w);
    return rc;
}

/* ---- files ------------------------------------------------------------------ */

static const char *const file_names[3] = {"signals.csv.gz", "labels.csv", "truth.csv"};

typedef struct syn_files {
    const char *dir;
    char *final[3], *temp[3];
    FILE *file[3];
    z_stream zs;
    int zs_live;
    unsigned char *zbuf;
    size_t zbuf_cap;
} syn_files;

/* mkdir -p: create `dir` and its missing parents. */
static int make_directory(const char *dir)
{
    char *path = sc_strdup(dir);
    if (!path)
        return sc_error(SCORE_ENOMEM, "synth: out of memory");
    int rc = SCORE_OK;
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        struct stat st;
        if (stat(path, &st) != 0) {
            if (mkdir(path, 0777) != 0 && errno != EEXIST) {
                rc = sc_error(SCORE_EIO, "synth: cannot create the directory %s: %s", path,
                              strerror(errno));
                break;
            }
        } else if (!S_ISDIR(st.st_mode)) {
            rc = sc_error(SCORE_EIO, "synth: %s exists and is not a directory", path);
            break;
        }
        *p = saved;
        if (saved == '\0')
            break;
    }
    sc_free(path);
    return rc;
}

static char *join_path(const char *dir, const char *name)
{
    size_t len = strlen(dir) + 1 + strlen(name) + 1;
    char *path = sc_malloc(len);
    if (path)
        sc_snprintf(path, len, "%s/%s", dir, name);
    return path;
}

/* Create a new file next to `final`, named final.tmp-PID-N, with the mode
 * an ordinary new file gets (0666 less the umask). */
static int create_temp(const char *final, char **temp, FILE **file)
{
    size_t len = strlen(final) + 48;
    char *path = sc_malloc(len);
    if (!path)
        return sc_error(SCORE_ENOMEM, "synth: out of memory");
    int fd = -1;
    for (unsigned n = 0; fd < 0 && n < 1000; n++) {
        sc_snprintf(path, len, "%s.tmp-%ld-%u", final, (long)getpid(), n);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        int rc = sc_error(SCORE_EIO, "synth: cannot create %s: %s", path, strerror(errno));
        sc_free(path);
        return rc;
    }
    *file = fdopen(fd, "wb");
    if (!*file) {
        int rc = sc_error(SCORE_EIO, "synth: cannot open %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        sc_free(path);
        return rc;
    }
    *temp = path;
    return SCORE_OK;
}

static void files_close(syn_files *fs, int remove_temps)
{
    for (int j = 0; j < 3; j++) {
        if (fs->file[j])
            fclose(fs->file[j]);
        if (remove_temps && fs->temp[j])
            unlink(fs->temp[j]);
        sc_free(fs->final[j]);
        sc_free(fs->temp[j]);
    }
    if (fs->zs_live)
        deflateEnd(&fs->zs);
    sc_free(fs->zbuf);
    memset(fs, 0, sizeof *fs);
}

static int files_open(syn_files *fs, const char *dir)
{
    memset(fs, 0, sizeof *fs);
    fs->dir = dir;
    int rc = make_directory(dir);
    if (rc != SCORE_OK)
        return rc;
    for (int j = 0; j < 3; j++) {
        fs->final[j] = join_path(dir, file_names[j]);
        if (!fs->final[j])
            return sc_error(SCORE_ENOMEM, "synth: out of memory");
        rc = create_temp(fs->final[j], &fs->temp[j], &fs->file[j]);
        if (rc != SCORE_OK)
            return rc;
    }
    fs->zbuf_cap = 1 << 18;
    fs->zbuf = sc_malloc(fs->zbuf_cap);
    if (!fs->zbuf)
        return sc_error(SCORE_ENOMEM, "synth: out of memory");
    fs->zs.zalloc = sc_zlib_alloc;
    fs->zs.zfree = sc_zlib_free;
    /* windowBits 15 + 16: a gzip wrapper whose header has no name and a
     * zero time, so equal text gives equal bytes */
    int zrc = deflateInit2(&fs->zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    if (zrc != Z_OK)
        return zrc == Z_MEM_ERROR ? sc_error(SCORE_ENOMEM, "synth: out of memory starting gzip")
                                  : sc_error(SCORE_EDEPENDENCY, "synth: zlib deflateInit2 "
                                             "failed (%d)", zrc);
    fs->zs_live = 1;
    return SCORE_OK;
}

static int write_error(const char *path)
{
    return sc_error(SCORE_EIO, "synth: cannot write %s: %s", path, strerror(errno));
}

static int deflate_text(syn_files *fs, const char *text, size_t len, int flush)
{
    fs->zs.next_in = (Bytef *)(uintptr_t)text;
    fs->zs.avail_in = (uInt)len;
    for (;;) {
        fs->zs.next_out = fs->zbuf;
        fs->zs.avail_out = (uInt)fs->zbuf_cap;
        int zrc = deflate(&fs->zs, flush);
        if (zrc == Z_STREAM_ERROR)
            return sc_error(SCORE_EDEPENDENCY, "synth: zlib deflate failed");
        size_t have = fs->zbuf_cap - fs->zs.avail_out;
        if (have && fwrite(fs->zbuf, 1, have, fs->file[0]) != have)
            return write_error(fs->temp[0]);
        if (flush == Z_FINISH ? zrc == Z_STREAM_END : fs->zs.avail_out != 0)
            return SCORE_OK;
    }
}

static int file_sink(void *user, const syn_firm *f, const char *text, size_t len)
{
    syn_files *fs = user;
    int rc = deflate_text(fs, text, len, Z_NO_FLUSH);
    if (rc != SCORE_OK || f->label < 0)
        return rc;
    if (fprintf(fs->file[1], "%s,%d\n", f->uscc, f->label) < 0)
        return write_error(fs->temp[1]);
    /* The PD through the C locale: fprintf would write "0,05" under de_DE
     * and split the row into three columns. */
    char line[64];
    int n = sc_snprintf(line, sizeof line, "%s,%.9g\n", f->uscc, f->pd);
    if (n < 0 || (size_t)n >= sizeof line || fputs(line, fs->file[2]) == EOF)
        return write_error(fs->temp[2]);
    return SCORE_OK;
}

static int files_commit(syn_files *fs)
{
    int rc = deflate_text(fs, "", 0, Z_FINISH);
    if (rc != SCORE_OK)
        return rc;
    for (int j = 0; j < 3; j++) {
        FILE *file = fs->file[j];
        fs->file[j] = NULL;
        int failed = ferror(file) != 0;
        failed |= fflush(file) != 0;
        failed |= fsync(fileno(file)) != 0;
        failed |= fclose(file) != 0;
        if (failed)
            return write_error(fs->temp[j]);
    }
    for (int j = 0; j < 3; j++) {
        if (rename(fs->temp[j], fs->final[j]) != 0)
            return sc_error(SCORE_EIO, "synth: cannot rename %s to %s: %s", fs->temp[j],
                            fs->final[j], strerror(errno));
        sc_free(fs->temp[j]);
        fs->temp[j] = NULL;
    }
    return SCORE_OK;
}

int score_synth_write(const char *dir, const score_synth_options *options,
                      score_synth_summary *summary)
{
    score_synth_options o;
    int asof;
    if (!dir || !*dir)
        return sc_error(SCORE_EINVAL, "synth: expected an output directory, got %s",
                        dir ? "\"\"" : "NULL");
    int rc = take_options(options, &o, &asof);
    if (rc == SCORE_OK)
        rc = check_summary(summary);
    if (rc != SCORE_OK)
        return rc;
    syn_files fs;
    rc = files_open(&fs, dir);
    if (rc == SCORE_OK && (fputs("uscc,default\n", fs.file[1]) < 0))
        rc = write_error(fs.temp[1]);
    if (rc == SCORE_OK && (fputs("uscc,pd\n", fs.file[2]) < 0))
        rc = write_error(fs.temp[2]);
    static const char header[] = "uscc,source,field,period,value\n";
    if (rc == SCORE_OK)
        rc = deflate_text(&fs, header, sizeof header - 1, Z_NO_FLUSH);
    score_synth_summary sum = {.size = sizeof sum};
    double pd_sum = 0;
    if (rc == SCORE_OK)
        rc = generate(&o, asof, 1, file_sink, &fs, &sum, &pd_sum);
    if (rc == SCORE_OK)
        rc = files_commit(&fs);
    files_close(&fs, rc != SCORE_OK);
    if (rc == SCORE_OK)
        give_summary(summary, &sum, pd_sum);
    return rc;
}

/* ---- memory ----------------------------------------------------------------- */

typedef struct syn_memory {
    sc_str text;
    char *uscc;
    double *pd;
    int *label;
    uint64_t next;
} syn_memory;

static int memory_sink(void *user, const syn_firm *f, const char *text, size_t len)
{
    syn_memory *m = user;
    if (len) {
        sc_str_append(&m->text, text, len);
        if (m->text.failed)
            return sc_error(SCORE_ENOMEM, "synth: out of memory for the signals text "
                            "(%zu bytes so far)", m->text.len);
    }
    memcpy(m->uscc + SCORE_USCC_SIZE * m->next, f->uscc, SCORE_USCC_SIZE);
    m->pd[m->next] = f->pd;
    m->label[m->next] = f->label;
    m->next++;
    return SCORE_OK;
}

int score_synth_panel(const score_synth_options *options, score_panel *panel, char *uscc,
                      double *pd, int *label, score_synth_summary *summary)
{
    score_synth_options o;
    int asof;
    int rc = take_options(options, &o, &asof);
    if (rc == SCORE_OK)
        rc = check_summary(summary);
    if (rc != SCORE_OK)
        return rc;
    syn_memory m;
    memset(&m, 0, sizeof m);
    sc_str_init(&m.text);
    size_t n = (size_t)o.enterprises;
    m.uscc = sc_malloc_array(n, SCORE_USCC_SIZE);
    m.pd = sc_malloc_array(n, sizeof *m.pd);
    m.label = sc_malloc_array(n, sizeof *m.label);
    if (!m.uscc || !m.pd || !m.label)
        rc = sc_error(SCORE_ENOMEM, "synth: out of memory for %zu firms", n);
    static const char header[] = "uscc,source,field,period,value\n";
    if (panel && rc == SCORE_OK) {
        sc_str_append(&m.text, header, sizeof header - 1);
        if (m.text.failed)
            rc = sc_error(SCORE_ENOMEM, "synth: out of memory");
    }
    score_synth_summary sum = {.size = sizeof sum};
    double pd_sum = 0;
    if (rc == SCORE_OK)
        rc = generate(&o, asof, panel != NULL, memory_sink, &m, &sum, &pd_sum);
    if (rc == SCORE_OK && panel) {
        score_read_options ro;
        score_read_options_init(&ro);
        ro.strict = 1;   /* the generator writes no duplicate, unknown or bad line */
        rc = score_panel_read_buffer(panel, "synth", m.text.data, m.text.len, &ro, NULL);
    }
    if (rc == SCORE_OK) {
        if (uscc)
            memcpy(uscc, m.uscc, n * SCORE_USCC_SIZE);
        if (pd)
            memcpy(pd, m.pd, n * sizeof *pd);
        if (label)
            memcpy(label, m.label, n * sizeof *label);
        give_summary(summary, &sum, pd_sum);
    }
    sc_str_free(&m.text);
    sc_free(m.uscc);
    sc_free(m.pd);
    sc_free(m.label);
    return rc;
}
