"""Safe arithmetic expressions of ``t``, evaluated with numpy over many frames at once.

The text is split into tokens by one regular expression, parsed by recursive
descent into a small tree of tuples, which :mod:`.evaluation` evaluates with
numpy ufuncs. Nothing is handed to Python's ``eval``: a name is either on the
whitelist below, bound by the caller, or an error with a caret under it.

Grammar, loosest binding first::

    expr    := and ('|' and)*                  logical or  (non-zero is true)
    and     := compare ('&' compare)*          logical and
    compare := sum [('<'|'<='|'>'|'>='|'=='|'!=') sum]     (not chained)
    sum     := product (('+'|'-') product)*
    product := unary (('*'|'/'|'%') unary)*     % is floored modulo, as in Python
    unary   := ('-'|'+') unary | power
    power   := atom [('**'|'^') unary]          right-associative; ^ is power, not xor
    atom    := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
             | 'is_section' '(' label (',' label)* ')'       label: "text" or 'text'
             | 'stem' '(' label ')'

The song's functions (``pulse``, ``smooth``, ``slew``, ``is_section``, ``stem``; see
:mod:`.signals`) read the song's events and whole curves; they are parsed only
where ``song_functions`` is asked for (values, not keys) and evaluated with an
:class:`~binarydream.keyframes.evaluation.EvaluationContext`.

Examples
--------
>>> import numpy as np
>>> from binarydream.keyframes.evaluation import evaluate
>>> tree = compile_expression("1 + 0.5*sin(pi*t/2)", names={"t"})
>>> evaluate(tree, {"t": np.arange(3.0)}).round(6).tolist()
[1.0, 1.5, 1.0]
"""

from __future__ import annotations

import re
import warnings

import numpy as np

from ..errors import KeyframeError
from .signals import COUNTERS
from .stem_signals import STEM_FUNCTION, STEM_KEYS, needs_stems, stem_key

MAX_DEPTH = 40
"""Deepest nesting of parentheses, signs and powers an expression may have."""

MAX_TOKENS = 500_000
"""Most tokens (numbers, names, operators) a keyframe text may hold: about 150 MB and a few seconds to parse."""

MAX_VALUES = 100_000_000
"""Most values a curve's expressions may compute, terms times frames (800 MB were each term kept at once)."""

CONSTANTS = {"pi": np.pi, "e": np.e}

UNARY = {"sin": np.sin, "cos": np.cos, "tan": np.tan, "abs": np.abs, "floor": np.floor, "ceil": np.ceil,
          "sqrt": np.sqrt, "exp": np.exp, "log": np.log}
SONG_FUNCTIONS = ("pulse", "smooth", "slew", "is_section", STEM_FUNCTION)
"""Functions of the song's events and of whole curves: values only, evaluated with an EvaluationContext."""

FUNCTIONS = (*UNARY, "min", "max", "clip", "where", "lerp", *SONG_FUNCTIONS)
"""Function names an expression may call."""

_ARITY = {"clip": (3, 3), "where": (3, 3), "lerp": (3, 3), "min": (2, None), "max": (2, None),
          "pulse": (2, 3), "smooth": (2, 3), "slew": (2, 2)}
_EXAMPLES = {"min": "min(t, 10)", "max": "max(t, 10)", "pulse": "pulse(beat, 0.25)", "smooth": "smooth(bass, 0.5)",
             "slew": "slew(bass, 0.01)", "lerp": "lerp(1, 1.05, bass)", "clip": "clip(t, 0, 10)",
             "where": "where(t > 5, 1, 0)", STEM_FUNCTION: 'stem("drums")'}

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<str>"[^"\n]{0,200}"|'[^'\n]{0,200}')
  | (?P<op>\*\*|<=|>=|==|!=|[-+*/%^<>(),:&|])
  | (?P<bad>.)
""", re.VERBOSE | re.DOTALL)

COMPARE = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
            "==": np.equal, "!=": np.not_equal}
_ARITHMETIC = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "%": np.mod}


def syntax_error(text: str, pos: int, message: str) -> KeyframeError:
    """A :class:`KeyframeError` whose message shows ``text`` with a caret under ``pos``.

    The first line says what is wrong and what to do; the next two lines show the
    offending line of the text (cut to a window around ``pos`` when long) and the caret.

    Examples
    --------
    >>> print(syntax_error("0: (1.02))", 9, "unmatched ')': remove it"))
    unmatched ')': remove it (at column 10)
      0: (1.02))
               ^
    """
    pos = max(0, min(int(pos), len(text)))
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line = text[line_start:] if line_end < 0 else text[line_start:line_end]
    column = pos - line_start
    where = f"column {column + 1}"
    if line_start > 0:
        where = f"line {text.count(chr(10), 0, pos) + 1}, {where}"
    start = max(0, column - 50)
    shown = line[start:column + 30]
    prefix = "..." if start > 0 else ""
    suffix = "..." if column + 30 < len(line) else ""
    shown = re.sub(r"\s", " ", shown)
    caret = " " * (len(prefix) + column - start) + "^"
    return KeyframeError(f"{message} (at {where})\n  {prefix}{shown}{suffix}\n  {caret}")


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, str, int, int]]:
    """Split ``text[start:end]`` into ``(kind, value, start, end)`` tokens; kind is num, name or op.

    Positions index into the whole ``text`` so errors can point into it.

    Examples
    --------
    >>> [v for _, v, _, _ in tokenize("0:(where(t>5, 1, 0))")]
    ['0', ':', '(', 'where', '(', 't', '>', '5', ',', '1', ',', '0', ')', ')']
    """
    end = len(text) if end is None else end
    tokens = []
    for match in _TOKEN.finditer(text, start, end):
        kind = match.lastgroup
        if kind == "ws":
            continue
        if kind == "bad":
            raise syntax_error(text, match.start(), f"unexpected character {match.group()!r}: keyframe values "
                               "are numbers, names like t, operators and function calls")
        if len(tokens) == MAX_TOKENS:
            raise syntax_error(text, match.start(), f"keyframe text holds more than {MAX_TOKENS:,} numbers, names "
                               "and operators: simplify it, or give the curve as an array")
        tokens.append((kind, match.group(), match.start(), match.end()))
    return tokens


_MISSING_WARNED: set = set()
"""``(label, song's sections)`` pairs whose ``is_section`` already warned that the song has no such part."""


class _Parser:
    """Recursive-descent parser over a token list; ``names`` maps a bound name to None, an unbound one to why."""

    def __init__(self, text, tokens, names, end, labels=None, song_functions=False):
        self.text, self.tokens, self.names, self.end = text, tokens, names, end
        self.labels, self.song_functions = labels, song_functions
        self.i = 0
        self.depth = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else ("end", "", self.end, self.end)

    def error(self, message, token=None):
        return syntax_error(self.text, (token or self.peek())[2], message)

    def expect(self, value, what):
        token = self.peek()
        if token[1] != value or token[0] != "op":
            found = "the end of the text" if token[0] == "end" else repr(token[1])
            raise self.error(f"expected {value!r} {what}, found {found}")
        self.i += 1

    def expr(self):
        return self._logical("|", self._and, "or")

    def _and(self):
        return self._logical("&", self.compare, "and")

    def _logical(self, op, operand, kind):
        node = operand()
        terms = [node]
        while self.peek()[:2] == ("op", op):
            self.i += 1
            terms.append(operand())
        return node if len(terms) == 1 else (kind, terms)

    def compare(self):
        node = self.sum()
        token = self.peek()
        if token[0] == "op" and token[1] in COMPARE:
            self.i += 1
            node = ("cmp", token[1], node, self.sum())
            if self.peek()[0] == "op" and self.peek()[1] in COMPARE:
                raise self.error("comparisons cannot be chained: combine them with & or |, e.g. (t>5) & (t<10)")
        return node

    def sum(self):
        return self._chain(("+", "-"), self.product)

    def product(self):
        return self._chain(("*", "/", "%"), self.unary)

    def _chain(self, ops, operand):
        first = operand()
        rest = []
        while self.peek()[0] == "op" and self.peek()[1] in ops:
            op = self.peek()[1]
            self.i += 1
            rest.append((_ARITHMETIC[op], operand()))
        return ("chain", first, rest) if rest else first

    def unary(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression nested more than {MAX_DEPTH} deep: simplify it")
        token = self.peek()
        if token[0] == "op" and token[1] in ("+", "-"):
            self.i += 1
            operand = self.unary()
            node = ("neg", operand) if token[1] == "-" else operand
        else:
            node = self.power()
        self.depth -= 1
        return node

    def power(self):
        base = self.atom()
        if self.peek()[0] == "op" and self.peek()[1] in ("**", "^"):
            self.i += 1
            return ("pow", base, self.unary())
        return base

    def atom(self):
        kind, value, pos, _ = token = self.peek()
        if kind == "num":
            self.i += 1
            number = float(value)
            if not np.isfinite(number):
                raise syntax_error(self.text, pos, f"number {value[:20]}{'...' * (len(value) > 20)} is too large "
                                   "for a float: use a smaller one")
            return ("num", np.float64(number))
        if kind == "name":
            self.i += 1
            if self.peek()[:2] == ("op", "("):
                return self.call(token)
            if value in self.names:
                if self.names[value] is not None:
                    raise syntax_error(self.text, pos, self.names[value])
                return ("name", value)
            if value in CONSTANTS:
                return ("num", np.float64(CONSTANTS[value]))
            if value in FUNCTIONS:
                raise syntax_error(self.text, pos, f"{value} is a function: call it, e.g. {value}(t)")
            known = sorted(n for n, why in self.names.items() if why is None and n.isidentifier())
            raise syntax_error(self.text, pos, f"unknown name {value[:40]!r}: use one of "
                               f"{', '.join(known + list(CONSTANTS))}")
        if (kind, value) == ("op", "("):
            self.i += 1
            node = self.expr()
            self.expect(")", "to close the '('")
            return node
        if kind == "str":
            raise self.error("a quoted label belongs in is_section(...) or stem(...), e.g. is_section(\"B\")")
        found = "the end of the text" if kind == "end" else repr(value)
        raise self.error(f"expected a number, a name or '(', found {found}")

    def call(self, token):
        name, pos = token[1], token[2]
        if name not in FUNCTIONS or (name in SONG_FUNCTIONS and not self.song_functions):
            usable = [f for f in FUNCTIONS if self.song_functions or f not in SONG_FUNCTIONS]
            raise syntax_error(self.text, pos, f"unknown function {name[:40]!r} here: use one of {', '.join(usable)}")
        self.i += 1
        if name == "is_section":
            return self.section_test(pos)
        if name == STEM_FUNCTION:
            return self.stem_envelope(pos)
        args = [self.expr()]
        while self.peek()[:2] == ("op", ","):
            self.i += 1
            args.append(self.expr())
        self.expect(")", f"to close {name}(")
        low, high = _ARITY.get(name, (1, 1))
        if len(args) < low or (high is not None and len(args) > high):
            count = f"{low}" if low == high else f"{low} or more" if high is None else f"{low} or {high}"
            raise syntax_error(self.text, pos, f"{name}() takes {count} argument{'s' * (high != 1)}, got "
                               f"{len(args)}: e.g. {_EXAMPLES.get(name, name + '(t)')}")
        if name in ("pulse", "smooth", "slew"):
            for arg in args[1:]:
                if uses_names(arg):
                    raise syntax_error(self.text, pos, f"{name}()'s times and steps are numbers, not signals: "
                                       f"e.g. {_EXAMPLES[name]}")
        if name == "pulse":
            counted = args[0][1] if args[0][0] == "name" else None
            if counted not in COUNTERS:
                raise syntax_error(self.text, pos, f"pulse() counts the events of {', '.join(COUNTERS[:-1])} or "
                                   f"{COUNTERS[-1]}: e.g. pulse(beat, 0.25)")
            return ("pulse", counted, args[1], args[2] if len(args) > 2 else ("num", np.float64(0.0)))
        if name in ("smooth", "slew"):
            return ("whole", name, args)
        return ("call", name, args)

    def section_test(self, pos):
        """``is_section("A", "B")``: the labels, checked against the song's sections."""
        if self.labels is None:
            raise syntax_error(self.text, pos, "is_section() needs the song's sections: bind the song first")
        from ..analysis.form import FUNCTIONS, function_of, section_matches

        # (label, audio group) per section; plain labels where no group is known
        sections = [(label, "") if isinstance(label, str) else tuple(label) for label in self.labels]
        indices = set()
        while True:
            kind, value, where, _ = self.peek()
            if kind != "str":
                raise self.error("is_section() takes quoted section labels, e.g. is_section(\"chorus\")")
            wanted = value[1:-1]
            found = {i for i, (label, group) in enumerate(sections) if section_matches(label, wanted, group)}
            known = ", ".join(repr(label) for label in dict.fromkeys(label for label, _ in sections)) or "none"
            if not found and function_of(wanted) in FUNCTIONS:
                # a song may have no chorus (or bridge...): the curve reads 0 there, as the user meant; said once
                # per song's labels, not at each of the parses that planning, loading and previewing make
                if (wanted, tuple(sections)) not in _MISSING_WARNED:
                    _MISSING_WARNED.add((wanted, tuple(sections)))
                    warnings.warn(f"is_section({wanted[:40]!r}) reads 0: no section of this song is a {wanted[:40]} "
                                  f"(labels are {known})", stacklevel=2)
            elif not found:
                raise syntax_error(self.text, where, f"no section is labelled {wanted[:40]!r}: labels are {known}")
            indices |= found
            self.i += 1
            if self.peek()[:2] != ("op", ","):
                break
            self.i += 1
        self.expect(")", "to close is_section(")
        return ("in_section", np.array(sorted(indices), dtype=np.float64))


    def stem_envelope(self, pos):
        """``stem("vocals")``: the name its envelope is bound under, checked against the song's stems."""
        kind, value, where, _ = self.peek()
        stems = ", ".join(f'"{key.split(":", 1)[1]}"' for key in STEM_KEYS)
        if kind != "str" or stem_key(value[1:-1]) not in STEM_KEYS:
            raise self.error(f"stem() takes one of {stems}, quoted: e.g. stem(\"drums\")")
        key = stem_key(value[1:-1])
        why = self.names.get(key, needs_stems(f"stem({value})"))
        if why is not None:
            raise syntax_error(self.text, pos, why)
        self.i += 1
        self.expect(")", "to close stem(")
        return ("name", key)


def parse_tokens(text: str, tokens: list, names: dict, end: int | None = None, *, labels=None,
                 song_functions: bool = False) -> tuple:
    """Parse a whole token list as one expression; ``names`` maps bound names to None, unbound ones to a reason.

    ``end`` is the position in ``text`` where the tokens stop (for errors at the end);
    ``labels`` the song's section labels (or (label, group) pairs) by index, for ``is_section``; ``song_functions``
    allows ``pulse``, ``smooth``, ``slew`` and ``is_section``.

    Examples
    --------
    >>> parse_tokens("2*t", tokenize("2*t"), {"t": None})[0]
    'chain'
    """
    parser = _Parser(text, tokens, names, len(text) if end is None else end, labels, song_functions)
    tree = parser.expr()
    if parser.i < len(tokens):
        raise parser.error(f"unexpected {parser.peek()[1]!r}: an operator or ',' is missing, or a bracket is unmatched")
    return tree


def compile_expression(text: str, names=("t",)) -> tuple:
    """Parse ``text`` into an expression tree that may use the given names, the constants and the functions.

    Examples
    --------
    >>> compile_expression("where(t > 5, 1, 0)", names={"t"})[0]
    'call'
    """
    return parse_tokens(text, tokenize(text), {name: None for name in names})


def uses_names(tree: tuple) -> set:
    """Names of variables an expression tree reads.

    Examples
    --------
    >>> sorted(uses_names(compile_expression("max_f - t*s", names={"t", "s", "max_f"})))
    ['max_f', 's', 't']
    """
    kind = tree[0]
    if kind in ("name", "pulse"):
        return {tree[1]}
    if kind == "num":
        return set()
    if kind == "in_section":
        return {"section"}
    if kind == "whole":
        return set().union(*(uses_names(node) for node in tree[2]))
    if kind == "chain":
        return uses_names(tree[1]).union(*(uses_names(node) for _, node in tree[2]))
    if kind in ("and", "or"):
        return set().union(*(uses_names(node) for node in tree[1]))
    if kind == "call":
        return set().union(*(uses_names(node) for node in tree[2]))
    if kind == "cmp":
        return uses_names(tree[2]) | uses_names(tree[3])
    return set().union(*(uses_names(node) for node in tree[1:]))
