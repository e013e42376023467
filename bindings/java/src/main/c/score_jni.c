/*
 * JNI glue between cn.libscore.Native and score.h. Deliberately thin: every
 * rule (ownership, locking against close, argument checks that Java can
 * make) lives in the Java classes; this file converts arrays and strings
 * and turns a status code into a ScoreException carrying
 * score_last_error(). Strings cross as UTF-8 byte arrays, not JNI's
 * "modified UTF-8", so that every character and an embedded NUL (refused on
 * the Java side) mean what they say.
 */
#include <jni.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <score.h>

#define EXCEPTION_CLASS "cn/libscore/ScoreException"

/* ---- errors and strings -------------------------------------------------- */

static void throw_status(JNIEnv *env, int rc, const char *message)
{
    if ((*env)->ExceptionCheck(env))
        return;
    jclass cls = (*env)->FindClass(env, EXCEPTION_CLASS);
    if (!cls)
        return;
    jmethodID ctor = (*env)->GetMethodID(env, cls, "<init>", "(I[B)V");
    if (!ctor)
        return;
    size_t len = strlen(message);
    jbyteArray text = (*env)->NewByteArray(env, (jsize)len);
    if (!text)
        return;
    (*env)->SetByteArrayRegion(env, text, 0, (jsize)len, (const jbyte *)message);
    jobject ex = (*env)->NewObject(env, cls, ctor, (jint)rc, text);
    if (ex)
        (*env)->Throw(env, (jthrowable)ex);
}

/* Throw for a failed call; score_last_error() is read before anything else
 * can touch it. Returns 1 when it threw. */
static int failed(JNIEnv *env, int rc)
{
    if (rc == SCORE_OK)
        return 0;
    throw_status(env, rc, score_last_error());
    return 1;
}

static void throw_nomem(JNIEnv *env)
{
    throw_status(env, SCORE_ENOMEM, "out of memory in the Java binding");
}

/* A NUL-terminated copy of a Java byte[] (NULL for a null array, which the
 * Java side only passes where the C function takes NULL). Free with free(). */
static char *bytes_to_c(JNIEnv *env, jbyteArray bytes, int *ok)
{
    *ok = 1;
    if (!bytes)
        return NULL;
    jsize n = (*env)->GetArrayLength(env, bytes);
    char *s = malloc((size_t)n + 1);
    if (!s) {
        *ok = 0;
        throw_nomem(env);
        return NULL;
    }
    (*env)->GetByteArrayRegion(env, bytes, 0, n, (jbyte *)s);
    s[n] = '\0';
    return s;
}

static jbyteArray c_to_bytes(JNIEnv *env, const char *s)
{
    if (!s)
        return NULL;
    size_t len = strlen(s);
    jbyteArray out = (*env)->NewByteArray(env, (jsize)len);
    if (out)
        (*env)->SetByteArrayRegion(env, out, 0, (jsize)len, (const jbyte *)s);
    return out;
}

#define HANDLE(type, h) ((type *)(intptr_t)(h))
#define JNI_FN(name) Java_cn_libscore_Native_##name

/* ---- library ------------------------------------------------------------- */

JNIEXPORT jint JNICALL JNI_FN(version)(JNIEnv *env, jclass cls)
{
    (void)env, (void)cls;
    return score_version();
}

JNIEXPORT jbyteArray JNICALL JNI_FN(versionString)(JNIEnv *env, jclass cls)
{
    (void)cls;
    return c_to_bytes(env, score_version_string());
}

JNIEXPORT jboolean JNICALL JNI_FN(usccValid)(JNIEnv *env, jclass cls, jbyteArray code)
{
    (void)cls;
    int ok;
    char *c = bytes_to_c(env, code, &ok);
    jboolean valid = ok && c && score_uscc_valid(c) ? JNI_TRUE : JNI_FALSE;
    free(c);
    return valid;
}

/* ---- panels -------------------------------------------------------------- */

JNIEXPORT jlong JNICALL JNI_FN(panelNew)(JNIEnv *env, jclass cls)
{
    (void)cls;
    score_panel *p = NULL;
    if (failed(env, score_panel_new(&p)))
        return 0;
    return (jlong)(intptr_t)p;
}

JNIEXPORT void JNICALL JNI_FN(panelFree)(JNIEnv *env, jclass cls, jlong h)
{
    (void)env, (void)cls;
    score_panel_free(HANDLE(score_panel, h));
}

JNIEXPORT jlongArray JNICALL JNI_FN(panelReadFile)(JNIEnv *env, jclass cls, jlong h,
                                                   jbyteArray path, jboolean strict)
{
    (void)cls;
    int ok;
    char *p = bytes_to_c(env, path, &ok);
    if (!ok)
        return NULL;
    score_read_options options;
    score_read_options_init(&options);
    options.strict = strict ? 1 : 0;
    score_read_counts counts = {.size = sizeof counts};
    int rc = score_panel_read_file(HANDLE(score_panel, h), p, &options, &counts);
    free(p);
    if (failed(env, rc))
        return NULL;
    jlong values[5] = {(jlong)counts.read, (jlong)counts.accepted, (jlong)counts.replaced,
                       (jlong)counts.skipped, (jlong)counts.rejected};
    jlongArray out = (*env)->NewLongArray(env, 5);
    if (out)
        (*env)->SetLongArrayRegion(env, out, 0, 5, values);
    return out;
}

JNIEXPORT jint JNICALL JNI_FN(panelAdd)(JNIEnv *env, jclass cls, jlong h, jbyteArray uscc,
                                        jbyteArray source, jbyteArray field, jbyteArray period,
                                        jbyteArray value)
{
    (void)cls;
    int ok[5];
    char *u = bytes_to_c(env, uscc, &ok[0]), *s = bytes_to_c(env, source, &ok[1]),
         *f = bytes_to_c(env, field, &ok[2]), *p = bytes_to_c(env, period, &ok[3]),
         *v = bytes_to_c(env, value, &ok[4]);
    int status = -1;
    if (ok[0] && ok[1] && ok[2] && ok[3] && ok[4])
        failed(env, score_panel_add(HANDLE(score_panel, h), u, s, f, p, v, &status));
    free(u), free(s), free(f), free(p), free(v);
    return status;
}

JNIEXPORT jlong JNICALL JNI_FN(panelEnterpriseCount)(JNIEnv *env, jclass cls, jlong h)
{
    (void)env, (void)cls;
    return (jlong)score_panel_n_enterprises(HANDLE(score_panel, h));
}

JNIEXPORT jbyteArray JNICALL JNI_FN(panelEnterprise)(JNIEnv *env, jclass cls, jlong h,
                                                     jlong index)
{
    (void)cls;
    char uscc[19];
    if (index < 0) {
        throw_status(env, SCORE_EINVAL, "enterprise index is negative");
        return NULL;
    }
    if (failed(env, score_panel_enterprise(HANDLE(score_panel, h), (size_t)index, uscc)))
        return NULL;
    return c_to_bytes(env, uscc);
}

/* The series as two arrays in an Object[]{int[] months, double[] values}. */
JNIEXPORT jobjectArray JNICALL JNI_FN(panelSeries)(JNIEnv *env, jclass cls, jlong h,
                                                   jbyteArray uscc, jbyteArray source,
                                                   jbyteArray field, jbyteArray asof)
{
    (void)cls;
    int ok[4];
    char *u = bytes_to_c(env, uscc, &ok[0]), *s = bytes_to_c(env, source, &ok[1]),
         *f = bytes_to_c(env, field, &ok[2]), *a = bytes_to_c(env, asof, &ok[3]);
    jobjectArray out = NULL;
    int *months = NULL;
    double *values = NULL;
    size_t n = 0;
    const score_panel *panel = HANDLE(score_panel, h);
    if (!(ok[0] && ok[1] && ok[2] && ok[3]) ||
        failed(env, score_panel_series(panel, u, s, f, a, NULL, NULL, 0, &n)))
        goto done;
    months = malloc((n ? n : 1) * sizeof *months);
    values = malloc((n ? n : 1) * sizeof *values);
    if (!months || !values) {
        throw_nomem(env);
        goto done;
    }
    if (failed(env, score_panel_series(panel, u, s, f, a, months, values, n, &n)))
        goto done;
    jintArray jm = (*env)->NewIntArray(env, (jsize)n);
    jdoubleArray jv = (*env)->NewDoubleArray(env, (jsize)n);
    jclass object = (*env)->FindClass(env, "java/lang/Object");
    if (!jm || !jv || !object)
        goto done;
    (*env)->SetIntArrayRegion(env, jm, 0, (jsize)n, (const jint *)months);
    (*env)->SetDoubleArrayRegion(env, jv, 0, (jsize)n, values);
    out = (*env)->NewObjectArray(env, 2, object, NULL);
    if (out) {
        (*env)->SetObjectArrayElement(env, out, 0, jm);
        (*env)->SetObjectArrayElement(env, out, 1, jv);
    }
done:
    free(u), free(s), free(f), free(a), free(months), free(values);
    return out;
}

JNIEXPORT jfloatArray JNICALL JNI_FN(featuresEnterprise)(JNIEnv *env, jclass cls, jlong h,
                                                         jbyteArray uscc, jbyteArray asof)
{
    (void)cls;
    int ok[2];
    char *u = bytes_to_c(env, uscc, &ok[0]), *a = bytes_to_c(env, asof, &ok[1]);
    size_t n = score_features_count();
    float *row = malloc(n * sizeof *row);
    jfloatArray out = NULL;
    if (!row)
        throw_nomem(env);
    else if (ok[0] && ok[1] &&
             !failed(env, score_features_enterprise(HANDLE(score_panel, h), u, a, row))) {
        out = (*env)->NewFloatArray(env, (jsize)n);
        if (out)
            (*env)->SetFloatArrayRegion(env, out, 0, (jsize)n, row);
    }
    free(u), free(a), free(row);
    return out;
}

/* ---- models -------------------------------------------------------------- */

JNIEXPORT jlong JNICALL JNI_FN(modelLoad)(JNIEnv *env, jclass cls, jbyteArray path)
{
    (void)cls;
    int ok;
    char *p = bytes_to_c(env, path, &ok);
    score_model *m = NULL;
    if (ok)
        failed(env, score_model_load(p, &m));
    free(p);
    return (jlong)(intptr_t)m;
}

JNIEXPORT void JNICALL JNI_FN(modelFree)(JNIEnv *env, jclass cls, jlong h)
{
    (void)env, (void)cls;
    score_model_free(HANDLE(score_model, h));
}

JNIEXPORT jint JNICALL JNI_FN(modelFeatureCount)(JNIEnv *env, jclass cls, jlong h)
{
    (void)env, (void)cls;
    return (jint)score_model_n_features(HANDLE(score_model, h));
}

JNIEXPORT jbyteArray JNICALL JNI_FN(modelFeatureName)(JNIEnv *env, jclass cls, jlong h,
                                                      jint index)
{
    (void)cls;
    const char *name = NULL;
    if (index < 0 ||
        failed(env, score_model_feature(HANDLE(score_model, h), (size_t)index, &name, NULL))) {
        if (index < 0)
            throw_status(env, SCORE_EINVAL, "feature index is negative");
        return NULL;
    }
    return c_to_bytes(env, name);
}

JNIEXPORT jint JNICALL JNI_FN(modelInputKind)(JNIEnv *env, jclass cls, jlong h)
{
    (void)cls;
    int kind = 0;
    failed(env, score_model_input(HANDLE(score_model, h), &kind));
    return kind;
}

JNIEXPORT jint JNICALL JNI_FN(modelReasonCount)(JNIEnv *env, jclass cls, jlong h)
{
    (void)env, (void)cls;
    return (jint)score_model_n_reasons(HANDLE(score_model, h));
}

JNIEXPORT jbyteArray JNICALL JNI_FN(modelGradeName)(JNIEnv *env, jclass cls, jlong h,
                                                    jint grade)
{
    (void)cls;
    const char *name = grade < 0 ? NULL : score_model_grade_name(HANDLE(score_model, h),
                                                                 (size_t)grade);
    if (!name) {
        throw_status(env, SCORE_EINVAL, "grade index out of range");
        return NULL;
    }
    return c_to_bytes(env, name);
}

JNIEXPORT jbyteArray JNICALL JNI_FN(modelMetadata)(JNIEnv *env, jclass cls, jlong h)
{
    (void)cls;
    size_t len = 0;
    const score_model *m = HANDLE(score_model, h);
    if (failed(env, score_model_metadata(m, NULL, 0, &len)))
        return NULL;
    char *text = malloc(len + 1);
    jbyteArray out = NULL;
    if (!text)
        throw_nomem(env);
    else if (!failed(env, score_model_metadata(m, text, len + 1, &len)))
        out = c_to_bytes(env, text);
    free(text);
    return out;
}

/* Rows arrive flattened (n_rows x n_features floats, checked in Java);
 * outputs are Java arrays of n_rows (reasons: n_rows x n_reasons), any of
 * which may be null. Arrays are copied, so the JVM never has to pin them
 * while the forest runs. */
JNIEXPORT void JNICALL JNI_FN(modelScore)(JNIEnv *env, jclass cls, jlong h, jfloatArray rows,
                                          jint n_rows, jdoubleArray margin, jdoubleArray pd,
                                          jintArray score, jintArray grade, jintArray reasons)
{
    (void)cls;
    const score_model *m = HANDLE(score_model, h);
    size_t n = (size_t)n_rows, nf = score_model_n_features(m), nr = score_model_n_reasons(m);
    float *x = malloc((n * nf > 0 ? n * nf : 1) * sizeof *x);
    double *mg = malloc((n ? n : 1) * sizeof *mg), *p = malloc((n ? n : 1) * sizeof *p);
    int *s = malloc((n ? n : 1) * sizeof *s), *g = malloc((n ? n : 1) * sizeof *g);
    int *r = reasons ? malloc((n * nr > 0 ? n * nr : 1) * sizeof *r) : NULL;
    if (!x || !mg || !p || !s || !g || (reasons && !r)) {
        throw_nomem(env);
        goto done;
    }
    (*env)->GetFloatArrayRegion(env, rows, 0, (jsize)(n * nf), x);
    if ((*env)->ExceptionCheck(env))
        goto done;
    int rc = reasons || score || grade ? score_model_score(m, x, n, mg, p, s, g, r)
                                       : score_model_predict(m, x, n, mg, p);
    if (failed(env, rc))
        goto done;
    if (margin)
        (*env)->SetDoubleArrayRegion(env, margin, 0, (jsize)n, mg);
    if (pd)
        (*env)->SetDoubleArrayRegion(env, pd, 0, (jsize)n, p);
    if (score)
        (*env)->SetIntArrayRegion(env, score, 0, (jsize)n, (const jint *)s);
    if (grade)
        (*env)->SetIntArrayRegion(env, grade, 0, (jsize)n, (const jint *)g);
    if (reasons)
        (*env)->SetIntArrayRegion(env, reasons, 0, (jsize)(n * nr), (const jint *)r);
done:
    free(x), free(mg), free(p), free(s), free(g), free(r);
}

/* Object[]{byte[] code, byte[] zh, byte[] en}. */
JNIEXPORT jobjectArray JNICALL JNI_FN(modelReason)(JNIEnv *env, jclass cls, jlong h,
                                                   jint feature, jdouble value)
{
    (void)cls;
    const char *code = NULL;
    char zh[512], en[512];
    if (feature < 0) {
        throw_status(env, SCORE_EINVAL, "feature index is negative");
        return NULL;
    }
    if (failed(env, score_model_reason(HANDLE(score_model, h), (size_t)feature, value, &code, zh,
                                       sizeof zh, en, sizeof en)))
        return NULL;
    jclass bytes = (*env)->FindClass(env, "[B");
    jobjectArray out = bytes ? (*env)->NewObjectArray(env, 3, bytes, NULL) : NULL;
    if (!out)
        return NULL;
    (*env)->SetObjectArrayElement(env, out, 0, c_to_bytes(env, code));
    (*env)->SetObjectArrayElement(env, out, 1, c_to_bytes(env, zh));
    (*env)->SetObjectArrayElement(env, out, 2, c_to_bytes(env, en));
    return out;
}

/* ---- enhancement --------------------------------------------------------- */

JNIEXPORT jlong JNICALL JNI_FN(enhanceConfigNew)(JNIEnv *env, jclass cls)
{
    (void)cls;
    score_enhance_config *c = NULL;
    failed(env, score_enhance_config_new(&c));
    return (jlong)(intptr_t)c;
}

JNIEXPORT jlong JNICALL JNI_FN(enhanceConfigLoad)(JNIEnv *env, jclass cls, jbyteArray path)
{
    (void)cls;
    int ok;
    char *p = bytes_to_c(env, path, &ok);
    score_enhance_config *c = NULL;
    if (ok)
        failed(env, score_enhance_config_load(p, &c));
    free(p);
    return (jlong)(intptr_t)c;
}

JNIEXPORT jlong JNICALL JNI_FN(enhanceConfigParse)(JNIEnv *env, jclass cls, jbyteArray text,
                                                   jbyteArray name)
{
    (void)cls;
    int ok[2];
    char *t = bytes_to_c(env, text, &ok[0]), *n = bytes_to_c(env, name, &ok[1]);
    score_enhance_config *c = NULL;
    if (ok[0] && ok[1])
        failed(env, score_enhance_config_parse(t, strlen(t), n, &c));
    free(t), free(n);
    return (jlong)(intptr_t)c;
}

JNIEXPORT void JNICALL JNI_FN(enhanceConfigFree)(JNIEnv *env, jclass cls, jlong h)
{
    (void)env, (void)cls;
    score_enhance_config_free(HANDLE(score_enhance_config, h));
}

JNIEXPORT jbyteArray JNICALL JNI_FN(enhanceConfigJson)(JNIEnv *env, jclass cls, jlong h)
{
    (void)cls;
    const score_enhance_config *c = HANDLE(score_enhance_config, h);
    size_t len = 0;
    if (failed(env, score_enhance_config_json(c, NULL, 0, &len)))
        return NULL;
    char *text = malloc(len + 1);
    jbyteArray out = NULL;
    if (!text)
        throw_nomem(env);
    else if (!failed(env, score_enhance_config_json(c, text, len + 1, &len)))
        out = c_to_bytes(env, text);
    free(text);
    return out;
}

/* A request crosses as three arrays in the order of EnhanceRequest's
 * fields: money (fen) {amount, annual_sales, orders_verified,
 * receivables_verified, patent_invention, patent_utility, patent_trademark},
 * fractions {pd, lgd, tenor_years, guarantee_share, guarantee_pd,
 * compensation_share}, and {guarantee_approach}. */
enum { REQ_MONEY = 7, REQ_FRACTIONS = 6 };

static void request_from_arrays(JNIEnv *env, const char *uscc, jlongArray money,
                                jdoubleArray fractions, jint approach,
                                score_enhance_request *r)
{
    jlong m[REQ_MONEY];
    jdouble d[REQ_FRACTIONS];
    (*env)->GetLongArrayRegion(env, money, 0, REQ_MONEY, m);
    (*env)->GetDoubleArrayRegion(env, fractions, 0, REQ_FRACTIONS, d);
    score_enhance_request_init(r);
    snprintf(r->uscc, sizeof r->uscc, "%s", uscc ? uscc : "");
    r->amount = m[0], r->annual_sales = m[1], r->orders_verified = m[2];
    r->receivables_verified = m[3], r->patent_invention = m[4], r->patent_utility = m[5];
    r->patent_trademark = m[6];
    r->pd = d[0], r->lgd = d[1], r->tenor_years = d[2], r->guarantee_share = d[3];
    r->guarantee_pd = d[4], r->compensation_share = d[5];
    r->guarantee_approach = approach;
}

static void request_to_arrays(JNIEnv *env, const score_enhance_request *r, jlongArray money,
                              jdoubleArray fractions, jintArray approach)
{
    jlong m[REQ_MONEY] = {r->amount,           r->annual_sales,     r->orders_verified,
                          r->receivables_verified, r->patent_invention, r->patent_utility,
                          r->patent_trademark};
    jdouble d[REQ_FRACTIONS] = {r->pd, r->lgd, r->tenor_years, r->guarantee_share,
                                r->guarantee_pd, r->compensation_share};
    jint a = r->guarantee_approach;
    (*env)->SetLongArrayRegion(env, money, 0, REQ_MONEY, m);
    (*env)->SetDoubleArrayRegion(env, fractions, 0, REQ_FRACTIONS, d);
    (*env)->SetIntArrayRegion(env, approach, 0, 1, &a);
}

/* Parse JSON into the arrays above; returns the USCC. */
JNIEXPORT jbyteArray JNICALL JNI_FN(enhanceRequestParse)(JNIEnv *env, jclass cls,
                                                         jbyteArray text, jlongArray money,
                                                         jdoubleArray fractions,
                                                         jintArray approach)
{
    (void)cls;
    int ok;
    char *t = bytes_to_c(env, text, &ok);
    score_enhance_request r;
    score_enhance_request_init(&r);
    jbyteArray uscc = NULL;
    if (ok && !failed(env, score_enhance_request_parse(t, strlen(t), "request", &r))) {
        request_to_arrays(env, &r, money, fractions, approach);
        uscc = c_to_bytes(env, r.uscc);
    }
    free(t);
    return uscc;
}

/* Results cross as {with, without} each of: fractions {pd, lgd_effective,
 * correlation, firm_size, maturity, capital_ratio, risk_weight, rate,
 * rate_credit, rate_capital}, money {limit, limit_available, limit_sales,
 * limit_patents, limit_orders, limit_receivables, capital, expected_loss}
 * and the grade. */
enum { RES_FRACTIONS = 10, RES_MONEY = 8 };

static void result_to_arrays(JNIEnv *env, const score_enhance_result *x, jdoubleArray fractions,
                             jlongArray money, jobjectArray grades, jsize slot)
{
    jdouble d[RES_FRACTIONS] = {x->pd,          x->lgd_effective, x->correlation, x->firm_size,
                                x->maturity,    x->capital_ratio, x->risk_weight, x->rate,
                                x->rate_credit, x->rate_capital};
    jlong m[RES_MONEY] = {x->limit,        x->limit_available,   x->limit_sales,
                          x->limit_patents, x->limit_orders,     x->limit_receivables,
                          x->capital,      x->expected_loss};
    (*env)->SetDoubleArrayRegion(env, fractions, slot * RES_FRACTIONS, RES_FRACTIONS, d);
    (*env)->SetLongArrayRegion(env, money, slot * RES_MONEY, RES_MONEY, m);
    (*env)->SetObjectArrayElement(env, grades, slot, c_to_bytes(env, x->grade));
}

JNIEXPORT void JNICALL JNI_FN(enhanceCompute)(JNIEnv *env, jclass cls, jlong config,
                                              jbyteArray uscc, jlongArray money,
                                              jdoubleArray fractions, jint approach,
                                              jdoubleArray out_fractions, jlongArray out_money,
                                              jobjectArray out_grades)
{
    (void)cls;
    int ok;
    char *u = bytes_to_c(env, uscc, &ok);
    if (!ok)
        return;
    score_enhance_request r;
    request_from_arrays(env, u, money, fractions, approach, &r);
    free(u);
    if ((*env)->ExceptionCheck(env))
        return;
    score_enhance_result with = {.size = sizeof with}, without = {.size = sizeof without};
    if (failed(env, score_enhance_compute(HANDLE(score_enhance_config, config), &r, &with,
                                          &without)))
        return;
    result_to_arrays(env, &with, out_fractions, out_money, out_grades, 0);
    result_to_arrays(env, &without, out_fractions, out_money, out_grades, 1);
}
