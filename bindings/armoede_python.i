/*
 * libarmoede bindings: the Python half of the typemaps (see armoede.i).
 * Copyright (C) 2026 the libarmoede authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

%{
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

/* armoede.ArmoedeError, set by the package's __init__ (amb_set_error_class). */
static PyObject *amb_error_class = NULL;

/* Raise ArmoedeError(status, the library's message). */
static void amb_raise(int status)
{
    const char *msg = armoede_last_error();
    if (!msg || !*msg)
        msg = armoede_strerror(status);
    if (amb_error_class) {
        PyObject *e = PyObject_CallFunction(amb_error_class, "is", status, msg);
        if (e) {
            PyErr_SetObject(amb_error_class, e);
            Py_DECREF(e);
        }
    } else {
        PyErr_SetString(PyExc_RuntimeError, msg);
    }
}

/* Add an output to the return value: it replaces a status 0, else the
 * outputs become a tuple. Steals obj; NULL when obj is NULL. */
static PyObject *amb_out(PyObject *result, PyObject *obj)
{
    if (!obj) {
        Py_XDECREF(result);
        return NULL;
    }
    if (!result || result == Py_None || (PyLong_Check(result) && PyLong_AsLong(result) == 0 &&
                                         Py_TYPE(result) == &PyLong_Type)) {
        Py_XDECREF(result);
        return obj;
    }
    if (PyTuple_Check(result)) {
        Py_ssize_t n = PyTuple_GET_SIZE(result);
        PyObject *t = PyTuple_New(n + 1);
        if (!t) {
            Py_DECREF(obj);
            Py_DECREF(result);
            return NULL;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *x = PyTuple_GET_ITEM(result, i);
            Py_INCREF(x);
            PyTuple_SET_ITEM(t, i, x);
        }
        PyTuple_SET_ITEM(t, n, obj);
        Py_DECREF(result);
        return t;
    }
    return Py_BuildValue("(NN)", result, obj);
}

static int amb_py_fill(PyObject *dict, const amb_struct *d, void *s, amb_arena *a);

/* Fill the struct array / nested struct of field f from a list of dicts / a dict. */
static int amb_py_structs(PyObject *v, const amb_field *f, void *s, amb_arena *a, amb_counts *c)
{
    const amb_struct *sub = f->sub;
    if (!f->count_off) { /* one nested struct: const T * */
        void *x = amb_alloc(a, sub->size);
        if (!x)
            return PyErr_NoMemory(), -1;
        memcpy(x, sub->init, sub->size);
        if (amb_py_fill(v, sub, x, a) < 0)
            return -1;
        *(void **)((char *)s + f->off) = x;
        return 0;
    }
    PyObject *seq = PySequence_Fast(v, "a list of dicts");
    if (!seq)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    char *arr = (char *)amb_alloc(a, (size_t)n * sub->size);
    if (!arr) {
        Py_DECREF(seq);
        return PyErr_NoMemory(), -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        memcpy(arr + (size_t)i * sub->size, sub->init, sub->size);
        if (amb_py_fill(PySequence_Fast_GET_ITEM(seq, i), sub, arr + (size_t)i * sub->size, a) < 0) {
            Py_DECREF(seq);
            return -1;
        }
    }
    Py_DECREF(seq);
    *(void **)((char *)s + f->off) = arr;
    if (!amb_set_count(s, f, (size_t)n, c)) {
        PyErr_Format(PyExc_ValueError, "option '%s': not the length of its sibling list", f->name);
        return -1;
    }
    return 0;
}

/* One field from one Python value. */
static int amb_py_field(PyObject *v, const amb_field *f, void *s, amb_arena *a, amb_counts *c)
{
    char *p = (char *)s + f->off;
    if (v == Py_None) { /* NULL for pointers; the default for the others */
        if (f->kind >= AMB_STR && f->kind != AMB_STRUCT) {
            *(void **)p = NULL;
            if (!amb_set_count(s, f, 0, c))
                goto badlen;
        }
        return 0;
    }
    switch (f->kind) {
    case AMB_UINT: case AMB_INT: case AMB_ULONG: case AMB_I32: case AMB_SIZE: {
        if (PyFloat_Check(v) || !PyNumber_Check(v))
            goto badtype;
        PyObject *i = PyNumber_Index(v);
        if (!i)
            goto badtype;
        long long x = PyLong_AsLongLong(i);
        Py_DECREF(i);
        if (x == -1 && PyErr_Occurred())
            return -1;
        if (f->kind == AMB_UINT) {
            if (x < 0 || (unsigned long long)x > UINT32_MAX) goto badrange;
            *(unsigned int *)p = (unsigned int)x;
        } else if (f->kind == AMB_ULONG) {
            if (x < 0) goto badrange;
            *(unsigned long *)p = (unsigned long)x;
        } else if (f->kind == AMB_SIZE) {
            if (x < 0) goto badrange;
            *(size_t *)p = (size_t)x;
        } else if (f->kind == AMB_I32) {
            if (x < INT32_MIN || x > INT32_MAX) goto badrange;
            *(int32_t *)p = (int32_t)x;
        } else {
            if (x < INT32_MIN || x > INT32_MAX) goto badrange;
            *(int *)p = (int)x;
        }
        return 0;
    }
    case AMB_DOUBLE: {
        double x = PyFloat_AsDouble(v);
        if (x == -1.0 && PyErr_Occurred()) {
            PyErr_Clear();
            goto badtype;
        }
        *(double *)p = x;
        return 0;
    }
    case AMB_CHAR: {
        if (PyUnicode_Check(v)) {
            const char *u = PyUnicode_AsUTF8(v);
            if (!u) return -1;
            if (strlen(u) > 1) goto badtype;
            *p = u[0];
        } else {
            long x = PyLong_AsLong(v);
            if (x == -1 && PyErr_Occurred()) { PyErr_Clear(); goto badtype; }
            if (x < 0 || x > 127) goto badrange;
            *p = (char)x;
        }
        return 0;
    }
    case AMB_STR: {
        if (!PyUnicode_Check(v)) goto badtype;
        const char *u = PyUnicode_AsUTF8(v);
        if (!u) return -1;
        if (!(*(char **)p = amb_strdup(a, u))) return PyErr_NoMemory(), -1;
        return 0;
    }
    case AMB_STRS: case AMB_DOUBLES: case AMB_INTS: case AMB_I32S: case AMB_INTS_E: {
        if (PyUnicode_Check(v) || PyBytes_Check(v)) {
            if (f->kind != AMB_STRS) goto badtype;
            /* one string for a list of one */
        }
        PyObject *seq = PyUnicode_Check(v) ? PyTuple_Pack(1, v) : PySequence_Fast(v, "");
        if (!seq) { PyErr_Clear(); goto badtype; }
        Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
        char *arr = (char *)amb_alloc(a, (size_t)n * f->elem_size);
        if (!arr) { Py_DECREF(seq); return PyErr_NoMemory(), -1; }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *e = PySequence_Fast_GET_ITEM(seq, i);
            if (f->kind == AMB_STRS) {
                const char *u = PyUnicode_Check(e) ? PyUnicode_AsUTF8(e) : NULL;
                if (!u) { Py_DECREF(seq); PyErr_Clear(); goto badtype; }
                if (!(((char **)arr)[i] = amb_strdup(a, u))) { Py_DECREF(seq); return PyErr_NoMemory(), -1; }
            } else if (f->kind == AMB_DOUBLES) {
                double x = PyFloat_AsDouble(e);
                if (x == -1.0 && PyErr_Occurred()) { Py_DECREF(seq); PyErr_Clear(); goto badtype; }
                ((double *)arr)[i] = x;
            } else {
                if (PyFloat_Check(e)) { Py_DECREF(seq); goto badtype; }
                long x = PyLong_AsLong(e);
                if (x == -1 && PyErr_Occurred()) { Py_DECREF(seq); PyErr_Clear(); goto badtype; }
                if (x < INT32_MIN || x > INT32_MAX) { Py_DECREF(seq); goto badrange; }
                if (f->kind == AMB_I32S) ((int32_t *)arr)[i] = (int32_t)x;
                else if (f->kind == AMB_INTS_E) ((armoede_type *)arr)[i] = (armoede_type)x;
                else ((int *)arr)[i] = (int)x;
            }
        }
        Py_DECREF(seq);
        *(void **)p = arr;
        if (!amb_set_count(s, f, (size_t)n, c))
            goto badlen;
        return 0;
    }
    case AMB_TABLE: case AMB_NORMS: {
        void *ptr = NULL;
        swig_type_info *ty = f->kind == AMB_TABLE ? SWIGTYPE_p_armoede_table : SWIGTYPE_p_armoede_norms;
        if (!SWIG_IsOK(SWIG_ConvertPtr(v, &ptr, ty, 0))) goto badtype;
        if (!ptr) {
            PyErr_Format(PyExc_ValueError, "option '%s': the object has been freed", f->name);
            return -1;
        }
        *(void **)p = ptr;
        return 0;
    }
    case AMB_PSTRUCT:
        return amb_py_structs(v, f, s, a, c);
    case AMB_STRUCT:
        return amb_py_fill(v, f->sub, p, a);
    }
badtype:
    PyErr_Format(PyExc_TypeError, "option '%s': wrong type (%s)", f->name, Py_TYPE(v)->tp_name);
    return -1;
badrange:
    PyErr_Format(PyExc_ValueError, "option '%s': out of range", f->name);
    return -1;
badlen:
    PyErr_Format(PyExc_ValueError, "option '%s': not the length of its sibling list", f->name);
    return -1;
}

/* Fill struct s (already holding its defaults) from a dict. */
static int amb_py_fill(PyObject *dict, const amb_struct *d, void *s, amb_arena *a)
{
    PyObject *k, *v;
    Py_ssize_t pos = 0;
    amb_counts c;
    c.n = 0;
    if (!PyDict_Check(dict)) {
        PyErr_Format(PyExc_TypeError, "%s: a dict of options expected, not %s", d->name,
                     Py_TYPE(dict)->tp_name);
        return -1;
    }
    while (PyDict_Next(dict, &pos, &k, &v)) {
        const char *name = PyUnicode_Check(k) ? PyUnicode_AsUTF8(k) : NULL;
        const amb_field *f = name ? amb_find(d, name) : NULL;
        if (!f) {
            char known[1024];
            amb_known(d, known, sizeof known);
            PyErr_Format(PyExc_TypeError, "%s: unknown option '%S' (known: %s)", d->name, k, known);
            return -1;
        }
        if (amb_py_field(v, f, s, a, &c) < 0) {
            if (PyErr_ExceptionMatches(PyExc_TypeError) || PyErr_ExceptionMatches(PyExc_ValueError)) {
                /* prefix the struct's name once */
                PyObject *t, *val, *tb;
                PyErr_Fetch(&t, &val, &tb);
                PyObject *m = PyObject_Str(val);
                if (m && strncmp(PyUnicode_AsUTF8(m), "armoede_", 8) != 0)
                    PyErr_Format(t, "%s: %U", d->name, m);
                else
                    PyErr_Restore(t, val, tb), t = val = tb = NULL;
                Py_XDECREF(m);
                Py_XDECREF(t);
                Py_XDECREF(val);
                Py_XDECREF(tb);
            }
            return -1;
        }
    }
    return 0;
}

/* A dict of the fields of struct s (for the *_init functions). */
static PyObject *amb_py_dict(const amb_struct *d, const void *s)
{
    PyObject *dict = PyDict_New();
    if (!dict)
        return NULL;
    for (size_t i = 0; i < d->nfields; i++) {
        const amb_field *f = &d->fields[i];
        const char *p = (const char *)s + f->off;
        size_t n = f->count_off ? *(const size_t *)((const char *)s + f->count_off - 1) : 0;
        PyObject *v = NULL;
        switch (f->kind) {
        case AMB_UINT: v = PyLong_FromUnsignedLong(*(const unsigned int *)p); break;
        case AMB_INT: v = PyLong_FromLong(*(const int *)p); break;
        case AMB_ULONG: v = PyLong_FromUnsignedLong(*(const unsigned long *)p); break;
        case AMB_I32: v = PyLong_FromLong(*(const int32_t *)p); break;
        case AMB_SIZE: v = PyLong_FromSize_t(*(const size_t *)p); break;
        case AMB_DOUBLE: v = PyFloat_FromDouble(*(const double *)p); break;
        case AMB_CHAR: v = PyUnicode_FromStringAndSize(p, *p ? 1 : 0); break;
        case AMB_STR:
            if (*(char *const *)p) v = PyUnicode_FromString(*(char *const *)p);
            break;
        case AMB_STRS: case AMB_DOUBLES: case AMB_INTS: case AMB_I32S: case AMB_INTS_E: {
            const void *arr = *(void *const *)p;
            if (!arr) break;
            v = PyList_New((Py_ssize_t)n);
            for (size_t j = 0; v && j < n; j++) {
                PyObject *e = f->kind == AMB_STRS ? PyUnicode_FromString(((char *const *)arr)[j])
                            : f->kind == AMB_DOUBLES ? PyFloat_FromDouble(((const double *)arr)[j])
                            : f->kind == AMB_I32S ? PyLong_FromLong(((const int32_t *)arr)[j])
                            : f->kind == AMB_INTS_E ? PyLong_FromLong((long)((const armoede_type *)arr)[j])
                            : PyLong_FromLong(((const int *)arr)[j]);
                PyList_SET_ITEM(v, (Py_ssize_t)j, e);
            }
            break;
        }
        case AMB_STRUCT: v = amb_py_dict(f->sub, p); break;
        default: break; /* handles and nested structs: None by default */
        }
        if (!v) {
            if (PyErr_Occurred()) {
                Py_DECREF(dict);
                return NULL;
            }
            v = Py_None;
            Py_INCREF(v);
        }
        if (PyDict_SetItemString(dict, f->name, v) < 0) {
            Py_DECREF(v);
            Py_DECREF(dict);
            return NULL;
        }
        Py_DECREF(v);
    }
    return dict;
}
%}

%init %{
    import_array();
%}

%inline %{
/* Called once by armoede/__init__.py with the ArmoedeError class. */
static void amb_set_error_class(PyObject *cls)
{
    Py_XINCREF(cls);
    Py_XDECREF(amb_error_class);
    amb_error_class = cls;
}
%}

/* Statuses: negative -> ArmoedeError. */
%typemap(out) int {
    if ($1 < 0) {
        amb_raise($1);
        SWIG_fail;
    }
    $result = PyLong_FromLong((long)$1);
}

/* Scalar outputs. */
%define AMB_PY_OUT(CTYPE, INIT, CONV)
%typemap(in, numinputs=0) CTYPE * (CTYPE tmp = INIT) "$1 = &tmp;";
%typemap(argout) CTYPE * {
    $result = amb_out($result, CONV(*$1));
    if (!$result) SWIG_fail;
}
%enddef
AMB_PY_OUT(double, NAN, PyFloat_FromDouble)
AMB_PY_OUT(int64_t, 0, PyLong_FromLongLong)
AMB_PY_OUT(int32_t, 0, PyLong_FromLong)
AMB_PY_OUT(int, 0, PyLong_FromLong)
AMB_PY_OUT(size_t, 0, PyLong_FromSize_t)

/* const char **name: a static name or NULL, returned beside the int. */
%typemap(in, numinputs=0) const char **name (const char *tmp = NULL) "$1 = ($1_ltype)&tmp;";
%typemap(argout) const char **name {
    PyObject *s = tmp$argnum ? PyUnicode_FromString(tmp$argnum) : (Py_INCREF(Py_None), Py_None);
    $result = Py_BuildValue("(NN)", $result, s);
    if (!$result) SWIG_fail;
}

/* Arrays in: one numpy array (or anything numpy can make one of) and its
 * length. The array is converted to the C type without a copy when it
 * already is one (C-contiguous, native); the borrowed (copy = 0) columns of
 * armoede_table_add_real/add_int are kept alive by armoede/__init__.py. */
%define AMB_PY_ARRAY(CTYPE, NPYTYPE)
%typemap(in) (const CTYPE *x, size_t n) (PyArrayObject *arr = NULL) {
    if ($input == Py_None) {
        $1 = NULL;
        $2 = 0;
    } else {
        arr = (PyArrayObject *)PyArray_FROMANY($input, NPYTYPE, 1, 1, NPY_ARRAY_IN_ARRAY);
        if (!arr) SWIG_fail;
        $1 = (CTYPE *)PyArray_DATA(arr);
        $2 = (size_t)PyArray_SIZE(arr);
    }
}
%typemap(freearg) (const CTYPE *x, size_t n) "Py_XDECREF(arr$argnum);";
%typemap(argout) (const CTYPE *x, size_t n) ""; /* not the CTYPE * output typemap */
%apply (const CTYPE *x, size_t n) { (const CTYPE *values, size_t n), (const CTYPE *days, size_t n),
                                   (const CTYPE *codes, size_t n), (const CTYPE *w, size_t nw),
                                   (const CTYPE *p, size_t np) };
%enddef
AMB_PY_ARRAY(double, NPY_FLOAT64)
AMB_PY_ARRAY(int64_t, NPY_INT64)
AMB_PY_ARRAY(int32_t, NPY_INT32)

/* In-out array (quantiles): a new float64 copy of the input, returned. */
%typemap(in) (double *INOUT_ARRAY, size_t np) (PyArrayObject *arr = NULL) {
    arr = (PyArrayObject *)PyArray_FROMANY($input, NPY_FLOAT64, 1, 1,
                                           NPY_ARRAY_IN_ARRAY | NPY_ARRAY_ENSURECOPY);
    if (!arr) SWIG_fail;
    $1 = (double *)PyArray_DATA(arr);
    $2 = (size_t)PyArray_SIZE(arr);
}
%typemap(argout) (double *INOUT_ARRAY, size_t np) {
    Py_INCREF(arr$argnum);
    $result = amb_out($result, (PyObject *)arr$argnum);
    if (!$result) SWIG_fail;
}
%typemap(freearg) (double *INOUT_ARRAY, size_t np) "Py_XDECREF(arr$argnum);";

/* Lists of strings (None = missing), copied for the call. */
%typemap(in) (const char *const *values, size_t n) (amb_arena arena = {NULL, 0, 0}) {
    PyObject *seq = PySequence_Fast($input, "$symname: a list of strings expected");
    if (!seq) SWIG_fail;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    const char **v = (const char **)amb_alloc(&arena, (size_t)n * sizeof *v);
    if (!v) { Py_DECREF(seq); PyErr_NoMemory(); SWIG_fail; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *e = PySequence_Fast_GET_ITEM(seq, i);
        if (e == Py_None) { v[i] = NULL; continue; }
        const char *u = PyUnicode_Check(e) ? PyUnicode_AsUTF8(e) : NULL;
        if (!u) {
            Py_DECREF(seq);
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_TypeError, "$symname: item %zd is a %s, not a string", i,
                             Py_TYPE(e)->tp_name);
            SWIG_fail;
        }
        if (!(v[i] = amb_strdup(&arena, u))) { Py_DECREF(seq); PyErr_NoMemory(); SWIG_fail; }
    }
    Py_DECREF(seq);
    $1 = ($1_ltype)v;
    $2 = (size_t)n;
}
%typemap(freearg) (const char *const *values, size_t n) "amb_arena_free(&arena$argnum);";
%apply (const char *const *values, size_t n) { (const char *const *labels, size_t nlabels),
                                               (const char *const *names, size_t n) };

/* Options structs: dict (or None) in; the *_init functions return dicts. */
%define AMB_OPTIONS(T)
%ignore T;
%typemap(in) const T * (amb_arena arena = {NULL, 0, 0}, T tmp) {
    if ($input == Py_None) {
        $1 = NULL;
    } else {
        memcpy(&tmp, amb_desc_##T.init, sizeof tmp);
        if (amb_py_fill($input, &amb_desc_##T, &tmp, &arena) < 0) SWIG_fail;
        $1 = &tmp;
    }
}
%typemap(freearg) const T * "amb_arena_free(&arena$argnum);";
%typemap(argout) const T * ""; /* not the T * output below */
%typemap(in, numinputs=0) T * (T tmp) "memset(&tmp, 0, sizeof tmp); $1 = &tmp;";
%typemap(argout) T * {
    $result = amb_out($result, amb_py_dict(&amb_desc_##T, $1));
    if (!$result) SWIG_fail;
}
%enddef

/* Opaque objects: owned by their Python object (freed by the GC through the
 * destructor, exactly once); *_free releases and empties the object; an
 * empty object is an error wherever an object is needed; None is NULL. */
%define AMB_HANDLE(T)
%nodefaultctor T;
struct T {};
%extend T { ~T() { T##_free($self); } }
%apply SWIGTYPE *DISOWN { T *self };
%typemap(in) T *, const T * {
    if ($input == Py_None) {
        $1 = NULL;
    } else {
        void *argp = 0;
        int res = SWIG_ConvertPtr($input, &argp, $descriptor(T *), 0);
        if (!SWIG_IsOK(res))
            SWIG_exception_fail(SWIG_ArgError(res), "in method '$symname', argument $argnum of type '$type'");
        if (!argp) {
            PyErr_SetString(PyExc_ValueError, "$symname: argument $argnum: the " #T " has been freed");
            SWIG_fail;
        }
        $1 = ($ltype)argp;
    }
}
%typemap(in) T *RELEASE {
    void *argp = 0;
    int res = SWIG_ConvertPtr($input, &argp, $descriptor(T *), 0);
    if (SWIG_IsOK(res) && argp) /* a second free is a no-op */
        res = SWIG_ConvertPtr($input, &argp, $descriptor(T *), SWIG_POINTER_RELEASE);
    if (!SWIG_IsOK(res))
        SWIG_exception_fail(SWIG_ArgError(res), "in method '$symname', argument $argnum of type '$type'");
    $1 = ($ltype)argp;
}
%typemap(in, numinputs=0) T **out (T *tmp = NULL) "$1 = &tmp;";
%typemap(argout) T **out {
    $result = amb_out($result, SWIG_NewPointerObj(tmp$argnum, $descriptor(T *), SWIG_POINTER_OWN));
    if (!$result) SWIG_fail;
}
%ignore T##_free;
%rename(T##_free) amb_##T##_free;
%inline %{
static void amb_##T##_free(T *RELEASE) { T##_free(RELEASE); }
%}
%enddef
