/*
 * libarmoede: the SWIG interface for Python and R (bindings/README.md).
 * Copyright (C) 2026 the libarmoede authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * It wraps the whole public C API as it is declared in include/armoede.h and
 * the family headers, without naming any indicator: gen_bindings.py reads
 * the headers and writes armoede_gen.i (the %include of every header, one
 * AMB_OPTIONS per options struct, one AMB_HANDLE per opaque object, %ignore
 * for a function declared but not yet in the library). The typemaps below
 * go by the API's conventions instead of by function:
 *
 *  - int returns are statuses (or counts/flags >= 0): a negative one raises
 *    armoede.ArmoedeError (Python) or an R error, with the library's
 *    armoede_last_error() message;
 *  - T **out, double *, int64_t *, int32_t *, int *, size_t * parameters are
 *    outputs: they are returned (in place of the status 0) instead of passed;
 *  - const T * options structs are passed as a dict / named list (omitted
 *    fields keep the C defaults of the *_INIT macro; None / NULL = defaults);
 *    the *_options_init functions return the defaults as such a dict / list;
 *  - (const double *, size_t) and the like are one array argument (numpy
 *    array or sequence; R vector) with its length; (const char *const *,
 *    size_t) one list of strings (None / NA = missing);
 *  - opaque objects (table, norms, result) are owned by the Python or R
 *    object that holds them and freed exactly once, by the garbage collector
 *    or by the explicit *_free (after which the object is empty and any use
 *    of it is an error, never a crash).
 */
#ifdef SWIGPYTHON
%module(package="armoede", threads="1") core
#else
%module armoede
#endif

%{
#include <math.h>
#include <stdint.h>
#include "armoede.h"
#include "amb_common.h"
#include "amb_fields.h"
%}

%include <stdint.i>

#ifdef SWIGPYTHON
%include "armoede_python.i"
#endif
#ifdef SWIGR
%include "armoede_r.i"
#endif

/* armoede_quantiles takes two arrays of one length (x and w) and writes np
 * results: wrapped by a helper with one length per array; the results are
 * returned in a new array that starts as a copy of p. */
%ignore armoede_quantiles;
%include "armoede_gen.i"
#ifdef SWIGR
%include "armoede_r_post.i"
#endif
%rename(armoede_quantiles) amb_quantiles;
%inline %{
static int amb_quantiles(const double *x, size_t n, const double *w, size_t nw,
                         double *INOUT_ARRAY, size_t np, armoede_quantile_rule rule)
{
    double *p;
    int rc;
    if (w && nw != n) /* the library's own EINVAL ("NULL array") for a mismatch */
        return armoede_quantiles(x, NULL, n, NULL, np, rule, INOUT_ARRAY);
    p = (double *)malloc((np ? np : 1) * sizeof *p);
    if (!p)
        return armoede_quantiles(x, w, n, INOUT_ARRAY, np, rule, NULL);
    memcpy(p, INOUT_ARRAY, np * sizeof *p);
    rc = armoede_quantiles(x, w, n, p, np, rule, INOUT_ARRAY);
    free(p);
    return rc;
}
%}
