/*
 * libarmoede bindings: the R half of the typemaps (see armoede.i).
 * Copyright (C) 2026 the libarmoede authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SWIG's R module wraps everything as .Call entry points and R functions;
 * the typemaps below replace its defaults where they would copy, lose a
 * length, free a stack variable (its default freearg for T *) or leave an
 * object without a finalizer. A status < 0 comes back as an integer with a
 * "message" attribute and is turned into an R error of class armoede_error
 * by amb_status() (R/armoede.R), after the C side has freed everything.
 */

%{
#include <R_ext/Rdynload.h>
#include "amb_constants.h"

/* The wrapper's outputs: SWIG R allocates R_OutputValues as list(status,
 * NULL, ...) (or list() for a void function); each output fills the next
 * empty slot. amb_status() in R unpacks it. */
static SEXP amb_r_out(SEXP outvals, SEXP obj)
{
    R_xlen_t n = XLENGTH(outvals);
    if (n == 0)
        return obj;
    for (R_xlen_t i = 1; i < n; i++) {
        if (VECTOR_ELT(outvals, i) == R_NilValue) {
            SET_VECTOR_ELT(outvals, i, obj);
            break;
        }
    }
    return outvals;
}

static int amb_r_fill(SEXP list, const amb_struct *d, void *s, amb_arena *a, char *err, size_t errsz);

static int amb_r_int(SEXP v, long long *x)
{
    double dv;
    if (XLENGTH(v) != 1)
        return -1;
    if (TYPEOF(v) == INTSXP || TYPEOF(v) == LGLSXP) {
        if (INTEGER(v)[0] == NA_INTEGER)
            return -1;
        *x = INTEGER(v)[0];
        return 0;
    }
    if (TYPEOF(v) != REALSXP)
        return -1;
    dv = REAL(v)[0];
    if (!(dv == floor(dv)) || fabs(dv) > 9.0e15)
        return -1;
    *x = (long long)dv;
    return 0;
}

static void *amb_r_handle(SEXP v, const char *tag)
{
    if (TYPEOF(v) != EXTPTRSXP || R_ExternalPtrTag(v) != Rf_install(tag))
        return NULL;
    return R_ExternalPtrAddr(v);
}

/* One field from one R value; 0, or -1 with err set. */
static int amb_r_field(SEXP v, const amb_field *f, void *s, amb_arena *a, amb_counts *c,
                       char *err, size_t errsz)
{
    char *p = (char *)s + f->off;
    long long x;
    if (v == R_NilValue) {
        if (f->kind >= AMB_STR && f->kind != AMB_STRUCT) {
            *(void **)p = NULL;
            if (!amb_set_count(s, f, 0, c))
                goto badlen;
        }
        return 0;
    }
    switch (f->kind) {
    case AMB_UINT: case AMB_INT: case AMB_ULONG: case AMB_I32: case AMB_SIZE:
        if (amb_r_int(v, &x) < 0)
            goto badtype;
        if (f->kind == AMB_UINT) {
            if (x < 0 || x > (long long)UINT32_MAX) goto badrange;
            *(unsigned int *)p = (unsigned int)x;
        } else if (f->kind == AMB_ULONG) {
            if (x < 0) goto badrange;
            *(unsigned long *)p = (unsigned long)x;
        } else if (f->kind == AMB_SIZE) {
            if (x < 0) goto badrange;
            *(size_t *)p = (size_t)x;
        } else {
            if (x < INT32_MIN || x > INT32_MAX) goto badrange;
            if (f->kind == AMB_I32) *(int32_t *)p = (int32_t)x;
            else *(int *)p = (int)x;
        }
        return 0;
    case AMB_DOUBLE:
        if (XLENGTH(v) != 1 || (TYPEOF(v) != REALSXP && TYPEOF(v) != INTSXP))
            goto badtype;
        *(double *)p = TYPEOF(v) == REALSXP ? REAL(v)[0]
                     : INTEGER(v)[0] == NA_INTEGER ? NAN : (double)INTEGER(v)[0];
        return 0;
    case AMB_CHAR:
        if (TYPEOF(v) != STRSXP || XLENGTH(v) != 1 || STRING_ELT(v, 0) == NA_STRING ||
            strlen(CHAR(STRING_ELT(v, 0))) > 1)
            goto badtype;
        *p = CHAR(STRING_ELT(v, 0))[0];
        return 0;
    case AMB_STR:
        if (TYPEOF(v) != STRSXP || XLENGTH(v) != 1 || STRING_ELT(v, 0) == NA_STRING)
            goto badtype;
        if (!(*(char **)p = amb_strdup(a, CHAR(STRING_ELT(v, 0)))))
            goto nomem;
        return 0;
    case AMB_STRS: case AMB_DOUBLES: case AMB_INTS: case AMB_I32S: case AMB_INTS_E: {
        R_xlen_t n = XLENGTH(v);
        char *arr;
        if (f->kind == AMB_STRS ? TYPEOF(v) != STRSXP
                                : (TYPEOF(v) != REALSXP && TYPEOF(v) != INTSXP && TYPEOF(v) != LGLSXP))
            goto badtype;
        if (!(arr = (char *)amb_alloc(a, (size_t)n * f->elem_size)))
            goto nomem;
        for (R_xlen_t i = 0; i < n; i++) {
            if (f->kind == AMB_STRS) {
                if (STRING_ELT(v, i) == NA_STRING) goto badtype;
                if (!(((char **)arr)[i] = amb_strdup(a, CHAR(STRING_ELT(v, i))))) goto nomem;
            } else if (f->kind == AMB_DOUBLES) {
                ((double *)arr)[i] = TYPEOF(v) == REALSXP ? REAL(v)[i] : (double)INTEGER(v)[i];
            } else {
                double dv = TYPEOF(v) == REALSXP ? REAL(v)[i]
                          : INTEGER(v)[i] == NA_INTEGER ? NAN : (double)INTEGER(v)[i];
                if (!(dv == floor(dv)) || dv < INT32_MIN || dv > INT32_MAX) goto badrange;
                if (f->kind == AMB_I32S) ((int32_t *)arr)[i] = (int32_t)dv;
                else if (f->kind == AMB_INTS_E) ((armoede_type *)arr)[i] = (armoede_type)(int)dv;
                else ((int *)arr)[i] = (int)dv;
            }
        }
        *(void **)p = arr;
        if (!amb_set_count(s, f, (size_t)n, c))
            goto badlen;
        return 0;
    }
    case AMB_TABLE: case AMB_NORMS: {
        void *ptr = amb_r_handle(v, f->kind == AMB_TABLE ? "armoede_table" : "armoede_norms");
        if (!ptr) {
            snprintf(err, errsz, "option '%s': not an %s (or it has been freed)", f->name,
                     f->kind == AMB_TABLE ? "armoede_table" : "armoede_norms");
            return -1;
        }
        *(void **)p = ptr;
        return 0;
    }
    case AMB_PSTRUCT: {
        const amb_struct *sub = f->sub;
        if (TYPEOF(v) != VECSXP)
            goto badtype;
        if (!f->count_off) {
            void *xs = amb_alloc(a, sub->size);
            if (!xs) goto nomem;
            memcpy(xs, sub->init, sub->size);
            if (amb_r_fill(v, sub, xs, a, err, errsz) < 0) return -1;
            *(void **)p = xs;
            return 0;
        }
        R_xlen_t n = XLENGTH(v);
        char *arr = (char *)amb_alloc(a, (size_t)n * sub->size);
        if (!arr) goto nomem;
        for (R_xlen_t i = 0; i < n; i++) {
            memcpy(arr + (size_t)i * sub->size, sub->init, sub->size);
            if (amb_r_fill(VECTOR_ELT(v, i), sub, arr + (size_t)i * sub->size, a, err, errsz) < 0)
                return -1;
        }
        *(void **)p = arr;
        if (!amb_set_count(s, f, (size_t)n, c))
            goto badlen;
        return 0;
    }
    case AMB_STRUCT:
        return amb_r_fill(v, f->sub, p, a, err, errsz);
    }
badtype:
    snprintf(err, errsz, "option '%s': wrong type or length, or NA", f->name);
    return -1;
badrange:
    snprintf(err, errsz, "option '%s': out of range or not a whole number", f->name);
    return -1;
badlen:
    snprintf(err, errsz, "option '%s': not the length of its sibling vector", f->name);
    return -1;
nomem:
    snprintf(err, errsz, "out of memory");
    return -1;
}

/* Fill struct s (holding its defaults) from a named list. */
static int amb_r_fill(SEXP list, const amb_struct *d, void *s, amb_arena *a, char *err, size_t errsz)
{
    SEXP names;
    amb_counts c;
    c.n = 0;
    if (list == R_NilValue)
        return 0;
    if (TYPEOF(list) != VECSXP) {
        snprintf(err, errsz, "%s: a named list of options expected", d->name);
        return -1;
    }
    names = Rf_getAttrib(list, R_NamesSymbol);
    if (XLENGTH(list) > 0 && names == R_NilValue) {
        snprintf(err, errsz, "%s: the options must be named", d->name);
        return -1;
    }
    for (R_xlen_t i = 0; i < XLENGTH(list); i++) {
        const char *name = CHAR(STRING_ELT(names, i));
        const amb_field *f = amb_find(d, name);
        if (!f) {
            char known[900];
            amb_known(d, known, sizeof known);
            snprintf(err, errsz, "%s: unknown option '%s' (known: %s)", d->name, name, known);
            return -1;
        }
        if (amb_r_field(VECTOR_ELT(list, i), f, s, a, &c, err, errsz) < 0)
            return -1;
    }
    return 0;
}

/* A named list of the fields of struct s (for the *_init functions). */
static SEXP amb_r_list(const amb_struct *d, const void *s)
{
    SEXP out = PROTECT(Rf_allocVector(VECSXP, (R_xlen_t)d->nfields));
    SEXP names = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)d->nfields));
    for (size_t i = 0; i < d->nfields; i++) {
        const amb_field *f = &d->fields[i];
        const char *p = (const char *)s + f->off;
        size_t n = f->count_off ? *(const size_t *)((const char *)s + f->count_off - 1) : 0;
        SEXP v = R_NilValue;
        SET_STRING_ELT(names, (R_xlen_t)i, Rf_mkChar(f->name));
        switch (f->kind) {
        case AMB_UINT: v = Rf_ScalarReal((double)*(const unsigned int *)p); break;
        case AMB_INT: v = Rf_ScalarInteger(*(const int *)p); break;
        case AMB_ULONG: v = Rf_ScalarReal((double)*(const unsigned long *)p); break;
        case AMB_I32: v = Rf_ScalarInteger(*(const int32_t *)p); break; /* INT32_MIN = NA */
        case AMB_SIZE: v = Rf_ScalarReal((double)*(const size_t *)p); break;
        case AMB_DOUBLE: v = Rf_ScalarReal(*(const double *)p); break;
        case AMB_CHAR: {
            char b[2] = {*p, 0};
            v = Rf_mkString(b);
            break;
        }
        case AMB_STR:
            if (*(char *const *)p) v = Rf_mkString(*(char *const *)p);
            break;
        case AMB_STRS: case AMB_DOUBLES: case AMB_INTS: case AMB_I32S: case AMB_INTS_E: {
            const void *arr = *(void *const *)p;
            if (!arr) break;
            if (f->kind == AMB_STRS) {
                v = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
                for (size_t j = 0; j < n; j++)
                    SET_STRING_ELT(v, (R_xlen_t)j, Rf_mkChar(((char *const *)arr)[j]));
                UNPROTECT(1);
            } else if (f->kind == AMB_DOUBLES) {
                v = Rf_allocVector(REALSXP, (R_xlen_t)n);
                for (size_t j = 0; j < n; j++) REAL(v)[j] = ((const double *)arr)[j];
            } else {
                v = Rf_allocVector(INTSXP, (R_xlen_t)n);
                for (size_t j = 0; j < n; j++)
                    INTEGER(v)[j] = f->kind == AMB_I32S ? ((const int32_t *)arr)[j]
                                  : f->kind == AMB_INTS_E ? (int)((const armoede_type *)arr)[j]
                                  : ((const int *)arr)[j];
            }
            break;
        }
        case AMB_STRUCT: v = amb_r_list(f->sub, p); break;
        default: break;
        }
        SET_VECTOR_ELT(out, (R_xlen_t)i, v);
    }
    Rf_setAttrib(out, R_NamesSymbol, names);
    UNPROTECT(2);
    return out;
}

/* A status with the library's message attached (amb_status() raises it). */
static SEXP amb_r_status(int st)
{
    SEXP r = PROTECT(Rf_ScalarInteger(st));
    if (st < 0) {
        const char *msg = armoede_last_error();
        Rf_setAttrib(r, Rf_install("message"), Rf_mkString(msg && *msg ? msg : armoede_strerror(st)));
    }
    UNPROTECT(1);
    return r;
}

/* Borrowed columns (armoede_table_add_real/add_int with copy = 0) are kept
 * alive by the table object: a pairlist in its external pointer's
 * "protected" slot. */
static void amb_r_keep(SEXP t, SEXP x)
{
    if (TYPEOF(t) == EXTPTRSXP)
        R_SetExternalPtrProtected(t, Rf_cons(x, R_ExternalPtrProtected(t)));
}
%}

/* The integer constants of the API (SWIG's R module wraps no #define),
 * as a named numeric vector; R/layer.R assigns them at load time. */
%inline %{
static SEXP amb_constants_list(void)
{
    size_t n = sizeof amb_constants / sizeof *amb_constants;
    SEXP v = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)n));
    SEXP names = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
    for (size_t i = 0; i < n; i++) {
        REAL(v)[i] = amb_constants[i].value;
        SET_STRING_ELT(names, (R_xlen_t)i, Rf_mkChar(amb_constants[i].name));
    }
    Rf_setAttrib(v, R_NamesSymbol, names);
    UNPROTECT(2);
    return v;
}
%}

/* Statuses: integer with the message attached when < 0 (see above). Every
 * value goes through amb_status(): the empty argout typemaps below (which
 * stop SWIG from applying the T * output typemaps to const T * inputs) make
 * SWIG return list(value, NULL, ...) for any function, and amb_status()
 * drops those NULLs. */
%typemap(out) int %{ r_ans = amb_r_status($1); %}
%typemap(scoerceout) int, unsigned int, size_t, double, char *, const char *, SEXP %{ $result = amb_status($result) %}

/* Strings: NULL (and NA) are C's NULL (out_dir, unmapping a role, ...). */
%typemap(in) const char * %{
    if ($input == R_NilValue || XLENGTH($input) == 0 || STRING_ELT($input, 0) == NA_STRING)
        $1 = NULL;
    else
        $1 = ($1_ltype)Rf_translateCharUTF8(STRING_ELT($input, 0));
%}
%typemap(scoercein) const char * %{ if (!is.null($input)) $input = as.character($input); %}
%typemap(freearg) const char * "";

/* Enums: a name ("ARMOEDE_ROLE_YEAR") or the number. */
%typemap(scoercein) enum SWIGTYPE %{ if (is.character($input)) $input = enumToInteger($input, "$R_class"); $input = as.integer($input); %}

/* Scalar outputs. */
%define AMB_R_OUT(CTYPE, INIT, CONV)
%typemap(in, numinputs=0) CTYPE * (CTYPE tmp = INIT) "$1 = &tmp;";
%typemap(argout) CTYPE * %{ r_ans = amb_r_out(R_OutputValues, CONV); %}
%typemap(freearg) CTYPE * "";
%typemap(scoercein) CTYPE * "";
%enddef
AMB_R_OUT(double, NAN, Rf_ScalarReal(*$1))
AMB_R_OUT(int64_t, 0, Rf_ScalarReal(*$1 == ARMOEDE_NA_INT ? NA_REAL : (double)*$1))
AMB_R_OUT(int32_t, 0, Rf_ScalarInteger((int)*$1))
AMB_R_OUT(int, 0, Rf_ScalarInteger(*$1))
AMB_R_OUT(size_t, 0, Rf_ScalarReal((double)*$1))

%typemap(in, numinputs=0) const char **name (const char *tmp = NULL) "$1 = ($1_ltype)&tmp;";
%typemap(argout) const char **name %{
    r_ans = amb_r_out(R_OutputValues, tmp$argnum ? Rf_mkString(tmp$argnum) : Rf_ScalarString(NA_STRING));
%}
%typemap(freearg) const char **name "";

/* size_t arguments: R numbers (doubles), checked. */
%typemap(in) size_t %{
    if (XLENGTH($input) != 1 || !(Rf_asReal($input) >= 0) || Rf_asReal($input) != floor(Rf_asReal($input)))
        SWIG_exception_fail(SWIG_ValueError, "$symname: argument $argnum: a count or index >= 0 expected");
    $1 = (size_t)Rf_asReal($input);
%}
%typemap(scoercein) size_t "$input = as.numeric($input);";

/* Arrays in: a double vector is passed without a copy; int64 from R
 * numbers (copied, NA -> ARMOEDE_NA_INT); int32 from R integers without a
 * copy (NA_integer_ is INT32_MIN, the library's missing int32). */
%typemap(in) (const double *x, size_t n) %{
    if ($input == R_NilValue) { $1 = NULL; $2 = 0; }
    else if (TYPEOF($input) != REALSXP) SWIG_exception_fail(SWIG_TypeError, "$symname: a double vector expected");
    else { $1 = REAL($input); $2 = (size_t)XLENGTH($input); }
%}
%typemap(scoercein) (const double *x, size_t n) "if (!is.null($input)) $input = as.double($input);";
%typemap(freearg) (const double *x, size_t n) "";
%typemap(argout) (const double *x, size_t n) "";
%apply (const double *x, size_t n) { (const double *w, size_t nw) };

%typemap(in) (const int64_t *x, size_t n) (amb_arena arena = {NULL, 0, 0}) %{
    {
        R_xlen_t len = XLENGTH($input);
        int64_t *v = (int64_t *)amb_alloc(&arena, (size_t)len * sizeof *v);
        if (!v) SWIG_exception_fail(SWIG_MemoryError, "out of memory");
        for (R_xlen_t i = 0; i < len; i++) {
            double d = REAL($input)[i];
            if (ISNAN(d)) v[i] = ARMOEDE_NA_INT;
            else if (d != floor(d) || fabs(d) > 9007199254740992.0)
                SWIG_exception_fail(SWIG_ValueError, "$symname: not a whole number below 2^53");
            else v[i] = (int64_t)d;
        }
        $1 = v;
        $2 = (size_t)len;
    }
%}
%typemap(scoercein) (const int64_t *x, size_t n) "$input = as.double($input);";
%typemap(freearg) (const int64_t *x, size_t n) "amb_arena_free(&arena$argnum);";
%typemap(argout) (const int64_t *x, size_t n) "";

%typemap(in) (const int32_t *x, size_t n) %{
    if (TYPEOF($input) != INTSXP) SWIG_exception_fail(SWIG_TypeError, "$symname: an integer vector expected");
    $1 = (int32_t *)INTEGER($input);
    $2 = (size_t)XLENGTH($input);
%}
%typemap(scoercein) (const int32_t *x, size_t n) "$input = as.integer($input);";
%typemap(freearg) (const int32_t *x, size_t n) "";
%typemap(argout) (const int32_t *x, size_t n) "";
%apply (const int32_t *x, size_t n) { (const int32_t *days, size_t n), (const int32_t *codes, size_t n) };

/* copy = 0 borrows x: the table keeps the R vector alive (add_real); an
 * int64 column was converted into a temporary, so it is always copied. */
%typemap(check) int copy %{
    if ((const void *)arg3 != (const void *)DATAPTR(x))
        $1 = 1;
%}
%typemap(argout) int copy %{
    if ($1 == 0)
        amb_r_keep(t, x);
%}

%typemap(in) (double *INOUT_ARRAY, size_t np) (SEXP dup = R_NilValue) %{
    dup = PROTECT(Rf_duplicate(Rf_coerceVector($input, REALSXP)));
    r_nprotect++;
    $1 = REAL(dup);
    $2 = (size_t)XLENGTH(dup);
%}
%typemap(scoercein) (double *INOUT_ARRAY, size_t np) "$input = as.double($input);";
%typemap(argout) (double *INOUT_ARRAY, size_t np) %{ r_ans = amb_r_out(R_OutputValues, dup$argnum); %}
%typemap(freearg) (double *INOUT_ARRAY, size_t np) "";

/* Character vectors (NA = missing), borrowed for the call. */
%typemap(in) (const char *const *values, size_t n) (amb_arena arena = {NULL, 0, 0}) %{
    {
        R_xlen_t len;
        const char **v;
        if (TYPEOF($input) != STRSXP) SWIG_exception_fail(SWIG_TypeError, "$symname: a character vector expected");
        len = XLENGTH($input);
        v = (const char **)amb_alloc(&arena, (size_t)len * sizeof *v);
        if (!v) SWIG_exception_fail(SWIG_MemoryError, "out of memory");
        for (R_xlen_t i = 0; i < len; i++)
            v[i] = STRING_ELT($input, i) == NA_STRING ? NULL : Rf_translateCharUTF8(STRING_ELT($input, i));
        $1 = ($1_ltype)v;
        $2 = (size_t)len;
    }
%}
%typemap(scoercein) (const char *const *values, size_t n) "$input = as.character($input);";
%typemap(freearg) (const char *const *values, size_t n) "amb_arena_free(&arena$argnum);";
%typemap(argout) (const char *const *values, size_t n) "";
%apply (const char *const *values, size_t n) { (const char *const *labels, size_t nlabels),
                                               (const char *const *names, size_t n) };

/* Options structs: a named list (or NULL) in; *_init return the defaults. */
%define AMB_OPTIONS(T)
%ignore T;
%typemap(in) const T * (amb_arena arena = {NULL, 0, 0}, T tmp, char err[1024]) %{
    if ($input == R_NilValue) {
        $1 = NULL;
    } else {
        memcpy(&tmp, amb_desc_##T.init, sizeof tmp);
        if (amb_r_fill($input, &amb_desc_##T, &tmp, &arena, err, sizeof err) < 0)
            SWIG_exception_fail(SWIG_ValueError, err);
        $1 = &tmp;
    }
%}
%typemap(scoercein) const T * "";
%typemap(freearg) const T * "amb_arena_free(&arena$argnum);";
%typemap(argout) const T * "";
%typemap(in, numinputs=0) T * (T tmp) "memset(&tmp, 0, sizeof tmp); $1 = &tmp;";
%typemap(argout) T * %{ r_ans = amb_r_out(R_OutputValues, amb_r_list(&amb_desc_##T, $1)); %}
%typemap(freearg) T * "";
%enddef

/* Opaque objects: an external pointer tagged with the type's name, with a
 * finalizer that frees it once; *_free frees and empties it; an empty or
 * foreign pointer is an error; NULL is NULL. */
%define AMB_HANDLE(T)
%{
static void amb_r_fin_##T(SEXP x)
{
    T *p = (T *)R_ExternalPtrAddr(x);
    if (p) {
        T##_free(p);
        R_ClearExternalPtr(x);
    }
}
%}
%nodefaultctor T;
%nodefaultdtor T;
%typemap(in) T *, const T * %{
    if ($input == R_NilValue) {
        $1 = NULL;
    } else {
        if (TYPEOF($input) != EXTPTRSXP || R_ExternalPtrTag($input) != Rf_install(#T))
            SWIG_exception_fail(SWIG_TypeError, "$symname: argument $argnum is not an " #T);
        if (!R_ExternalPtrAddr($input))
            SWIG_exception_fail(SWIG_ValueError, "$symname: argument $argnum: the " #T " has been freed");
        $1 = ($ltype)R_ExternalPtrAddr($input);
    }
%}
%typemap(scoercein) T *, const T * "";
%typemap(freearg) T *, const T * "";
%typemap(argout) T *, const T * "";
%typemap(in) T *RELEASE %{
    if (TYPEOF($input) != EXTPTRSXP || R_ExternalPtrTag($input) != Rf_install(#T))
        SWIG_exception_fail(SWIG_TypeError, "$symname: argument $argnum is not an " #T);
    amb_r_fin_##T($input); /* frees once; then empty */
    $1 = NULL;
%}
%typemap(scoercein) T *RELEASE "";
%typemap(freearg) T *RELEASE "";
%typemap(in, numinputs=0) T **out (T *tmp = NULL) "$1 = &tmp;";
%typemap(argout) T **out %{
    {
        SEXP ptr = PROTECT(R_MakeExternalPtr(tmp$argnum, Rf_install(#T), R_NilValue));
        R_RegisterCFinalizerEx(ptr, amb_r_fin_##T, TRUE);
        Rf_setAttrib(ptr, R_ClassSymbol, Rf_mkString(#T));
        r_ans = amb_r_out(R_OutputValues, ptr);
        UNPROTECT(1);
    }
%}
%typemap(freearg) T **out "";
%typemap(scoerceout) T *, const T * "";
%ignore T##_free;
%rename(T##_free) amb_##T##_free;
%inline %{
static void amb_##T##_free(T *RELEASE) { T##_free(RELEASE); }
%}
%enddef
