/* eval.h - measuring the extract stage on other people's annotations.
 * Each returns 0 and a JSON report (malloc'd, caller frees) or a negative
 * ACCORD_E* code with accord_error_last() set. */
#ifndef ACCORD_EXTRACT_EVAL_H
#define ACCORD_EXTRACT_EVAL_H

/* Entity P/R/F1 per type and overall on an IOB file (CoNLL-2003 or WikiANN
 * layout); see eval_ner.c for how MISC is treated. */
int extract_eval_ner(const char *path, char **json);

/* Speaker accuracy on direct quotes of a BRAT attribution corpus laid out
 * as PolNeAR is (DIR/text/NAME.txt, DIR/attributions/NAME.ann); see
 * eval_quotes.c for the definition. */
int extract_eval_quotes(const char *dir, char **json);

#endif
