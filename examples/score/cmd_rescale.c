#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char about[] =
    "Replace a model's master scale (grade bands, default grade, score scaling)\n"
    "without retraining: the trees and the calibration are copied untouched, so\n"
    "PDs and margins are the same; scores and grades follow the new scale. Prints\n"
    "the model's identity (a hash of trees and calibration, unchanged) and the new\n"
    "bundle's checksum. docs/model.md (Master scale) describes the scale file;\n"
    "models/scale-agency.json is the default one.\n";

static const char exit_status[] =
    "exit status: 0 done; 1 usage; 2 the model or the scale could not be used\n";

static const char name[] = "rescale";

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *text = malloc(cap);
    for (size_t got; text && (got = fread(text + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap) {
            char *grown = cap < (1u << 24) ? realloc(text, cap *= 2) : NULL;
            if (!grown)
                free(text);
            text = grown;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(text);
        return NULL;
    }
    *len = n;
    return text;
}

int cmd_rescale(int argc, char **argv)
{
    const char *model_path = NULL, *scale_path = NULL, *out = NULL;
    cli_option options[] = {
        CLI_OPT_IN("model", &model_path, "MODEL", CLI_REQUIRED, "the model bundle"),
        CLI_OPT_IN("scale", &scale_path, "SCALE.json", CLI_REQUIRED, "the master scale file"),
        CLI_OPT_OUT("out", &out, "MODEL2", CLI_REQUIRED, "the rescaled bundle"),
        CLI_OPT_END,
    };
    cli_spec spec = {name, NULL, about, exit_status, options};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed != CLI_GO_ON)
        return parsed;
    score_model *model = NULL;
    int rc = score_model_load(model_path, &model);
    if (rc != SCORE_OK)
        return cli_fail(name, "cannot load the model", rc);
    char before[17], after[17], sum_before[16], sum_after[16] = "";
    score_model_identity(model, before);
    score_model_checksum(model, sum_before);
    size_t len = 0;
    char *text = read_text(scale_path, &len);
    if (!text) {
        score_model_free(model);
        fprintf(stderr, "score %s: cannot read %s\n", name, scale_path);
        return EXIT_UNUSABLE;
    }
    rc = score_model_set_scale(model, text, len, scale_path);
    free(text);
    if (rc == SCORE_OK)
        rc = score_model_save(model, out);
    if (rc == SCORE_OK) {
        score_model_identity(model, after);
        score_model_checksum(model, sum_after);
    }
    score_model_free(model);
    if (rc != SCORE_OK)
        return cli_fail(name, "the scale could not be applied", rc);
    printf("identity: %s (before) %s (after)%s\n", before, after,
           strcmp(before, after) ? "  CHANGED" : "  unchanged: the same trees and calibration");
    printf("checksum: %s (before) %s (after)\n", sum_before, sum_after);
    return EXIT_DONE;
}
