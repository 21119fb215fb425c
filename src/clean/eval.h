/* eval.h - measuring the clean stage on other people's data.
 *
 * clean_eval_extract() scores HTML main-text extraction on a folder laid
 * out like ../shared/data/extraction:
 *  - a trafilatura-style set: gold.jsonl lines {"file", "url", "with",
 *    "without"} naming (gzipped) pages; a `with` snippet found in the
 *    extracted text is a true positive, missed a false negative; a
 *    `without` snippet found is a false positive, absent a true negative;
 *    precision, recall, F1 and accuracy follow (whitespace is collapsed and
 *    invisible characters such as soft hyphens are dropped on both sides
 *    before matching, nothing else is normalised);
 *  - a Readability-style set: sub-folders with source.html(.gz),
 *    expected.html(.gz) and expected-metadata.json; reported are title,
 *    byline and published-date accuracy over the pages that give one, and
 *    the mean token F1 between our text and the expected text.
 * DIR may be either set, or a folder holding both (as sub-folders
 * trafilatura-eval/ and readability-pages/). Throughput is the HTML bytes
 * extracted per second of one thread, parsing included.
 *
 * Returns 0 and a malloc'd JSON report in *json, or a negative ACCORD_E*
 * code with accord_error_last() set. progress (may be NULL) gets a line
 * per page that failed when verbose. */
#ifndef ACCORD_CLEAN_EVAL_H
#define ACCORD_CLEAN_EVAL_H

#include <stdbool.h>
#include <stdio.h>

int clean_eval_extract(const char *dir, bool verbose, FILE *progress, char **json);

#endif
