/* fuzz_profile.c: libFuzzer target for the profile parser and validator.
 *
 * One input is one profile file: YAML parsed by ydoc (limits, encoding checks, aliases)
 * and validated against the shipped vocabularies by cm_profile_load_mem, diagnostics
 * printed. Build and run with `make fuzz` (mk/fuzz.mk); docs/bad-input.md has the results.
 */
#include "fuzz_common.h"
#include "profile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init("profile");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cm_diags d;
    cm_profile_set set;
    cm_diags_init(&d);
    cm_profile_set_init(&set);
    fuzz_save(data, size);
    int bad = cm_profile_load_mem(&set, fuzz_path, (const char *)data, size, &fuzz_ds, &d);
    /* A file that loaded without complaint gave at least one profile, each with a name
     * and a sector (partnerships: from their members). */
    if (bad == 0 && d.nerrors == 0) {
        if (set.n == 0) abort();
        for (size_t i = 0; i < set.n; i++)
            if (!set.v[i].name || !set.v[i].id || (!set.v[i].nsectors && !set.v[i].partnership)) abort();
    }
    if (bad != 0 && d.nerrors == 0) abort();     /* a failure always says why */
    fuzz_report(&d);
    cm_profile_set_release(&set);
    cm_diags_release(&d);
    return 0;
}
