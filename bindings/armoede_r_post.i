/*
 * libarmoede bindings: R functions that take the API's objects, included by
 * armoede.i after the headers, when the handle typemaps exist.
 * Copyright (C) 2026 the libarmoede authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A whole result in one call (R calls cost microseconds each; a result of
 * 8,000 rows read cell by cell through the wrappers took 3 s): list(indicator,
 * unit, keys = named list of character vectors (NA where a row has no such
 * key), values = a numeric matrix rows x ARMOEDE_FIELD_COUNT_ (NA where
 * NaN), status, rounded, reason, notes, protected). Read by result_df(). */
%inline %{
static SEXP amb_result_columns(const armoede_result *r)
{
    size_t n = armoede_result_nrows(r), nk = armoede_result_nkeys(r), nn = armoede_result_nnotes(r);
    const char *names[] = {"indicator", "unit", "keys", "values", "status", "rounded", "reason",
                           "notes", "protected"};
    SEXP out = PROTECT(Rf_allocVector(VECSXP, 9));
    SEXP nm = PROTECT(Rf_allocVector(STRSXP, 9));
    SEXP ind = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
    SEXP unit = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
    SEXP keys = PROTECT(Rf_allocVector(VECSXP, (R_xlen_t)nk));
    SEXP knames = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)nk));
    SEXP vals = PROTECT(Rf_allocMatrix(REALSXP, (int)n, ARMOEDE_FIELD_COUNT_));
    SEXP st = PROTECT(Rf_allocVector(INTSXP, (R_xlen_t)n));
    SEXP rd = PROTECT(Rf_allocVector(INTSXP, (R_xlen_t)n));
    SEXP reason = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
    SEXP notes = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)nn));
    for (size_t i = 0; i < n; i++) {
        const char *s = armoede_result_indicator(r, i);
        SET_STRING_ELT(ind, (R_xlen_t)i, s ? Rf_mkCharCE(s, CE_UTF8) : NA_STRING);
        s = armoede_result_unit(r, i);
        SET_STRING_ELT(unit, (R_xlen_t)i, s ? Rf_mkCharCE(s, CE_UTF8) : NA_STRING);
        for (int f = 0; f < ARMOEDE_FIELD_COUNT_; f++) {
            double v = armoede_result_value(r, i, (armoede_field)f);
            REAL(vals)[i + (size_t)f * n] = isnan(v) ? NA_REAL : v;
        }
        INTEGER(st)[i] = armoede_result_status(r, i);
        INTEGER(rd)[i] = armoede_result_rounded(r, i);
        s = armoede_result_reason(r, i);
        SET_STRING_ELT(reason, (R_xlen_t)i, Rf_mkCharCE(s ? s : "", CE_UTF8));
    }
    for (size_t k = 0; k < nk; k++) {
        SEXP col = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
        for (size_t i = 0; i < n; i++) {
            const char *s = armoede_result_key(r, i, k);
            SET_STRING_ELT(col, (R_xlen_t)i, s ? Rf_mkCharCE(s, CE_UTF8) : NA_STRING);
        }
        SET_VECTOR_ELT(keys, (R_xlen_t)k, col);
        UNPROTECT(1);
        SET_STRING_ELT(knames, (R_xlen_t)k, Rf_mkCharCE(armoede_result_key_name(r, k), CE_UTF8));
    }
    Rf_setAttrib(keys, R_NamesSymbol, knames);
    for (size_t i = 0; i < nn; i++)
        SET_STRING_ELT(notes, (R_xlen_t)i, Rf_mkCharCE(armoede_result_note(r, i), CE_UTF8));
    SET_VECTOR_ELT(out, 0, ind);
    SET_VECTOR_ELT(out, 1, unit);
    SET_VECTOR_ELT(out, 2, keys);
    SET_VECTOR_ELT(out, 3, vals);
    SET_VECTOR_ELT(out, 4, st);
    SET_VECTOR_ELT(out, 5, rd);
    SET_VECTOR_ELT(out, 6, reason);
    SET_VECTOR_ELT(out, 7, notes);
    SET_VECTOR_ELT(out, 8, Rf_ScalarLogical(armoede_result_protected(r) == 1));
    for (int i = 0; i < 9; i++)
        SET_STRING_ELT(nm, i, Rf_mkChar(names[i]));
    Rf_setAttrib(out, R_NamesSymbol, nm);
    UNPROTECT(11);
    return out;
}
%}

