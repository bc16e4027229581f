/* armoede: run a poverty monitor described in a configuration file.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <armoede.h>

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("Usage: armoede [run] CONFIG [--out DIR]\n"
          "       armoede --help | --version\n"
          "\n"
          "Runs the monitor described in CONFIG (an INI-style file: see docs/config.md):\n"
          "reads the input data, computes the indicators, applies disclosure control\n"
          "(on unless the file says otherwise) and writes the tidy CSV and JSON outputs.\n"
          "Relative paths in CONFIG are taken from CONFIG's directory.\n"
          "\n"
          "  --out DIR   write the outputs into DIR instead of the places CONFIG names\n"
          "  --quiet     print nothing but errors\n"
          "\n"
          "Exit status: 0 on success, 1 when the monitor failed (the message says where\n"
          "and why), 2 on a usage error.\n", f);
}

int main(int argc, char **argv)
{
    const char *config = NULL, *out = NULL;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { usage(stdout); return 0; }
        if (!strcmp(argv[i], "--version")) { printf("armoede %s\n", armoede_version()); return 0; }
        if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) { quiet = 1; continue; }
        if (!strcmp(argv[i], "--out") || !strcmp(argv[i], "-o")) {
            if (i + 1 >= argc) { fputs("armoede: --out needs a directory\n", stderr); return 2; }
            out = argv[++i];
            continue;
        }
        if (!strcmp(argv[i], "run") && !config && i == 1) continue;
        if (argv[i][0] == '-') { fprintf(stderr, "armoede: unknown option %s (see armoede --help)\n", argv[i]); return 2; }
        if (config) { fprintf(stderr, "armoede: one configuration file at a time (got %s and %s)\n", config, argv[i]); return 2; }
        config = argv[i];
    }
    if (!config) { usage(stderr); return 2; }
    armoede_result *r = NULL;
    int rc = armoede_monitor_run(config, out, &r);
    if (rc) {
        fprintf(stderr, "armoede: %s: %s\n", armoede_strerror(rc), armoede_last_error());
        return 1;
    }
    if (!quiet) {
        size_t n = armoede_result_nrows(r), sup = 0;
        for (size_t i = 0; i < n; i++) {
            int s = armoede_result_status(r, i);
            sup += s == ARMOEDE_CELL_SUPPRESSED_PRIMARY || s == ARMOEDE_CELL_SUPPRESSED_SECONDARY ||
                   s == ARMOEDE_CELL_SUPPRESSED_DOMINANCE;
        }
        printf("armoede %s: %zu cells, %zu suppressed by disclosure control\n", armoede_version(), n, sup);
        for (size_t i = 0; i < armoede_result_nnotes(r); i++) printf("  %s\n", armoede_result_note(r, i));
    }
    armoede_result_free(r);
    return 0;
}
