/* The telemetry reader's compiled fast path (loader.formats.reader, "The compiled scanner").
 *
 * scan(buf, pos, wanted, max_event, max_depth) -> (spans, events, pos, at_element)
 *
 * From buf[pos] == '{', the start of an event of the file's array, reads consecutive events
 * separated by JSON whitespace and ',' and checks each one completely: strict JSON (RFC
 * 8259 grammar, every number and literal, string escapes, UTF-8, no raw control byte, nesting
 * within max_depth levels, the event at most max_event bytes), an object whose last
 * top-level "_T" key holds a string without escapes (orjson keeps the last of duplicate keys
 * too). spans lists (k, begin, end) for the events whose "_T" is one of `wanted` (k counts
 * the events read by this call, from 0; begin and end delimit the event's text in buf).
 *
 * It certifies, never rejects: at the first event it cannot certify (anything malformed,
 * but also what it does not try to decide: a key with an escape at the event's top level, a
 * surrogate escape other than a proper pair, an integer of more than 18 digits, a number of
 * more than 64 bytes or an exponent of more than 2 digits, an event that reaches the end of
 * buf) it stops: pos is that event's '{' and at_element is True; the caller's exact slow
 * path decides that event (orjson's verdict, the error message, reading more bytes). After
 * an event not followed by ws ',' ws '{' inside buf, it stops with pos just after that
 * event and at_element False: the caller reads what follows ('",' or ']', or more bytes).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define MAX_STACK 4096
#define MAX_INT_DIGITS 18
#define MAX_NUMBER_BYTES 64
#define MAX_EXPONENT_DIGITS 2

/* 1 for the bytes a string may hold as they are: 0x20-0x7f except '"' and '\' */
static unsigned char plain[256];

static void init_tables(void) {
    for (int c = 0x20; c < 0x80; c++)
        plain[c] = 1;
    plain['"'] = 0;
    plain['\\'] = 0;
}

static inline int is_ws(unsigned char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

static inline Py_ssize_t skip_ws(const unsigned char *s, Py_ssize_t i, Py_ssize_t lim) {
    if (i < lim && s[i] > ' ') /* the usual case: no whitespace at all */
        return i;
    while (i < lim && is_ws(s[i]))
        i++;
    return i;
}

static inline int hex4(const unsigned char *s, Py_ssize_t i, Py_ssize_t lim, unsigned *out) {
    if (i + 4 > lim)
        return 0;
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        unsigned char c = s[i + k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return 0;
    }
    *out = v;
    return 1;
}

/* The string at s[i] == '"': the index after its closing quote, or -1. *escaped: it holds
 * a backslash escape. */
static Py_ssize_t scan_string(const unsigned char *s, Py_ssize_t i, Py_ssize_t lim, int *escaped) {
    i++;
    for (;;) {
#if defined(__SSE2__)
        /* 16 bytes at a time up to the first that is not plain: '"', '\\', below 0x20, or
         * 0x80 and above (negative as a signed byte, so below 0x20 too) */
        while (i + 16 <= lim) {
            __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
            __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                                        _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                           _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
            int mask = _mm_movemask_epi8(special);
            if (mask) {
                i += __builtin_ctz(mask);
                break;
            }
            i += 16;
        }
#endif
        while (i < lim && plain[s[i]])
            i++;
        if (i >= lim)
            return -1;
        unsigned char c = s[i];
        if (c == '"')
            return i + 1;
        if (c == '\\') {
            *escaped = 1;
            if (i + 1 >= lim)
                return -1;
            unsigned char e = s[i + 1];
            if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
                i += 2;
                continue;
            }
            unsigned u, low;
            if (e != 'u' || !hex4(s, i + 2, lim, &u))
                return -1;
            if (u >= 0xD800 && u <= 0xDBFF) { /* a high surrogate: a low one must follow */
                if (i + 12 > lim || s[i + 6] != '\\' || s[i + 7] != 'u' || !hex4(s, i + 8, lim, &low) || low < 0xDC00 ||
                    low > 0xDFFF)
                    return -1;
                i += 12;
            } else if (u >= 0xDC00 && u <= 0xDFFF) {
                return -1;
            } else {
                i += 6;
            }
            continue;
        }
        if (c < 0x20)
            return -1;
        /* UTF-8 (RFC 3629): no overlong form, no surrogate, nothing above U+10FFFF */
        int more;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            more = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            more = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            more = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else
            return -1;
        if (i + more >= lim)
            return -1;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return -1;
        for (int k = 2; k <= more; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return -1;
        i += more + 1;
    }
}

/* The number at s[i]: the index after it, or -1 (malformed, or outside what is decided here). */
static Py_ssize_t scan_number(const unsigned char *s, Py_ssize_t i, Py_ssize_t lim) {
    Py_ssize_t start = i;
    if (i < lim && s[i] == '-')
        i++;
    if (i >= lim)
        return -1;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        Py_ssize_t d = i;
        while (i < lim && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i - d > MAX_INT_DIGITS)
            return -1;
    } else {
        return -1;
    }
    if (i < lim && s[i] == '.') {
        i++;
        Py_ssize_t d = i;
        while (i < lim && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return -1;
    }
    if (i < lim && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < lim && (s[i] == '+' || s[i] == '-'))
            i++;
        Py_ssize_t d = i;
        while (i < lim && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d || i - d > MAX_EXPONENT_DIGITS)
            return -1;
    }
    if (i >= lim || i - start > MAX_NUMBER_BYTES) /* at lim the number may go on */
        return -1;
    return i;
}

static inline Py_ssize_t scan_literal(const unsigned char *s, Py_ssize_t i, Py_ssize_t lim, const char *word, Py_ssize_t n) {
    if (i + n > lim || memcmp(s + i, word, n) != 0)
        return -1;
    return i + n;
}

/* The event object at s[i] == '{': the index after its '}', or -1 if it is not certified.
 * *type_begin, *type_end: the contents of its last top-level "_T" string. */
static Py_ssize_t scan_event(const unsigned char *s, Py_ssize_t i, Py_ssize_t lim, int max_depth, Py_ssize_t *type_begin,
                             Py_ssize_t *type_end) {
    unsigned char stack[MAX_STACK];
    int depth = 0;
    int key_is_type = 0; /* the top-level member being read has the key "_T" */
    int type_ok = 0;     /* the last top-level "_T" seen holds an escape-free string */
    int escaped;
    Py_ssize_t j;

    stack[depth++] = '{';
    i++;
    goto object_first;

object_first: /* after '{' */
    i = skip_ws(s, i, lim);
    if (i >= lim)
        return -1;
    if (s[i] == '}') {
        i++;
        depth--;
        goto closed;
    }
    /* fall through */
object_key: /* a member's key */
    i = skip_ws(s, i, lim);
    if (i >= lim || s[i] != '"')
        return -1;
    escaped = 0;
    j = scan_string(s, i, lim, &escaped);
    if (j < 0)
        return -1;
    if (depth == 1) {
        if (escaped) /* it might spell "_T" */
            return -1;
        key_is_type = (j - i == 4 && s[i + 1] == '_' && s[i + 2] == 'T');
    }
    i = skip_ws(s, j, lim);
    if (i >= lim || s[i] != ':')
        return -1;
    i++;
    /* fall through */
value:
    i = skip_ws(s, i, lim);
    if (i >= lim)
        return -1;
    {
        int typed = depth == 1 && key_is_type; /* the value of a top-level "_T" */
        unsigned char c = s[i];
        if (typed && c != '"')
            type_ok = 0; /* "_T" holds no string */
        switch (c) {
        case '{':
        case '[':
            if (depth >= max_depth)
                return -1;
            stack[depth++] = c;
            i++;
            if (c == '{')
                goto object_first;
            goto array_first;
        case '"':
            escaped = 0;
            j = scan_string(s, i, lim, &escaped);
            if (j < 0)
                return -1;
            if (typed) {
                type_ok = !escaped;
                *type_begin = i + 1;
                *type_end = j - 1;
            }
            i = j;
            break;
        case 't':
            i = scan_literal(s, i, lim, "true", 4);
            break;
        case 'f':
            i = scan_literal(s, i, lim, "false", 5);
            break;
        case 'n':
            i = scan_literal(s, i, lim, "null", 4);
            break;
        default:
            i = scan_number(s, i, lim);
        }
        if (i < 0)
            return -1;
    }
    /* fall through */
after_value:
    i = skip_ws(s, i, lim);
    if (i >= lim)
        return -1;
    if (s[i] == ',') {
        i++;
        if (stack[depth - 1] == '{')
            goto object_key;
        goto value;
    }
    if (s[i] != (stack[depth - 1] == '{' ? '}' : ']'))
        return -1;
    i++;
    depth--;
    goto closed;

array_first: /* after '[' */
    i = skip_ws(s, i, lim);
    if (i >= lim)
        return -1;
    if (s[i] == ']') {
        i++;
        depth--;
        goto closed;
    }
    goto value;

closed: /* after a container's closing bracket */
    if (depth)
        goto after_value;
    return type_ok ? i : -1;
}

static int is_wanted(const unsigned char *t, Py_ssize_t n, PyObject *wanted) {
    Py_ssize_t count = PyTuple_GET_SIZE(wanted);
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *w = PyTuple_GET_ITEM(wanted, k);
        if (PyBytes_GET_SIZE(w) == n && memcmp(PyBytes_AS_STRING(w), t, n) == 0)
            return 1;
    }
    return 0;
}

static PyObject *scan(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t pos, max_event;
    int max_depth;
    PyObject *wanted;
    if (!PyArg_ParseTuple(args, "y*nO!ni:scan", &view, &pos, &PyTuple_Type, &wanted, &max_event, &max_depth))
        return NULL;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(wanted); k++) {
        if (!PyBytes_Check(PyTuple_GET_ITEM(wanted, k))) {
            PyBuffer_Release(&view);
            PyErr_SetString(PyExc_TypeError, "scan: wanted must be a tuple of bytes");
            return NULL;
        }
    }
    if (max_depth > MAX_STACK)
        max_depth = MAX_STACK;
    const unsigned char *s = view.buf;
    Py_ssize_t n = view.len;
    PyObject *spans = PyList_New(0);
    if (spans == NULL) {
        PyBuffer_Release(&view);
        return NULL;
    }
    Py_ssize_t events = 0;
    int at_element = 1;
    Py_ssize_t i = pos;
    while (i < n && s[i] == '{') {
        Py_ssize_t lim = max_event < n - i ? i + max_event : n;
        Py_ssize_t type_begin = 0, type_end = 0;
        Py_ssize_t end = scan_event(s, i, lim, max_depth, &type_begin, &type_end);
        if (end < 0)
            break;
        if (is_wanted(s + type_begin, type_end - type_begin, wanted)) {
            PyObject *span = Py_BuildValue("(nnn)", events, i, end);
            if (span == NULL || PyList_Append(spans, span) < 0) {
                Py_XDECREF(span);
                Py_DECREF(spans);
                PyBuffer_Release(&view);
                return NULL;
            }
            Py_DECREF(span);
        }
        events++;
        Py_ssize_t j = skip_ws(s, end, n);
        if (j < n && s[j] == ',') {
            j = skip_ws(s, j + 1, n);
            if (j < n && s[j] == '{') {
                i = j;
                continue;
            }
        }
        i = end;
        at_element = 0;
        break;
    }
    PyBuffer_Release(&view);
    return Py_BuildValue("(NnnO)", spans, events, i, at_element ? Py_True : Py_False);
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS, "Certify consecutive events from buf[pos] == '{' (see the module's source)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "loader.formats._scan",
                                    "The telemetry reader's compiled fast path.", -1, methods};

PyMODINIT_FUNC PyInit__scan(void) {
    init_tables();
    return PyModule_Create(&module);
}
