/* fuzz_weights.c: libFuzzer target for weights files (`--weights FILE`, data/weights.yaml).
 *
 * One input is one weights file, read by cm_weights_load both as a partial file (the
 * option: components left out keep their defaults) and as a complete one (the data file).
 * Accepted weights must be finite, in [0, 1e6], zero or at least YF_WEIGHT_MIN, and a
 * complete file's must not all be zero.
 */
#include <math.h>

#include "dataset.h"
#include "fuzz_common.h"
#include "yfield.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init("weights");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_save(data, size);
    for (int complete = 0; complete <= 1; complete++) {
        cm_diags d;
        cm_diags_init(&d);
        double w[CM_NCOMP] = { 0.4, 0.2, 0.2, 0.1, 0.1 };
        int rc = cm_weights_load(fuzz_path, complete, w, &d);
        if (rc != 0 && d.nerrors == 0) abort();   /* a failure always says why */
        if (rc == 0) {
            double sum = 0;
            for (int c = 0; c < CM_NCOMP; c++) {
                if (!isfinite(w[c]) || w[c] < 0 || w[c] > 1e6 || (w[c] > 0 && w[c] < YF_WEIGHT_MIN)) abort();
                sum += w[c];
            }
            if (complete && !(sum > 0)) abort();
        }
        fuzz_report(&d);
        cm_diags_release(&d);
    }
    return 0;
}
