/*
 * Work split over threads. Rows are partitioned statically into contiguous
 * ranges, one a thread, and every range writes only its own rows, so that
 * results are the same bits for any number of threads: nothing is added up
 * across threads.
 */
#define _GNU_SOURCE /* sched_getaffinity */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

unsigned sc_cpus_available(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0)
            return (unsigned)n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

typedef struct range_job {
    sc_range_fn fn;
    void *user;
    size_t begin, end;
    int rc;
    char message[512];   /* a worker's last error, carried back to the caller */
} range_job;

static void *run_range(void *arg)
{
    range_job *job = arg;
    job->rc = job->fn(job->user, job->begin, job->end);
    if (job->rc != SCORE_OK)
        snprintf(job->message, sizeof job->message, "%s", score_last_error());
    return NULL;
}

int sc_parallel_ranges(size_t n, unsigned threads, sc_range_fn fn, void *user)
{
    if (threads == 0)
        threads = sc_cpus_available();
    if (threads > SC_MAX_THREADS)
        threads = SC_MAX_THREADS;
    if ((size_t)threads > n)
        threads = n ? (unsigned)n : 1;
    if (threads == 1)
        return fn(user, 0, n);
    range_job *jobs = sc_calloc(threads, sizeof *jobs);
    pthread_t *ids = sc_calloc(threads, sizeof *ids);
    if (!jobs || !ids) {
        sc_free(jobs);
        sc_free(ids);
        return sc_error(SCORE_ENOMEM, "out of memory for %u threads", threads);
    }
    unsigned started = 1;
    /* ranges of n / threads rows, the first n % threads of them one more */
    for (unsigned k = 0; k < threads; k++) {
        const size_t extra = k < n % threads ? k : n % threads;
        jobs[k] = (range_job){.fn = fn, .user = user, .begin = n / threads * k + extra};
    }
    for (unsigned k = 0; k < threads; k++)
        jobs[k].end = k + 1 < threads ? jobs[k + 1].begin : n;
    int rc = SCORE_OK;
    for (; started < threads; started++)
        if (pthread_create(&ids[started], NULL, run_range, &jobs[started]) != 0) {
            rc = sc_error(SCORE_ENOMEM, "cannot start thread %u of %u", started + 1, threads);
            break;
        }
    /* the calling thread takes the first range (its failures are its own) */
    if (rc == SCORE_OK)
        run_range(&jobs[0]);
    for (unsigned k = 1; k < started; k++)
        pthread_join(ids[k], NULL);
    /* the first range's failure wins, whichever thread finished first */
    for (unsigned k = 0; rc == SCORE_OK && k < threads; k++)
        if (jobs[k].rc != SCORE_OK)
            rc = k == 0 ? jobs[0].rc : sc_error(jobs[k].rc, "%s", jobs[k].message);
    sc_free(jobs);
    sc_free(ids);
    return rc;
}

void score_batch_options_init(score_batch_options *options)
{
    if (!options)
        return;
    memset(options, 0, sizeof *options);
    options->size = sizeof *options;
    options->threads = 1;
    options->n_reasons = SCORE_REASONS_MODEL;
}

unsigned score_cpus_available(void)
{
    return sc_cpus_available();
}

int sc_batch_options(const score_batch_options *given, score_batch_options *out, const char *fn)
{
    score_batch_options_init(out);
    if (!given)
        return SCORE_OK;
    if (given->size < sizeof(size_t) || given->size > sizeof *out)
        return sc_error(SCORE_EINVAL, "%s: options->size is %zu; set it to "
                        "sizeof(score_batch_options)", fn, given->size);
    memcpy(out, given, given->size);
    out->size = sizeof *out;
    if (out->threads > SC_MAX_THREADS)
        return sc_error(SCORE_EINVAL, "%s: options->threads is %u; at most %d", fn, out->threads,
                        SC_MAX_THREADS);
    return SCORE_OK;
}
