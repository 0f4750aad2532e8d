/* compiled.h: the compiled dataset: a loaded, checked data directory in one binary file.
 *
 * Loading data/ from YAML (libyaml, trees, every check) is most of a single `rank`. A
 * compiled file holds the dataset after loading and validation: the vocabularies with
 * their name tables, the zone types and the partners, and a manifest of the source files
 * it was made from (path, size, mtime, content hash). It stores them as an image of the
 * very structs cm_dataset_load fills, each pointer written as the address it has when the
 * file is mapped at a fixed address: loading maps the file there when that is free (then
 * the pointers are only checked, nothing is written) or elsewhere and moves every pointer
 * its relocation table lists, so nothing downstream knows which path loaded the data, and
 * the cost does not grow with fields. docs/data-format.md has the layout and the figures.
 *
 * Trust: the header carries a magic, the format version, a fingerprint of the struct
 * layout (sizes and byte order: the image is only valid on the ABI that wrote it) and the
 * program version, the file size and a 64-bit checksum (XXH3) of everything after it.
 * The loader checks all of them, so a truncated, corrupted or foreign file is reported
 * (CM_COMPILED_BAD) and never used, never a crash. Past the checksum, the loader checks
 * only what keeps its own reads and writes inside the file: every table bounded, every
 * relocated word inside the image and every pointer it makes too (8-byte aligned unless
 * it points at a string), the image ending in a NUL so every string ends inside it, and
 * every partner's source path one of the manifest's. It does NOT check the counts,
 * indexes and enums inside the structs, nor that the relocation table lists every pointer:
 * the checksum vouches that the image is the one `data compile` wrote after decoding and
 * checking every field. A file damaged and then given a matching checksum on purpose (the
 * checksum is not a MAC) is loaded without a crash in the loader, but its contents may
 * send a later reader out of bounds.
 *
 * Freshness: a source whose size and mtime match the manifest is taken as unchanged; one
 * whose mtime differs but whose size and content hash match (a copy, a checkout) too. Any
 * other difference, a source added or removed, makes the file stale (CM_COMPILED_STALE).
 */
#ifndef CM_COMPILED_H
#define CM_COMPILED_H

#include <stddef.h>
#include "dataset.h"
#include "diag.h"

/* The file's name inside a data directory. */
#define CM_COMPILED_NAME ".clustermatch.cmd"

typedef enum {
    CM_COMPILED_OK,        /* loaded */
    CM_COMPILED_ABSENT,    /* no file: a plain YAML directory */
    CM_COMPILED_STALE,     /* a source changed, or another program or format version */
    CM_COMPILED_BAD,       /* truncated, corrupted, not a compiled file */
} cm_compiled_status;

/* Load `dir` for use: from its compiled file when it has one that is current, else from
 * the YAML as cm_dataset_load; a compiled file that is stale or damaged adds a one-line
 * warning to `d` saying so and why, and the YAML is read. The environment variable
 * CLUSTERMATCH_NO_COMPILED (any value) skips the compiled file, for tests and benchmarks.
 * Either way the structs are the same to the last byte. */
int cm_dataset_open(cm_dataset *ds, const char *dir, cm_diags *d);

/* Write `ds` (loaded from YAML by cm_dataset_load, without errors) to `path`, atomically,
 * with the manifest of the sources in ds->dir, and an opaque model section of `model_len`
 * bytes (`model` may be NULL, 0), stored 8-byte aligned and covered by the file checksum.
 * This module never looks inside the model: its owner (the scoring model) must version and
 * check its own contents. Returns 0, or -1 with an error in `d`. */
int cm_compiled_write(const cm_dataset *ds, const void *model, size_t model_len, const char *path, cm_diags *d);

/* The model section of the compiled file `ds` was loaded from: a read-only pointer, 8-byte
 * aligned (the file stores it at a multiple of 8, in a mapping or a malloc'd copy), valid until
 * cm_dataset_release, and its length; NULL and 0 when `ds` came from YAML or the file has
 * none. The bytes are those written, as the file checksum vouches. */
const void *cm_compiled_model(const cm_dataset *ds, size_t *len);

/* Load the compiled file `path` for data directory `dir` into `ds` (initialised, empty).
 * On CM_COMPILED_OK `ds` is filled and cm_dataset_release frees it. On any other status
 * `ds` is left empty and `why` (if not NULL) receives a short reason ("regions.yaml
 * changed", "checksum mismatch"). */
cm_compiled_status cm_compiled_load(cm_dataset *ds, const char *dir, const char *path,
                                    char *why, size_t whylen);

/* The same from a buffer in memory (copied: relocation writes to the copy), with no
 * manifest check against a directory; `check_sum` false skips the checksum so a fuzzer
 * reaches the relocation. For tests and fuzzing. */
cm_compiled_status cm_compiled_load_mem(cm_dataset *ds, const char *dir, const void *buf,
                                        size_t len, int check_sum, char *why, size_t whylen);

/* The 64-bit checksum of the header (exposed for the fuzzer, which repairs it after a
 * mutation to reach the decoder). */
unsigned long long cm_compiled_hash(const void *buf, size_t len);
/* Recompute and store both checksums of a compiled image in place (fuzzing, tests). */
void cm_compiled_reseal(void *buf, size_t len);

#endif
