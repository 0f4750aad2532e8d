/* fuzz_partners.c: libFuzzer target for the data loader's partner files.
 *
 * One input is one file of data/partners/, checked against the shipped vocabularies by
 * cm_partners_check_mem exactly as `clustermatch data check` checks a partner file
 * (ydoc with the data limits, every field, references, coordinates, duplicate ids).
 */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init("partners");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cm_diags d;
    cm_diags_init(&d);
    fuzz_save(data, size);
    int rc = cm_partners_check_mem(&fuzz_ds, fuzz_path, (const char *)data, size, &d);
    if (rc != 0 && d.nerrors == 0) abort();     /* a failure always says why */
    fuzz_report(&d);
    cm_diags_release(&d);
    return 0;
}
