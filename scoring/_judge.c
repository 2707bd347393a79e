/* scoring._judge: reference mode's judgement of the common answer, compiled.

   A leaderboard judges a hundred thousand distinct answers per worker; in Python each cost 3-7 us, which put the
   build at 2.4 times its floor. This module judges, in C, exactly the answers whose judgement needs nothing but
   the released string rules on a prepared plan (`scoring.reference.score_plan`) and the plain-script pattern
   (`omniact.actions.is_plain_script`) or the "prose around code" refusal (`omniact.actions.certainly_refused`),
   with the same float operations in the same order: the same libm (`pow`, `sqrt`) and CPython's own decimal
   reader (`PyOS_string_to_double`, what `float()` calls). Anything else (non-ASCII text, a line the rules cannot
   read, a float operation that would raise, a shape of line this file does not know) is left to the Python judge:
   the answer's outcome stays None and `scoring.scorer.judge` works it out. What this file recognises as plain is a
   subset of what the Python pattern accepts, and its refusals a subset of `certainly_refused`'s, so where it
   answers, it answers as Python does; tests hold the two together on generated answers.

   judge_batch(outcomes, positions, scripts, plans, weights, refused, bleu) -> int
     For each k with outcomes[k] None: the outcome (error, note, row) of scripts[k] on task positions[k], as
     `scoring.scorer.judge` makes it in reference mode, stored in outcomes[k]; returns how many were judged. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SCRIPT_CHARS 200000
/* gold lines of a plan judged here at most (one note per line at most) */
#define MAX_NOTES 256
/* plan step kinds, as scoring.reference numbers them */
enum { K_SKIP, K_CLICK, K_PRESS, K_HOTKEY, K_WRITE };
/* a judgement this file cannot make: the Python judge decides */
#define UNKNOWN (-1)

/* ------------------------------------------------------------------------------------------------------------
   The plain-line pattern (omniact.actions._valid_script_pattern), one line at a time. Every construct of the
   pattern is followed by a character that cannot continue it, so reading greedily takes the one way it matches. */

typedef struct {
    const char *p, *end;
} Cur;

static void blanks(Cur *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t')) c->p++;
}

static int lit(Cur *c, const char *s) {
    size_t n = strlen(s);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0) return 0;
    c->p += n;
    return 1;
}

/* -?(?:0|[1-9][0-9]{0,14}) then, with `fraction`, (?:\.[0-9]{0,15})? */
static int number(Cur *c, int fraction) {
    if (c->p < c->end && *c->p == '-') c->p++;
    if (c->p >= c->end) return 0;
    if (*c->p == '0') {
        c->p++;
    } else if (*c->p >= '1' && *c->p <= '9') {
        int n = 0;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
            if (++n > 15) return 0;
            c->p++;
        }
    } else {
        return 0;
    }
    if (fraction && c->p < c->end && *c->p == '.') {
        int n = 0;
        c->p++;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
            if (++n > 15) return 0;
            c->p++;
        }
    }
    /* (a digit or a point here: the pattern cannot match, as nothing that follows a number starts so) */
    if (c->p < c->end && ((*c->p >= '0' && *c->p <= '9') || *c->p == '.')) return 0;
    return 1;
}

/* "..." or '...' with no backslash, no line end and (with `nonempty`) at least one character */
static int quoted(Cur *c, int nonempty) {
    if (c->p >= c->end || (*c->p != '"' && *c->p != '\'')) return 0;
    char q = *c->p++;
    const char *start = c->p;
    while (c->p < c->end && *c->p != q) {
        if (*c->p == '\\' || *c->p == '\r' || *c->p == '\n') return 0;
        c->p++;
    }
    if (c->p >= c->end || (nonempty && c->p == start)) return 0;
    c->p++;
    return 1;
}

/* whether [p, p + n) is the text s */
static int same(const char *p, size_t n, const char *s) { return strlen(s) == n && memcmp(p, s, n) == 0; }

/* {s}(?:{num}{s},{s}{num}|x{s}={s}{num}{s},{s}y{s}={s}{num}){s}; each number's text in spans[j] (start, end) */
static int point(Cur *c, const char *spans[2][2]) {
    blanks(c);
    int keywords = c->p < c->end && *c->p == 'x';
    for (int j = 0; j < 2; j++) {
        if (j) {
            blanks(c);
            if (!lit(c, ",")) return 0;
            blanks(c);
        }
        if (keywords) {
            if (!lit(c, j ? "y" : "x")) return 0;
            blanks(c);
            if (!lit(c, "=")) return 0;
            blanks(c);
        }
        spans[j][0] = c->p;
        if (!number(c, 1)) return 0;
        spans[j][1] = c->p;
    }
    blanks(c);
    return 1;
}

/* {s},{s}button{s}={s}(?:"left"|"right"|"middle", in either quotes){s}, after a point: 1 read, 0 none there, -2 not
   the pattern */
static int button(Cur *c) {
    if (c->p >= c->end || *c->p != ',') return 0;
    c->p++;
    blanks(c);
    if (!lit(c, "button")) return -2;
    blanks(c);
    if (!lit(c, "=")) return -2;
    blanks(c);
    const char *q = c->p;
    if (!quoted(c, 1)) return -2;
    const char *b = q + 1;
    size_t n = (size_t)(c->p - q) - 2;
    if (!(same(b, n, "left") || same(b, n, "right") || same(b, n, "middle"))) return -2;
    blanks(c);
    return 1;
}

static int is_name(const char *p, size_t n, const char *const *names) {
    for (; *names; names++)
        if (same(p, n, *names)) return 1;
    return 0;
}

static const char *const WITH_BUTTON[] = {"click", "doubleClick", "tripleClick", "dragTo", "mouseDown", "mouseUp",
                                          NULL};
static const char *const WITHOUT_BUTTON[] = {"rightClick", "middleClick", "moveTo", NULL};

/* {s}ARG{s}\) for one argument: a text (quoted, maybe empty), a key (quoted, not empty) or a number */
enum { ARG_TEXT, ARG_KEY, ARG_NUMBER };

static int single(Cur *c, int arg) {
    blanks(c);
    if (!(arg == ARG_NUMBER ? number(c, 1) : quoted(c, arg == ARG_KEY))) return 0;
    blanks(c);
    return lit(c, ")");
}

/* What follows "pyautogui." on a plain line: one call, then blanks to the line's end. */
static int plain_call(Cur *c) {
    const char *name = c->p;
    while (c->p < c->end && ((*c->p >= 'a' && *c->p <= 'z') || (*c->p >= 'A' && *c->p <= 'Z'))) c->p++;
    size_t n = (size_t)(c->p - name);
    if (!lit(c, "(")) return 0;
    const char *spans[2][2];
    int with_button = is_name(name, n, WITH_BUTTON);
    if (with_button || is_name(name, n, WITHOUT_BUTTON)) {
        blanks(c);
        if (!lit(c, ")")) {
            if (!point(c, spans) || (with_button && button(c) < 0) || !lit(c, ")")) return 0;
        }
    } else if (same(name, n, "write") || same(name, n, "typewrite")) {
        if (!single(c, ARG_TEXT)) return 0;
    } else if (same(name, n, "press") || same(name, n, "keyDown") || same(name, n, "keyUp")) {
        if (!single(c, ARG_KEY)) return 0;
    } else if (same(name, n, "hotkey")) {
        blanks(c);
        for (;;) { /* keys, comma-separated */
            if (!quoted(c, 1)) return 0;
            blanks(c);
            if (!lit(c, ",")) break;
            blanks(c);
        }
        if (!lit(c, ")")) return 0;
    } else if (same(name, n, "scroll") || same(name, n, "hscroll")) {
        blanks(c);
        if (!number(c, 0)) return 0;
        blanks(c);
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            if (!point(c, spans)) return 0;
        }
        blanks(c);
        if (!lit(c, ")")) return 0;
    } else if (same(name, n, "sleep")) {
        if (!single(c, ARG_NUMBER)) return 0;
    } else {
        return 0;
    }
    blanks(c);
    return c->p == c->end;
}

/* Whether the line [p, end) is a plain OmniACT line (a subset of the pattern: every line this accepts, it accepts) */
static int plain_line(const char *p, const char *end) {
    Cur c = {p, end};
    if (lit(&c, "pyautogui.")) return plain_call(&c);
    if (lit(&c, "import")) {
        const char *before = c.p;
        blanks(&c);
        if (c.p == before || !lit(&c, "pyautogui")) return 0;
        blanks(&c);
        return c.p == c.end;
    }
    blanks(&c);
    if (c.p < c.end && *c.p == '#') {
        for (; c.p < c.end; c.p++)
            if (*c.p == '\r') return 0;
        return 1;
    }
    return c.p == c.end;
}

/* 1: every line plain (the parser accepts the script); 0: certainly refused (prose around code); UNKNOWN: neither
   known here. The text is ASCII, has no NUL and is at most MAX_SCRIPT_CHARS long. */
static int script_verdict(const char *s, Py_ssize_t len) {
    const char *end = s + len, *line = s;
    for (;;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *stop = nl ? nl : end;
        if (!plain_line(line, stop)) {
            /* `_certainly_invalid`: the first line not plain starts with a name other than import, pyautogui or time
               (no line that starts with such a name is plain, so Python's first such line is this one too), */
            const char *q = line;
            if (q < stop && ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || *q == '_')) {
                while (q < stop && ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
                                    *q == '_'))
                    q++;
                size_t n = (size_t)(q - line);
                if (!(same(line, n, "import") || same(line, n, "pyautogui") || same(line, n, "time"))) return 0;
            }
            /* Else: the rest of the script, from this line, has no quote, comment or backslash, and its brackets do
               not pair up (a call cut off). Python's rest may start lines later (at a line plain to its pattern and
               not to this one's), but such lines without a quote or comment are calls of numbers, each one "(" and
               one ")": the counts differ alike. */
            long round = 0, square = 0, curly = 0;
            for (const char *q = line; q < end; q++) {
                switch (*q) {
                case '"': case '\'': case '#': case '\\': return UNKNOWN;
                case '(': round++; break;
                case ')': round--; break;
                case '[': square++; break;
                case ']': square--; break;
                case '{': curly++; break;
                case '}': curly--; break;
                default: break;
                }
            }
            return round || square || curly ? 0 : UNKNOWN;
        }
        if (!nl) return 1;
        line = nl + 1;
    }
}

/* ------------------------------------------------------------------------------------------------------------
   The released string rules on a plan (scoring.reference.score_plan), on the script stripped and lower-cased. */

/* str.isspace() on an ASCII character */
static int space(char ch) {
    return ch == ' ' || (ch >= '\t' && ch <= '\r') || (ch >= '\x1c' && ch <= '\x1f');
}

/* str.strip() of the text [*a, *b) */
static void strip(const char **a, const char **b) {
    while (*a < *b && space(**a)) (*a)++;
    while (*b > *a && space((*b)[-1])) (*b)--;
}

static const char *find(const char *p, const char *end, const char *s) {
    size_t n = strlen(s);
    for (; (size_t)(end - p) >= n; p++)
        if (*p == *s && memcmp(p, s, n) == 0) return p;
    return NULL;
}

static const char *find_char(const char *p, const char *end, char ch) { return memchr(p, ch, (size_t)(end - p)); }

/* float(text) for [p, end), where it is a decimal number that float() reads as PyOS_string_to_double does:
   0 and the value in *out, else UNKNOWN (a spelling float() reads otherwise or refuses: inf, nan, 1_0, ...). */
static int read_float(const char *p, const char *end, double *out) {
    /* float() strips what C's isspace() calls space, which \x1c-\x1f (str.isspace()'s too) are not */
    while (p < end && (*p == ' ' || (*p >= '\t' && *p <= '\r'))) p++;
    while (end > p && (end[-1] == ' ' || (end[-1] >= '\t' && end[-1] <= '\r'))) end--;
    if (p == end || end - p > 64) return UNKNOWN;
    char buf[72];
    for (const char *q = p; q < end; q++) {
        char ch = *q;
        if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == 'e' || ch == 'E' || ch == '+' || ch == '-'))
            return UNKNOWN;
    }
    memcpy(buf, p, (size_t)(end - p));
    buf[end - p] = '\0';
    char *stop = NULL;
    double v = PyOS_string_to_double(buf, &stop, NULL);
    if (v == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return UNKNOWN;
    }
    if (stop != buf + (end - p)) return UNKNOWN;
    *out = v;
    return 0;
}

/* The text after the first quote (either kind) up to the next quote or the line's end: `_QUOTES.split(line)[1]`.
   UNKNOWN where the line has no quote (an IndexError in Python). */
static int after_quote(const char *p, const char *end, const char **a, const char **b) {
    const char *q = p;
    while (q < end && *q != '"' && *q != '\'') q++;
    if (q >= end) return UNKNOWN;
    const char *r = q + 1;
    while (r < end && *r != '"' && *r != '\'') r++;
    *a = q + 1;
    *b = r;
    return 0;
}

/* The point the shared parser reads on a plain click line written with keywords or with no point, the original
   text [p, end) of a line whose released point rule fails: ``pyautogui.click(x=NUM, y=NUM[, button=...])`` (1,
   the point in *x, *y, as the parser reads it) or ``pyautogui.click()`` (0:
   no point). UNKNOWN for any other line. */
static int keyword_click(const char *p, const char *end, double *x, double *y) {
    Cur c = {p, end};
    if (!lit(&c, "pyautogui.click(")) return UNKNOWN;
    blanks(&c);
    int got = 0;
    if (!lit(&c, ")")) {
        /* (a point by position that `point` reads, the rule reads too: only one by keywords comes here) */
        const char *spans[2][2];
        if (!point(&c, spans) || button(&c) < 0 || !lit(&c, ")")) return UNKNOWN;
        /* (the parser reads "-0" as the int 0, float() as -0.0: the penalty only takes |centre - point|) */
        if (read_float(spans[0][0], spans[0][1], x) != 0 || read_float(spans[1][0], spans[1][1], y) != 0)
            return UNKNOWN;
        got = 1;
    }
    blanks(&c);
    return c.p == c.end ? got : UNKNOWN;
}

/* plan_click_penalty: 0 and the penalty, or UNKNOWN where Python would raise or take penalty_released */
static int click_penalty(PyObject *value, double px, double py, double *out) {
    if (!PyTuple_CheckExact(value) || PyTuple_GET_SIZE(value) != 9) return UNKNOWN;
    double v[9];
    for (int j = 0; j < 9; j++) {
        PyObject *x = PyTuple_GET_ITEM(value, j);
        if (!PyFloat_CheckExact(x)) return UNKNOWN;
        v[j] = PyFloat_AS_DOUBLE(x);
    }
    double cx = v[4], cy = v[5], hx = v[6], hy = v[7], mu = v[8];
    double dx = fabs(cx - px) - hx;
    double dy = fabs(cy - py) - hy;
    double ax = dx * (double)(dx > 0), ay = dy * (double)(dy > 0);
    double sx = pow(ax, 2.0), sy = pow(ay, 2.0);
    /* Python's ** raises OverflowError where pow sets ERANGE: on an overflow, and on an underflow to a subnormal or
       to 0 from a number that is not 0; inf or nan anywhere. The Python judge decides those. */
    if (!isfinite(sx) || !isfinite(sy) || !isfinite(mu)) return UNKNOWN;
    if ((ax != 0.0 && sx < DBL_MIN) || (ay != 0.0 && sy < DBL_MIN)) return UNKNOWN;
    double den = sqrt(sx + sy) + mu;
    if (!(den != 0.0) || !isfinite(den)) return UNKNOWN; /* ZeroDivisionError, or worse */
    double penalty = 1 - mu / den;
    if (!(0.0 <= penalty && penalty <= 1.0)) return UNKNOWN;
    *out = penalty;
    return 0;
}

typedef struct {
    PyObject *bleu; /* scoring.bleu.bleu, for texts this file does not take (non-ASCII) */
} Ctx;

/* ------------------------------------------------------------------------------------------------------------
   scoring.bleu.bleu(reference, candidate) for ASCII texts: character BLEU-2 as NLTK's sentence_bleu gets it, in the
   same float operations (each precision a correctly rounded quotient of its counts, libm's log and exp, the two
   weighted logs added once: what math.fsum of two numbers is). */

static int code_order(const void *a, const void *b) {
    unsigned x = *(const unsigned short *)a, y = *(const unsigned short *)b;
    return (x > y) - (x < y);
}

/* the character pairs of [p, p + n) as sorted codes in out (n - 1 of them) */
static void pairs(const char *p, Py_ssize_t n, unsigned short *out) {
    for (Py_ssize_t j = 0; j + 1 < n; j++)
        out[j] = (unsigned short)(((unsigned char)p[j] << 7) | (unsigned char)p[j + 1]);
    if (n > 2) qsort(out, (size_t)(n - 1), sizeof *out, code_order);
}

#define BLEU_MAX 4096 /* longer texts: the Python BLEU */

/* 0 and BLEU in *out; UNKNOWN for a text this does not take */
static int bleu_ascii(const char *ref, Py_ssize_t rl, const char *cand, Py_ssize_t cl, double *out) {
    if (rl > BLEU_MAX || cl > BLEU_MAX) return UNKNOWN;
    if (rl == cl && cl >= 2 && memcmp(ref, cand, (size_t)cl) == 0) {
        *out = 1.0; /* every precision 1, no brevity penalty: exp(fsum(w * log(1))) is exactly 1.0 */
        return 0;
    }
    /* unigrams: min(candidate count, reference count) summed over the candidate's characters */
    Py_ssize_t rc[128] = {0}, cc[128] = {0};
    for (Py_ssize_t j = 0; j < rl; j++) rc[(unsigned char)ref[j] & 127]++;
    for (Py_ssize_t j = 0; j < cl; j++) cc[(unsigned char)cand[j] & 127]++;
    Py_ssize_t num1 = 0;
    for (int c = 0; c < 128; c++) num1 += cc[c] < rc[c] ? cc[c] : rc[c];
    if (num1 == 0) {
        *out = 0.0;
        return 0;
    }
    Py_ssize_t den1 = cl > 1 ? cl : 1;
    /* bigrams, as sorted codes, their runs matched */
    Py_ssize_t num2 = 0, den2 = cl - 1 > 1 ? cl - 1 : 1;
    if (cl >= 2 && rl >= 2) {
        unsigned short a[BLEU_MAX], b[BLEU_MAX];
        pairs(cand, cl, a);
        pairs(ref, rl, b);
        Py_ssize_t i = 0, j = 0, na = cl - 1, nb = rl - 1;
        while (i < na && j < nb) {
            if (a[i] < b[j]) {
                i++;
            } else if (a[i] > b[j]) {
                j++;
            } else {
                unsigned short v = a[i];
                Py_ssize_t ka = 0, kb = 0;
                while (i < na && a[i] == v) i++, ka++;
                while (j < nb && b[j] == v) j++, kb++;
                num2 += ka < kb ? ka : kb;
            }
        }
    }
    double bp = cl > rl ? 1.0 : exp(1 - (double)rl / (double)cl); /* (cl > 0: a character matched) */
    double l1 = 0.5 * log((double)num1 / (double)den1);
    double l2 = 0.5 * log(num2 ? (double)num2 / (double)den2 : DBL_MIN);
    *out = bp * exp(l1 + l2);
    return 0;
}

/* Whether [p, stop) is a kept line of the released filter (`_KEPT_LINE`): its first characters other than blanks
   are "pyautogui" (the filter's blanks are str.isspace()'s but the line end, which no line holds). */
static int kept_line(const char *p, const char *stop) {
    while (p < stop && space(*p)) p++;
    return (size_t)(stop - p) >= 9 && memcmp(p, "pyautogui", 9) == 0;
}

/* The released rules on a plan, on the script stripped and lower-cased, [s, end) (ASCII; `orig` is the same text
   before lower-casing, and `first_line` the script's line number of its first line). As `score_plan` where it
   answers; where a predicted click's point rule fails and the shared parser reads the line (a plain click with
   keywords, or with no point), as `score_task`, which then decides: the point the parser reads, and a note per such
   line (their line numbers in notes[0 .. *n_notes), at most n of them).
   Returns 1 matched (penalties in r), 0 not matched, UNKNOWN where Python must decide, -2 on a Python error. */
static int score_plan(Ctx *ctx, PyObject *plan, const char *s, const char *end, const char *orig,
                      Py_ssize_t first_line, double r[3], Py_ssize_t *notes, Py_ssize_t *n_notes) {
    if (!PyTuple_CheckExact(plan) || PyTuple_GET_SIZE(plan) != 2) return UNKNOWN;
    PyObject *n_obj = PyTuple_GET_ITEM(plan, 0), *steps = PyTuple_GET_ITEM(plan, 1);
    if (!PyLong_CheckExact(n_obj) || !PyTuple_CheckExact(steps)) return UNKNOWN;
    Py_ssize_t n = PyLong_AsSsize_t(n_obj);
    if (n < 1 || n != PyTuple_GET_SIZE(steps)) {
        PyErr_Clear();
        return UNKNOWN;
    }
    Py_ssize_t count = 0;
    for (const char *line = s; line <= end;) {
        const char *nl = find_char(line, end, '\n');
        const char *stop = nl ? nl : end;
        count += kept_line(line, stop);
        if (!nl) break;
        line = nl + 1;
    }
    if (count != n) return 0;
    double click = 0.0, key = 0.0, write = 0.0;
    Py_ssize_t k = 0, line_no = first_line;
    *n_notes = 0;
    for (const char *line = s; line <= end && k < n; line_no++) {
        const char *nl = find_char(line, end, '\n');
        const char *stop = nl ? nl : end;
        const char *next = nl ? nl + 1 : end + 1;
        if (!kept_line(line, stop)) {
            line = next;
            continue;
        }
        PyObject *step = PyTuple_GET_ITEM(steps, k++);
        if (!PyTuple_CheckExact(step) || PyTuple_GET_SIZE(step) != 4) return UNKNOWN;
        PyObject *prefix = PyTuple_GET_ITEM(step, 0), *name = PyTuple_GET_ITEM(step, 1);
        PyObject *kind_obj = PyTuple_GET_ITEM(step, 2), *value = PyTuple_GET_ITEM(step, 3);
        if (!PyUnicode_CheckExact(prefix) || !PyUnicode_IS_ASCII(prefix) || !PyUnicode_CheckExact(name) ||
            !PyUnicode_IS_ASCII(name) || !PyLong_CheckExact(kind_obj))
            return UNKNOWN;
        const char *pre = (const char *)PyUnicode_DATA(prefix);
        Py_ssize_t pre_len = PyUnicode_GET_LENGTH(prefix);
        if (stop - line < pre_len || memcmp(line, pre, (size_t)pre_len) != 0) {
            /* the released comparison: the text after the first "pyautogui." up to the next one, cut at "(" (a name
               that differs is no match however the lines around read, in `score_plan` and `score_task` alike) */
            if (stop - line < 10 || memcmp(line, "pyautogui.", 10) != 0) return 0;
            const char *a = line + 10;
            const char *b = find(a, stop, "pyautogui.");
            if (!b) b = stop;
            const char *paren = find_char(a, b, '(');
            if (paren) b = paren;
            const char *nm = (const char *)PyUnicode_DATA(name);
            Py_ssize_t nm_len = PyUnicode_GET_LENGTH(name);
            if (b - a != nm_len || memcmp(a, nm, (size_t)nm_len) != 0) return 0;
            return UNKNOWN;
        }
        long kind = PyLong_AsLong(kind_obj);
        if (kind == K_CLICK) {
            /* The released point: the first two comma-separated fields after the prefix (a line with another "(" or
               "pyautogui." is cut otherwise: Python decides). */
            const char *inner = line + pre_len;
            if (find_char(inner, stop, '(') || find(inner, stop, "pyautogui.")) return UNKNOWN;
            const char *c1 = find_char(inner, stop, ',');
            double px, py;
            int rule = read_float(inner, c1 ? c1 : stop, &px) == 0 && c1 != NULL;
            if (rule) {
                const char *f1 = c1 + 1;
                const char *c2 = find_char(f1, stop, ',');
                const char *f1_end = c2 ? c2 : stop;
                const char *close = find_char(f1, f1_end, ')');
                rule = read_float(f1, close ? close : f1_end, &py) == 0;
            }
            double penalty;
            if (rule) {
                if (click_penalty(value, px, py, &penalty) != 0) return UNKNOWN;
            } else {
                /* `score_task`'s fallback: the shared parser reads the original line (the rule cannot have read a
                   line `keyword_click` knows: its first field holds "x=" or ")"), and a note says so */
                int got = keyword_click(orig + (line - s), orig + (stop - s), &px, &py);
                if (got == UNKNOWN) return UNKNOWN;
                if (got == 0) {
                    penalty = 1.0; /* click() clicks wherever the mouse is */
                } else if (click_penalty(value, px, py, &penalty) != 0) {
                    return UNKNOWN;
                }
                notes[(*n_notes)++] = line_no;
            }
            click += (1.0 / (double)n) * penalty;
        } else if (kind == K_PRESS) {
            const char *a, *b;
            if (!PyUnicode_CheckExact(value) || !PyUnicode_IS_ASCII(value)) return UNKNOWN;
            if (after_quote(line, stop, &a, &b) != 0) return UNKNOWN;
            strip(&a, &b);
            Py_ssize_t vlen = PyUnicode_GET_LENGTH(value);
            if (!(b - a == vlen && memcmp(a, PyUnicode_DATA(value), (size_t)vlen) == 0)) key += 1.0 / (double)n;
        } else if (kind == K_HOTKEY) {
            if (!PyAnySet_CheckExact(value)) return UNKNOWN;
            /* {x[1:-1] for x in line.split("(")[1].split(")")[0].split(",") if len(x) > 2} */
            const char *open = find_char(line, stop, '(');
            if (!open) return UNKNOWN;
            const char *a = open + 1;
            const char *b = find_char(a, stop, '(');
            if (!b) b = stop;
            const char *close = find_char(a, b, ')');
            if (close) b = close;
            PyObject *keys = PySet_New(NULL);
            if (!keys) return -2;
            for (const char *x = a;;) {
                const char *comma = find_char(x, b, ',');
                const char *y = comma ? comma : b;
                if (y - x > 2) {
                    PyObject *piece = PyUnicode_FromStringAndSize(x + 1, y - x - 2);
                    if (!piece || PySet_Add(keys, piece) < 0) {
                        Py_XDECREF(piece);
                        Py_DECREF(keys);
                        return -2;
                    }
                    Py_DECREF(piece);
                }
                if (!comma) break;
                x = comma + 1;
            }
            int same = PyObject_RichCompareBool(value, keys, Py_EQ);
            Py_DECREF(keys);
            if (same < 0) return -2;
            if (!same) key += 1.0 / (double)n;
        } else if (kind == K_WRITE) {
            const char *a, *b;
            if (!PyUnicode_CheckExact(value)) return UNKNOWN;
            if (after_quote(line, stop, &a, &b) != 0) return UNKNOWN;
            double score;
            if (!PyUnicode_IS_ASCII(value) ||
                bleu_ascii((const char *)PyUnicode_DATA(value), PyUnicode_GET_LENGTH(value), a, b - a, &score) != 0) {
                /* (a text bleu_ascii does not take: scoring.bleu.bleu) */
                PyObject *candidate = PyUnicode_FromStringAndSize(a, b - a);
                if (!candidate) return -2;
                PyObject *got = PyObject_CallFunctionObjArgs(ctx->bleu, value, candidate, NULL);
                Py_DECREF(candidate);
                if (!got) return -2;
                score = PyFloat_AsDouble(got);
                Py_DECREF(got);
                if (score == -1.0 && PyErr_Occurred()) return -2;
            }
            write += (1 - score) / (double)n;
        } else if (kind != K_SKIP) {
            return UNKNOWN;
        }
        line = next;
    }
    r[0] = click;
    r[1] = key;
    r[2] = write;
    return 1;
}

/* `scoring.scorer._row(weight, (True, click, key, write))` */
static PyObject *row(double weight, const double r[3]) {
    double c = r[0], k = r[1], w = r[2];
    double x = 1 - c - k - w;
    double s = (0 > x) ? 0.0 : x; /* float(max(x, 0)) */
    return Py_BuildValue("(iddddddddd)", 1, s, c, k, w, weight, s * weight, c * weight, k * weight, w * weight);
}

/* The outcome of one answer, a new reference; Py_None (borrowed, not increfed) where the Python judge decides;
   NULL on an error. */
static PyObject *judge_one(Ctx *ctx, PyObject *script, PyObject *plan, PyObject *weight_obj, PyObject *refused,
                           char *buf, Py_ssize_t buf_len) {
    if (!PyUnicode_CheckExact(script) || !PyUnicode_IS_ASCII(script)) return Py_None;
    Py_ssize_t len = PyUnicode_GET_LENGTH(script);
    if (len > MAX_SCRIPT_CHARS || len > buf_len) return Py_None;
    const char *text = (const char *)PyUnicode_DATA(script);
    if (memchr(text, '\0', (size_t)len)) return Py_None;
    if (!PyFloat_CheckExact(weight_obj)) return Py_None;
    double weight = PyFloat_AS_DOUBLE(weight_obj);
    int verdict = script_verdict(text, len);
    if (verdict == UNKNOWN) return Py_None;
    PyObject *error = verdict ? Py_None : refused;
    if (weight == 0.0) return PyTuple_Pack(3, error, Py_None, Py_None); /* a skipped task */
    if (plan == Py_None) return Py_None;
    /* script.strip().lower() */
    const char *a = text, *b = text + len;
    strip(&a, &b);
    Py_ssize_t m = b - a;
    for (Py_ssize_t j = 0; j < m; j++) {
        char ch = a[j];
        buf[j] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
    }
    /* the script's line number of the stripped text's first line (`score_task`'s offset) */
    Py_ssize_t first_line = 1;
    for (const char *q = text; q < a; q++) first_line += *q == '\n';
    double r[3];
    Py_ssize_t notes[MAX_NOTES], n_notes = 0;
    if (PyTuple_CheckExact(plan) && PyTuple_GET_SIZE(plan) == 2 && PyTuple_CheckExact(PyTuple_GET_ITEM(plan, 1)) &&
        PyTuple_GET_SIZE(PyTuple_GET_ITEM(plan, 1)) > MAX_NOTES)
        return Py_None; /* (a gold script of more lines than notes this keeps: Python judges it) */
    int matched = score_plan(ctx, plan, buf, buf + m, a, first_line, r, notes, &n_notes);
    if (matched == -2) return NULL;
    if (matched == UNKNOWN) return Py_None;
    if (!matched) return PyTuple_Pack(3, error, Py_None, Py_None);
    PyObject *note = Py_None;
    Py_INCREF(note);
    if (n_notes) {
        /* "; ".join of score_task's notes, one per line whose point the shared parser read */
        PyObject *parts = PyList_New(n_notes);
        if (!parts) {
            Py_DECREF(note);
            return NULL;
        }
        for (Py_ssize_t j = 0; j < n_notes; j++) {
            PyObject *one = PyUnicode_FromFormat(
                "predicted line %zd: point read by the shared parser (the released string rule fails)", notes[j]);
            if (!one) {
                Py_DECREF(parts);
                Py_DECREF(note);
                return NULL;
            }
            PyList_SET_ITEM(parts, j, one);
        }
        PyObject *sep = PyUnicode_FromString("; ");
        Py_DECREF(note);
        note = sep ? PyUnicode_Join(sep, parts) : NULL;
        Py_XDECREF(sep);
        Py_DECREF(parts);
        if (!note) return NULL;
    }
    PyObject *the_row = row(weight, r);
    if (!the_row) {
        Py_DECREF(note);
        return NULL;
    }
    PyObject *out = PyTuple_Pack(3, error, note, the_row);
    Py_DECREF(note);
    Py_DECREF(the_row);
    return out;
}

static PyObject *judge_batch(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *outcomes, *positions, *scripts, *plans, *weights, *refused, *bleu;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!OO", &PyList_Type, &outcomes, &PyList_Type, &positions, &PyList_Type,
                          &scripts, &PyTuple_Type, &plans, &PyTuple_Type, &weights, &refused, &bleu))
        return NULL;
    Py_ssize_t total = PyList_GET_SIZE(outcomes);
    if (PyList_GET_SIZE(positions) != total || PyList_GET_SIZE(scripts) != total ||
        PyTuple_GET_SIZE(plans) != PyTuple_GET_SIZE(weights)) {
        PyErr_SetString(PyExc_ValueError, "outcomes, positions and scripts differ in length, or plans and weights do");
        return NULL;
    }
    Ctx ctx = {bleu};
    Py_ssize_t buf_len = 255; /* the lower-cased text of one answer; grown for a longer one */
    char *buf = PyMem_Malloc((size_t)buf_len + 1);
    if (!buf) return PyErr_NoMemory();
    Py_ssize_t judged = 0, n_tasks = PyTuple_GET_SIZE(plans);
    for (Py_ssize_t k = 0; k < total; k++) {
        if (PyList_GET_ITEM(outcomes, k) != Py_None) continue;
        PyObject *pos = PyList_GET_ITEM(positions, k), *script = PyList_GET_ITEM(scripts, k);
        if (!PyLong_CheckExact(pos) || !PyUnicode_CheckExact(script)) continue;
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(script) < 0) { /* (a legacy string: every string is ready from Python 3.12 on) */
            PyMem_Free(buf);
            return NULL;
        }
#endif
        Py_ssize_t i = PyLong_AsSsize_t(pos);
        if (i < 0 || i >= n_tasks) {
            PyErr_Clear();
            continue;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(script);
        if (len > buf_len && len <= MAX_SCRIPT_CHARS) {
            char *more = PyMem_Realloc(buf, (size_t)len + 1);
            if (!more) {
                PyMem_Free(buf);
                return PyErr_NoMemory();
            }
            buf = more;
            buf_len = len;
        }
        PyObject *out = judge_one(&ctx, script, PyTuple_GET_ITEM(plans, i), PyTuple_GET_ITEM(weights, i), refused,
                                  buf, buf_len);
        if (!out) {
            PyMem_Free(buf);
            return NULL;
        }
        if (out == Py_None) continue;
        PyList_SET_ITEM(outcomes, k, out);
        Py_DECREF(Py_None); /* the list's reference to the None it held */
        judged++;
    }
    PyMem_Free(buf);
    return PyLong_FromSsize_t(judged);
}

/* apply(positions, scripts, outcomes, rows, missing, messages, refused_scripts, notes, refused): each answer's
   outcome put in the judgement's columns, as `scoring.scorer.judge`'s last loop does. */
static PyObject *apply(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *positions, *scripts, *outcomes, *rows, *missing, *messages, *refused_scripts, *notes, *refused;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!O!O!O!O", &PyList_Type, &positions, &PyList_Type, &scripts, &PyList_Type,
                          &outcomes, &PyList_Type, &rows, &PyList_Type, &missing, &PyDict_Type, &messages,
                          &PyDict_Type, &refused_scripts, &PyDict_Type, &notes, &refused))
        return NULL;
    Py_ssize_t total = PyList_GET_SIZE(outcomes), n_tasks = PyList_GET_SIZE(rows);
    if (PyList_GET_SIZE(positions) != total || PyList_GET_SIZE(scripts) != total ||
        PyList_GET_SIZE(missing) != n_tasks) {
        PyErr_SetString(PyExc_ValueError, "apply: the lists differ in length");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < total; k++) {
        PyObject *pos = PyList_GET_ITEM(positions, k), *outcome = PyList_GET_ITEM(outcomes, k);
        Py_ssize_t i = PyLong_AsSsize_t(pos);
        if (i == -1 && PyErr_Occurred()) return NULL;
        if (i < 0 || i >= n_tasks || !PyTuple_CheckExact(outcome) || PyTuple_GET_SIZE(outcome) != 3) {
            PyErr_SetString(PyExc_ValueError, "apply: a position out of range or an outcome not a triple");
            return NULL;
        }
        PyObject *error = PyTuple_GET_ITEM(outcome, 0), *note = PyTuple_GET_ITEM(outcome, 1);
        PyObject *row = PyTuple_GET_ITEM(outcome, 2);
        Py_INCREF(Py_False);
        PyList_SetItem(missing, i, Py_False); /* (steals the reference, drops the old item's) */
        if (error != Py_None) {
            if (PyDict_SetItem(error == refused ? refused_scripts : messages, pos,
                               error == refused ? PyList_GET_ITEM(scripts, k) : error) < 0)
                return NULL;
        }
        if (note != Py_None && PyDict_SetItem(notes, pos, note) < 0) return NULL;
        if (row != Py_None) {
            Py_INCREF(row);
            PyList_SetItem(rows, i, row);
        }
    }
    Py_RETURN_NONE;
}

static PyObject *bleu(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *ref, *cand;
    if (!PyArg_ParseTuple(args, "UU", &ref, &cand)) return NULL;
    double score;
    if (!PyUnicode_IS_ASCII(ref) || !PyUnicode_IS_ASCII(cand) ||
        bleu_ascii((const char *)PyUnicode_DATA(ref), PyUnicode_GET_LENGTH(ref), (const char *)PyUnicode_DATA(cand),
                   PyUnicode_GET_LENGTH(cand), &score) != 0)
        Py_RETURN_NONE;
    return PyFloat_FromDouble(score);
}

static PyMethodDef methods[] = {
    {"apply", apply, METH_VARARGS,
     "apply(positions, scripts, outcomes, rows, missing, messages, refused_scripts, notes, refused): the outcomes put "
     "in a judgement's columns (scoring.scorer.judge's last loop)."},
    {"bleu", bleu, METH_VARARGS,
     "bleu(reference, candidate) -> float or None: scoring.bleu.bleu as the compiled judge works it out (None: a text "
     "it leaves to Python, non-ASCII or too long)."},
    {"judge_batch", judge_batch, METH_VARARGS,
     "judge_batch(outcomes, positions, scripts, plans, weights, refused, bleu) -> int: fill in the outcomes (None) of "
     "the answers the released rules judge on their plan without Python's help."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "scoring._judge",
                                    "Reference mode's judgement of the common answer, compiled (see judge_batch).", -1,
                                    methods};

PyMODINIT_FUNC PyInit__judge(void) { return PyModule_Create(&module); }
