"""The structure of user math: a reading that finds what would stop pdflatex or the MathML
converter, with the reason (the words themselves are allow-listed by escape.check_user_math);
and the expansion of the course macros for the page."""

from __future__ import annotations

import re

from .math_vocabulary import (
    ARITY,
    ARRAY_COLUMN_LETTERS,
    DELIMITED,
    DELIMITERS,
    ENVIRONMENT_COLUMNS,
    OPTIONAL_ARGUMENT,
    SYMBOL_ARGUMENTS,
    UNICODE_MATH,
    CourseMacro,
    course_vocabulary,
    is_text_char,
)

MAX_NESTING = 50
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.S)
_NOT_AN_ARGUMENT = {None, "}", "&", "\\\\", "^", "_", "\\end", "\\right"}


class MathProblem(ValueError):
    """What is wrong with a piece of user math, as one sentence."""


def check_structure(math: str) -> None:
    """Raise MathProblem when `math` would not typeset: groups, environments, \\left/\\right,
    alignment, scripts, macro arguments and characters."""
    if re.search(r"\n[ \t\r]*\n", math):
        raise MathProblem("a blank line inside math")
    _Reader(math).sequence(closer=None)


def _show(token: str | None) -> str:
    return "nothing" if token is None else f"'{token}'"


class _Reader:
    def __init__(self, math: str):
        self.tokens = [t for t in _TOKEN.findall(math) if not t.isspace()]
        self.pos = 0
        self.depth = 0

    def take(self) -> str | None:
        token = self.tokens[self.pos] if self.pos < len(self.tokens) else None
        self.pos += 1
        if token is not None and len(token) == 1 and not token.isascii() \
                and token not in UNICODE_MATH:
            hint = "; put words in \\text{...}" if is_text_char(token) else ""
            raise MathProblem(f"character '{token}' (U+{ord(token):04X}) cannot be typeset in "
                              f"math{hint}")
        if token is not None and len(token) == 1 and (ord(token) < 32 or token == "\x7f"):
            raise MathProblem(f"control character U+{ord(token):04X} in math")
        return token

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def nested(self, closer: str, env: str | None = None, most_columns: int = 1) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise MathProblem(f"math nested more than {MAX_NESTING} levels deep")
        self.sequence(closer, env, most_columns)
        self.depth -= 1

    def sequence(self, closer: str | None, env: str | None = None,
                 most_columns: int = 1) -> None:
        """Read items up to `closer` ('}', ']', '\\right', '\\end' or None: the end)."""
        sup = sub = after_prime = False  # the scripts of the atom just read
        columns = 1
        while True:
            token = self.take()
            if token is None:
                if closer is not None:
                    raise MathProblem(_unclosed(closer, env))
                return
            if token == closer and closer in ("}", "]"):
                return
            if token == "\\right":
                if closer != "\\right":
                    raise MathProblem("'\\right' without a matching '\\left'")
                return self.delimiter("right")
            if token == "\\end":
                name = self.environment_name("end")
                if closer == "\\end" and name == env:
                    return
                raise MathProblem(f"'\\end{{{name}}}' does not match " + (
                    f"'\\begin{{{env}}}'" if env else "any '\\begin'"))
            if token == "}":
                raise MathProblem("'\\left' without a matching '\\right'" if closer == "\\right"
                                  else "unbalanced braces in math")
            if token in ("^", "'"):
                if sup and not after_prime:
                    raise MathProblem("a double superscript: write x^{ab} or {x^a}^b")
                if token == "^":
                    self.argument("^")
                sup, after_prime = True, token == "'"
                continue
            if token == "_":
                if sub:
                    raise MathProblem("a double subscript: write x_{ab} or {x_a}_b")
                self.argument("_")
                sub, after_prime = True, False
                continue
            sup = sub = after_prime = False
            if token in ("&", "\\\\"):
                if env is None:
                    what = "'&'" if token == "&" else "a line break '\\\\'"
                    raise MathProblem(f"{what} outside a matrix or cases environment"
                                      + (" (write \\& for an ampersand)" if token == "&" else ""))
                columns = columns + 1 if token == "&" else 1
                if columns > most_columns:
                    what = "one column" if most_columns == 1 else f"{most_columns} columns"
                    raise MathProblem(f"more than {what} in '\\begin{{{env}}}'")
                continue
            self.atom(token)

    def atom(self, token: str) -> None:
        """The rest of an item that starts with `token`: its group, arguments, environment."""
        name = token[1:]
        macro = course_vocabulary().macros.get(name) if token.startswith("\\") else None
        if token == "{":
            self.nested("}")
        elif macro is not None:  # the course's definition wins over a built-in one
            if macro.default is not None and self.peek() == "[":
                self.pos += 1
                self.nested("]")
            mandatory = macro.arguments - (macro.default is not None)
            for _ in range(mandatory):
                self.argument(token, mandatory)
        elif token == "\\left":
            self.delimiter("left")
            self.nested("\\right")
        elif token == "\\begin":
            env = self.environment_name("begin")
            if env not in ENVIRONMENT_COLUMNS:
                raise MathProblem(f"environment '{env}' is not allowed in math")
            most = self.column_spec() if env == "array" else ENVIRONMENT_COLUMNS[env]
            self.nested("\\end", env, most)
        elif name in DELIMITED:
            self.delimiter(name)
        elif name == "text":
            self.plain_argument(token, is_text_char, "plain text")
        elif name == "operatorname":
            if self.peek() == "*":
                self.pos += 1
            self.plain_argument(token, lambda ch: ch.isascii() and ch.isalnum(),
                                "letters and digits")
        elif name in ARITY:
            if name in OPTIONAL_ARGUMENT and self.peek() == "[":
                self.pos += 1
                self.nested("]")
            for _ in range(ARITY[name]):
                self.argument(token, ARITY[name])

    def argument(self, owner: str, count: int = 1) -> None:
        token = self.take()
        if token in _NOT_AN_ARGUMENT:
            raise MathProblem(f"'{owner}' is missing its argument" if count == 1
                              else f"'{owner}' needs {count} arguments")
        if token == "{":
            self.nested("}")
        elif token == "'" or token.startswith("\\") and token[1:] not in SYMBOL_ARGUMENTS \
                and token not in ("\\{", "\\}", "\\|"):
            raise MathProblem(f"put the argument of '{owner}' in braces: {owner}{{{token}...}}")

    def plain_argument(self, macro: str, allowed, what: str) -> None:
        if self.take() != "{":
            raise MathProblem(f"'{macro}' needs its argument in braces")
        depth = 1
        for token in self.tokens[self.pos:]:
            self.pos += 1
            depth += {"{": 1, "}": -1}.get(token, 0)
            if depth == 0:
                return
            if len(token) == 1 and not token.isascii() and not is_text_char(token):
                raise MathProblem(f"character '{token}' (U+{ord(token):04X}) cannot be typeset, "
                                  f"not even in '{macro}{{...}}'")
            if token not in "{}" and not all(allowed(ch) or ch.isspace() for ch in token):
                raise MathProblem(f"'{macro}{{...}}' takes {what} only, not '{token}'")
        raise MathProblem("unbalanced braces in math")

    def column_spec(self) -> int:
        """The columns of \\begin{array}{...}: l, c or r each, '|' between them allowed."""
        if self.take() != "{":
            raise MathProblem("'\\begin{array}' needs its columns in braces, e.g. {lcr}")
        columns = 0
        while (token := self.take()) != "}":
            if token is None:
                raise MathProblem("unbalanced braces in math")
            for ch in token:
                if ch not in ARRAY_COLUMN_LETTERS and ch != "|":
                    raise MathProblem(f"the columns of '\\begin{{array}}' may be l, c, r and "
                                      f"'|' only, not '{token}'")
                columns += ch in ARRAY_COLUMN_LETTERS
        if not 1 <= columns <= ENVIRONMENT_COLUMNS["array"]:
            raise MathProblem(f"'\\begin{{array}}' needs 1 to {ENVIRONMENT_COLUMNS['array']} "
                              f"columns, not {columns}")
        return columns

    def delimiter(self, macro: str) -> None:
        token = self.take()
        if token not in DELIMITERS:
            raise MathProblem(f"'\\{macro}' needs a delimiter such as ( [ | \\{{ or ., "
                              f"not {_show(token)}")

    def environment_name(self, which: str) -> str:
        if self.take() != "{":
            raise MathProblem(f"'\\{which}' needs an environment name in braces")
        name = []
        while (token := self.take()) != "}":
            if token is None:
                raise MathProblem("unbalanced braces in math")
            name.append(token)
        return "".join(name)


def _unclosed(closer: str, env: str | None) -> str:
    if closer == "\\end":
        return f"'\\begin{{{env}}}' is never closed (no '\\end{{{env}}}')"
    if closer == "\\right":
        return "'\\left' without a matching '\\right'"
    return ("an optional argument '[' without its closing ']'" if closer == "]"
            else "unbalanced braces in math")


MAX_EXPANSION_DEPTH = 20  # course macros within course macros
MAX_EXPANDED = 20_000  # characters of one formula once its course macros are expanded
_CONTROL_WORD_END = re.compile(r"\\[A-Za-z]+$")


def expand_course_macros(math: str, macros) -> str:
    """`math` with every course macro (name -> CourseMacro) replaced by its body, its
    arguments put in for #1..#9, as TeX expands them; MathProblem when it does not end."""
    for _ in range(MAX_EXPANSION_DEPTH):
        tokens = _TOKEN.findall(math)
        if not any(t[1:] in macros for t in tokens if t.startswith("\\")):
            return math
        math = _expand_once(tokens, macros)
        if len(math) > MAX_EXPANDED:
            raise MathProblem(f"the course macros expand to more than {MAX_EXPANDED} "
                              "characters")
    raise MathProblem(f"the course macros expand more than {MAX_EXPANSION_DEPTH} levels deep "
                      "(a macro that uses itself?)")


def _expand_once(tokens: list[str], macros) -> str:
    out, pos = [], 0
    while pos < len(tokens):
        token = tokens[pos]
        pos += 1
        macro: CourseMacro | None = macros.get(token[1:]) if token.startswith("\\") else None
        if macro is None:
            out.append(token)
            continue
        arguments = []
        if macro.default is not None:
            optional, pos = _optional_argument(tokens, pos)
            arguments.append(macro.default if optional is None else optional)
        while len(arguments) < macro.arguments:
            argument, pos = _argument(tokens, pos, token)
            arguments.append(argument)
        out.append(_spaced(_put_in(macro.body, arguments)))
    return "".join(out)


def _put_in(body: str, arguments: list[str]) -> str:
    """A macro's body with its arguments in place of #1..#9."""
    return re.sub(r"#([1-9])", lambda m: _spaced(arguments[int(m[1]) - 1]), body)


def _spaced(tex: str) -> str:
    """`tex`, with a space after a final control word so that a letter after it stays apart."""
    return tex + " " if _CONTROL_WORD_END.search(tex) else tex


def _skip_spaces(tokens: list[str], pos: int) -> int:
    while pos < len(tokens) and tokens[pos].isspace():
        pos += 1
    return pos


def _argument(tokens: list[str], pos: int, owner: str) -> tuple[str, int]:
    """One argument (a braced group's content or one token) and the position after it."""
    pos = _skip_spaces(tokens, pos)
    if pos >= len(tokens):
        raise MathProblem(f"'{owner}' is missing its argument")
    if tokens[pos] != "{":
        return tokens[pos], pos + 1
    depth, start = 0, pos
    for pos in range(start, len(tokens)):
        depth += {"{": 1, "}": -1}.get(tokens[pos], 0)
        if depth == 0:
            return "".join(tokens[start + 1 : pos]), pos + 1
    raise MathProblem("unbalanced braces in math")


def _optional_argument(tokens: list[str], pos: int) -> tuple[str | None, int]:
    """The text of an optional [argument] at `pos` (None when there is none), and after it."""
    at = _skip_spaces(tokens, pos)
    if at >= len(tokens) or tokens[at] != "[":
        return None, pos
    depth = 0
    for end in range(at + 1, len(tokens)):
        depth += {"{": 1, "}": -1}.get(tokens[end], 0)
        if depth == 0 and tokens[end] == "]":
            return "".join(tokens[at + 1 : end]), end + 1
    raise MathProblem("an optional argument '[' without its closing ']'")
