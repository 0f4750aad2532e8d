/* fuzz_compiled.c: libFuzzer target for the compiled dataset reader (include/compiled.h).
 *
 * One input is one compiled file. It is read twice. First as it is, as the product reads
 * it: a damaged file must be refused by its header or checksum, never loaded; one that
 * loads (an intact seed) is walked (every string, every index, the model section's bytes)
 * and its name tables queried. Then with its size field and both checksums repaired, so
 * mutations reach the relocation, which must refuse the image or relocate it without
 * reading or writing outside the buffer; such an image is released, not walked: past the
 * checksum its counts and indexes are trusted, not checked (compiled.h). Seeds: compiled
 * images of the small test fixtures (tests/fuzz/seeds.sh, which needs the binary).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compiled.h"
#include "dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t walk(const cm_dataset *ds)
{
    const cm_taxonomy *t = &ds->tax;
    size_t sum = 0;
    for (size_t i = 0; i < ds->npartners; i++) {
        const cm_partner *p = &ds->partners[i];
        sum += strlen(p->id) + strlen(p->name) + (p->description ? strlen(p->description) : 0);
        if (p->province >= t->nregions || (p->city != CM_NONE && p->city >= t->nregions)) abort();
        for (size_t k = 0; k < p->nsectors; k++) if (p->sectors[k] >= t->nsectors) abort();
        for (size_t k = 0; k < p->npriorities; k++) if (p->priorities[k] >= t->npriorities) abort();
        for (size_t k = 0; k < p->nfigures; k++) sum += p->figures[k].label ? strlen(p->figures[k].label) : 0;
        sum += strlen(p->file);
    }
    for (size_t i = 0; i < t->nregions; i++) {
        sum += t->regions[i].id ? strlen(t->regions[i].id) : 0;
        for (size_t k = 0; k < t->regions[i].nmembers; k++) if (t->regions[i].members[k] >= t->nregions) abort();
    }
    for (size_t i = 0; i < t->nsectors; i++)
        for (size_t k = 0; k < t->sectors[i].nparents; k++) if (t->sectors[i].parents[k] >= t->nsectors) abort();
    size_t r = cm_region_find(t, "Suzhou"), s = cm_sector_find(t, "packaging");
    if ((r != CM_NONE && r >= t->nregions) || (s != CM_NONE && s >= t->nsectors)) abort();
    const char *sug = cm_suggest(t, CM_VOCAB_SECTOR, "packagin");
    size_t mlen;
    const unsigned char *model = cm_compiled_model(ds, &mlen);   /* every byte readable, aligned */
    if (((uintptr_t)model & 7) || (!model && mlen)) abort();
    for (size_t i = 0; i < mlen; i++) sum += model[i];
    return sum + (sug ? strlen(sug) : 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    for (int pass = 0; pass < 2; pass++) {
        memcpy(buf, data, size);
        if (pass == 1) {
            if (size < 64) break;
            for (int k = 0; k < 8; k++) buf[16 + k] = (uint8_t)((uint64_t)size >> (8 * k));
            cm_compiled_reseal(buf, size);
        }
        cm_dataset ds;
        cm_dataset_init(&ds);
        char why[256];
        if (cm_compiled_load_mem(&ds, NULL, buf, size, 1, why, sizeof why) == CM_COMPILED_OK) {
            if (pass == 0 && walk(&ds) == (size_t)-1) abort();
        } else if (ds.npartners || ds.compiled || !why[0]) {
            abort();   /* refused: empty, and says why */
        }
        cm_dataset_release(&ds);
    }
    free(buf);
    return 0;
}
