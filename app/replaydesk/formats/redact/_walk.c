/*
 * The redactor's walks in C (issue 14: redaction must add under 10% to ingest; the same walks
 * in Python are bound by the interpreter's per-node cost): drain, over a snapshot's plain
 * nodes, and skip, over the incremental events (below).
 *
 * drain(plain_kids, short, scan_keys, mapped_tags, texts, attrs, checked) empties the list
 * plain_kids (lists of serialized rrweb nodes, taken last first, each in order, as
 * DomMap._tree's Python loop does) and decides nothing itself: it only sorts nodes out.
 *
 *   texts   <- text nodes whose textContent is a str of at least `short` characters
 *              (the caller runs the text rules on them);
 *   attrs   <- attribute dicts of elements holding a key of scan_keys (the caller scans them);
 *   checked <- every node it does not fully understand: not an exact dict, a type other
 *              than the ints 2 and 3, a missing or odd key, a tag in mapped_tags (form
 *              fields, labels). The caller's general path handles those, so sending a node
 *              there is always correct; this walk only takes the common case away from it.
 *
 * Children of a plain element are walked when childNodes is a list; anything else there
 * holds no node (the Python walk ignored strings and objects there too).
 *
 * Safety with untrusted input: no recursion (an explicit stack: the list plain_kids), no
 * Python code runs during the walk (exact dicts, lists and strs only; keys are this
 * module's own strs), borrowed references are only used while their owner is held.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *k_type, *k_text, *k_tag, *k_attrs, *k_kids, *k_data, *k_source, *k_adds, *k_texts,
    *k_node, *k_parent, *k_id, *k_value_text, *k_rule;

/* 1 when the exact dict attrs has a key in keys, 0 when not, -1 on error */
static int
has_key_in(PyObject *attrs, PyObject *keys)
{
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(attrs, &pos, &key, &value)) {
        int hit = PySet_Contains(keys, key);
        if (hit != 0)
            return hit;
    }
    return 0;
}

/* the int value of an exact int object, or -1 */
static long
small_int(PyObject *o)
{
    int overflow = 0;
    long v;
    if (o == NULL || !PyLong_CheckExact(o))
        return -1;
    v = PyLong_AsLongAndOverflow(o, &overflow);
    if (overflow || (v == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        return -1;
    }
    return v;
}

/* sort one node out; returns -1 on error (memory), else 0 */
static int
visit(PyObject *node, PyObject *plain_kids, Py_ssize_t short_len, PyObject *scan_keys,
      PyObject *mapped_tags, PyObject *texts, PyObject *attrs_out, PyObject *checked)
{
    PyObject *nt, *s, *tag, *attrs, *kids;
    long t;
    int hit;

    if (!PyDict_CheckExact(node))
        return PyList_Append(checked, node);
    nt = PyDict_GetItemWithError(node, k_type);
    if (nt == NULL && PyErr_Occurred())
        return -1;
    t = small_int(nt);
    if (t == 3) {
        s = PyDict_GetItemWithError(node, k_text);
        if (s == NULL) {
            if (PyErr_Occurred())
                return -1;
            return PyList_Append(checked, node);
        }
        if (!PyUnicode_CheckExact(s))
            return PyList_Append(checked, node);
        if (PyUnicode_GET_LENGTH(s) >= short_len)
            return PyList_Append(texts, node);
        return 0;
    }
    if (t != 2)
        return PyList_Append(checked, node);
    tag = PyDict_GetItemWithError(node, k_tag);
    attrs = tag ? PyDict_GetItemWithError(node, k_attrs) : NULL;
    kids = attrs ? PyDict_GetItemWithError(node, k_kids) : NULL;
    if (kids == NULL && PyErr_Occurred())
        return -1;
    if (kids == NULL || !PyUnicode_CheckExact(tag) || !PyDict_CheckExact(attrs))
        return PyList_Append(checked, node);
    hit = PySet_Contains(mapped_tags, tag);
    if (hit < 0)
        return -1;
    if (hit)
        return PyList_Append(checked, node);
    if (PyDict_GET_SIZE(attrs)) {
        hit = has_key_in(attrs, scan_keys);
        if (hit < 0)
            return -1;
        if (hit && PyList_Append(attrs_out, attrs) < 0)
            return -1;
    }
    if (PyList_CheckExact(kids) && PyList_GET_SIZE(kids))
        return PyList_Append(plain_kids, kids);
    return 0;
}

static PyObject *
drain(PyObject *self, PyObject *args)
{
    PyObject *plain_kids, *scan_keys, *mapped_tags, *texts, *attrs_out, *checked;
    Py_ssize_t short_len;
    if (!PyArg_ParseTuple(args, "O!nO!O!O!O!O!:drain", &PyList_Type, &plain_kids, &short_len,
                          &PyFrozenSet_Type, &scan_keys, &PyFrozenSet_Type, &mapped_tags,
                          &PyList_Type, &texts, &PyList_Type, &attrs_out, &PyList_Type, &checked))
        return NULL;
    while (PyList_GET_SIZE(plain_kids)) {
        Py_ssize_t last = PyList_GET_SIZE(plain_kids) - 1;
        PyObject *kids = PyList_GET_ITEM(plain_kids, last);
        Py_INCREF(kids); /* held while walked: removed from plain_kids below */
        if (PyList_SetSlice(plain_kids, last, last + 1, NULL) < 0) {
            Py_DECREF(kids);
            return NULL;
        }
        if (PyList_CheckExact(kids)) {
            /* the list may not change under us: no Python code runs while it is read */
            for (Py_ssize_t i = 0; i < PyList_GET_SIZE(kids); i++) {
                if (visit(PyList_GET_ITEM(kids, i), plain_kids, short_len, scan_keys, mapped_tags,
                          texts, attrs_out, checked) < 0) {
                    Py_DECREF(kids);
                    return NULL;
                }
            }
        }
        else if (PyList_Append(checked, kids) < 0) { /* not a list of nodes: the general path */
            Py_DECREF(kids);
            return NULL;
        }
        Py_DECREF(kids);
    }
    Py_RETURN_NONE;
}

/* ---- incremental events ------------------------------------------------------------------ */

/* value of key in the exact dict d (borrowed), NULL when missing; *err set on error */
static PyObject *
get(PyObject *d, PyObject *key, int *err)
{
    PyObject *v = PyDict_GetItemWithError(d, key);
    if (v == NULL && PyErr_Occurred())
        *err = 1;
    return v;
}


/*
 * 1 when the mutation add a (one entry of "adds") is plain: one node added under a parent that
 * is no field, label, labelled or masked element, and no rule reads it (a short text, or an
 * element that is no field or label, without text attributes or children); 0 when Python must
 * look at it, -1 on error. Plain adds change nothing in the redactor's map, so a mutation whose
 * adds are all plain needs nothing from it (as far as its adds go).
 */
static int
plain_add(PyObject *a, PyObject *labels, PyObject *owner, PyObject *masked, PyObject *fields,
          Py_ssize_t short_len, PyObject *scan_keys, PyObject *mapped_tags)
{
    int err = 0, hit;
    PyObject *node, *parent, *s, *tag, *at, *kids;
    long nt;

    if (!PyDict_CheckExact(a))
        return 0;
    node = get(a, k_node, &err);
    parent = node ? get(a, k_parent, &err) : NULL;
    if (err)
        return -1;
    if (parent == NULL || !PyLong_CheckExact(parent) || !PyDict_CheckExact(node))
        return 0;
    if ((hit = PyDict_Contains(labels, parent)) != 0 || (hit = PyDict_Contains(owner, parent)) != 0
        || (hit = PySet_Contains(masked, parent)) != 0 || (hit = PyDict_Contains(fields, parent)) != 0)
        return hit < 0 ? -1 : 0;
    nt = small_int(get(node, k_type, &err));
    if (err)
        return -1;
    if (nt == 3) {
        s = get(node, k_text, &err);
        if (err)
            return -1;
        return s != NULL && PyUnicode_CheckExact(s) && PyUnicode_GET_LENGTH(s) < short_len;
    }
    if (nt != 2)
        return 0;
    tag = get(node, k_tag, &err);
    at = tag ? get(node, k_attrs, &err) : NULL;
    kids = at ? get(node, k_kids, &err) : NULL;
    if (err)
        return -1;
    if (at == NULL || !PyUnicode_CheckExact(tag) || !PyDict_CheckExact(at))
        return 0;
    if (kids != NULL && kids != Py_None && !(PyList_CheckExact(kids) && PyList_GET_SIZE(kids) == 0))
        return 0;
    if ((hit = PySet_Contains(mapped_tags, tag)) != 0 || (hit = has_key_in(at, scan_keys)) != 0)
        return hit < 0 ? -1 : 0;
    return 1;
}

/*
 * 1 when the event needs nothing from the redactor: the cases Redactor._events lets through
 * unchanged (a mutation whose adds are all plain, see plain_add, that changes no text and no
 * attribute any rule reads; a value typed into a
 * field the redactor does not know, too short for the text rules; an incremental event of
 * another source; an event type no rule reads). 0 when Python must look at it, -1 on error.
 */
static int
nothing_to_do(PyObject *e, PyObject *labels, PyObject *owner, PyObject *masked, PyObject *fields,
              Py_ssize_t short_len, int sels, PyObject *attr_keys, PyObject *scan_keys,
              PyObject *mapped_tags)
{
    int err = 0, hit;
    PyObject *d, *adds, *texts, *recs, *at, *v, *id, *f;
    long t, src;

    if (!PyDict_CheckExact(e))
        return 0;
    t = small_int(get(e, k_type, &err));
    if (err)
        return -1;
    if (t != 3)
        return !(t == 2 || t == 5 || t == 6 || t == -1);
    d = get(e, k_data, &err);
    if (err)
        return -1;
    if (d == NULL || !PyDict_CheckExact(d))
        return 0;
    src = small_int(get(d, k_source, &err));
    if (err)
        return -1;
    if (src == 5) {
        v = get(d, k_value_text, &err);
        id = v ? get(d, k_id, &err) : NULL;
        if (err)
            return -1;
        if (id == NULL || !PyLong_CheckExact(id) || !PyUnicode_CheckExact(v) || PyUnicode_GET_LENGTH(v) >= short_len)
            return 0;
        f = get(fields, id, &err);
        if (err)
            return -1;
        if (f != NULL) {  /* a known field: nothing to do when no rule makes it sensitive */
            PyObject *rule = PyObject_GetAttr(f, k_rule);  /* Field.__slots__: no Python code runs */
            if (rule == NULL)
                return -1;
            Py_DECREF(rule);
            return rule == Py_None;
        }
        hit = PySet_Contains(masked, id);
        return hit < 0 ? -1 : !hit;
    }
    if (src != 0)
        return src != -1;
    adds = get(d, k_adds, &err);
    texts = adds ? get(d, k_texts, &err) : NULL;
    recs = texts ? get(d, k_attrs, &err) : NULL;
    if (err)
        return -1;
    if (recs == NULL)
        return 0;
    if (!PyList_CheckExact(adds) || !PyList_CheckExact(texts))
        return 0;
    if (PyList_GET_SIZE(texts))
        return 0;
    if (PyList_GET_SIZE(adds)) {
        if (sels)
            return 0;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(adds); i++) {
            hit = plain_add(PyList_GET_ITEM(adds, i), labels, owner, masked, fields, short_len, scan_keys,
                            mapped_tags);
            if (hit <= 0)
                return hit;
        }
    }
    if (recs == Py_None)
        return 1;
    if (!PyList_CheckExact(recs))
        return 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(recs); i++) {
        PyObject *r = PyList_GET_ITEM(recs, i);
        if (!PyDict_CheckExact(r))
            return 0;
        at = get(r, k_attrs, &err);
        if (err)
            return -1;
        if (at == NULL || !PyDict_CheckExact(at))
            return 0;
        if ((hit = has_key_in(at, attr_keys)) != 0)
            return hit < 0 ? -1 : 0;
    }
    return 1;
}

/* skip(events, start, labels, owner, masked, fields, short, sels, attr_keys, scan_keys,
 *      mapped_tags) -> the index of the first event at or after start that the redactor's
 * Python loop must look at (len(events) when none). The maps are read as they are now:
 * the caller calls again after each event it handled, which may have changed them. */
static PyObject *
skip(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *events, *labels, *owner, *masked, *fields, *attr_keys, *scan_keys, *mapped_tags;
    Py_ssize_t i, short_len;
    int sels;
    if (nargs != 11) {
        PyErr_SetString(PyExc_TypeError, "skip() takes 11 arguments");
        return NULL;
    }
    events = args[0];
    labels = args[2];
    owner = args[3];
    masked = args[4];
    fields = args[5];
    attr_keys = args[8];
    scan_keys = args[9];
    mapped_tags = args[10];
    if (!PyList_CheckExact(events) || !PyDict_CheckExact(labels) || !PyDict_CheckExact(owner)
        || !PySet_CheckExact(masked) || !PyDict_CheckExact(fields) || !PyFrozenSet_CheckExact(attr_keys)
        || !PyFrozenSet_CheckExact(scan_keys) || !PyFrozenSet_CheckExact(mapped_tags)) {
        PyErr_SetString(PyExc_TypeError, "skip(): unexpected argument types");
        return NULL;
    }
    i = PyLong_AsSsize_t(args[1]);
    short_len = PyLong_AsSsize_t(args[6]);
    sels = PyObject_IsTrue(args[7]);
    if (PyErr_Occurred() || sels < 0)
        return NULL;
    if (i < 0)
        i = 0;
    for (; i < PyList_GET_SIZE(events); i++) {
        int r = nothing_to_do(PyList_GET_ITEM(events, i), labels, owner, masked, fields, short_len, sels,
                              attr_keys, scan_keys, mapped_tags);
        if (r < 0)
            return NULL;
        if (r == 0)
            break;
    }
    return PyLong_FromSsize_t(i);
}

static PyMethodDef methods[] = {
    {"skip", (PyCFunction)(void (*)(void))skip, METH_FASTCALL,
     "skip(events, start, labels, owner, masked, fields, short, sels, attr_keys, scan_keys, "
     "mapped_tags): the index of the next event the redactor must look at."},
    {"drain", drain, METH_VARARGS,
     "drain(plain_kids, short, scan_keys, mapped_tags, texts, attrs, checked): sort the plain "
     "nodes of the child lists in plain_kids (emptied) into the three output lists."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_walk", NULL, -1, methods};

PyMODINIT_FUNC
PyInit__walk(void)
{
    k_type = PyUnicode_InternFromString("type");
    k_text = PyUnicode_InternFromString("textContent");
    k_tag = PyUnicode_InternFromString("tagName");
    k_attrs = PyUnicode_InternFromString("attributes");
    k_kids = PyUnicode_InternFromString("childNodes");
    k_data = PyUnicode_InternFromString("data");
    k_source = PyUnicode_InternFromString("source");
    k_adds = PyUnicode_InternFromString("adds");
    k_texts = PyUnicode_InternFromString("texts");
    k_node = PyUnicode_InternFromString("node");
    k_parent = PyUnicode_InternFromString("parentId");
    k_id = PyUnicode_InternFromString("id");
    k_value_text = PyUnicode_InternFromString("text");
    k_rule = PyUnicode_InternFromString("rule");
    if (!k_type || !k_text || !k_tag || !k_attrs || !k_kids || !k_data || !k_source || !k_adds
        || !k_texts || !k_node || !k_parent || !k_id || !k_value_text || !k_rule)
        return NULL;
    return PyModule_Create(&module);
}
