"""Markdown in text questions and statement overrides: our writers' LaTeX and HTML, hostile
text shown as text, every problem reported, and {value} names filled in as the kinds show them."""

import subprocess

import pytest

from generator.numbers import Given
from generator.placeholders import bind
from generator.render import rich_html, rich_latex
from generator.rich_writers import to_html, to_latex
from generator.richtext import rich_problems
from generator.schema import INVALID, Ctx, Loc, RichText
from generator.yamlsource import Marks

SAMPLE = """Compute **the output** and *explain* `conv1d`:

1. first $x^2$
2. second
   - nested \\$5
   - with $$\\sum_i x_i$$

3) restart

```
[not an option] \\end{verbatim} $x$ {y} ~ ^ _ %
    indented
```
"""


@pytest.mark.parametrize("needle", [
    r"\textbf{the output}", r"\emph{explain}", r"\texttt{conv1d}", r"\begin{enumerate}",
    r"\item[{1.}] first $x^2$", r"\begin{itemize}", r"nested \$5", r"\[\sum_i x_i\]",
    r"\item[{3)}] restart", r"\strut \ \ \ \ indented",
    r"\strut [not\ an\ option]\ \textbackslash{}end\{verbatim\}\ \$x\$\ \{y\}",
])
def test_markdown_is_written_as_latex(needle):
    assert needle in to_latex(SAMPLE)


@pytest.mark.parametrize("needle", [
    "<strong>the output</strong>", "<em>explain</em>", "<code>conv1d</code>", "<ol>\n<li>first <math",
    "<ul>\n<li>nested &#36;5", 'display="block"', '<ol start="3">',
    "<pre><code>[not an option] \\end{verbatim} &#36;x&#36; {y}",
])
def test_markdown_is_written_as_html(needle):
    assert needle in to_html(SAMPLE)


HOSTILE = ('<script>alert(1)</script> <img src=x onerror=alert(1)> [click](javascript:alert(1)) '
           '<http://example.org> &amp; # not a heading\n\n> not a quote\n\n    \\input{/etc/passwd}')


def test_raw_html_links_and_entities_are_shown_as_typed():
    page = to_html(HOSTILE)
    assert "<script" not in page and "<img" not in page and "<a " not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "click (<code>javascript:alert(1)</code>)" in page and "http://example.org" in page
    assert "&amp;amp;" in page and "# not a heading" in page and "&gt; not a quote" in page
    tex = to_latex(HOSTILE)
    assert r"\textless{}script\textgreater{}" in tex and r"\textbackslash{}input" in tex
    assert "\\input{" not in tex.replace("\\textbackslash{}input", "")


def test_escaped_dashes_stay_dashes():  # T1 joins -- into an en dash
    assert to_latex("a \\-\\-\\- b --") == "a -{}-{}- b -{}-"


@pytest.mark.parametrize("text, problems", [
    ("![a plot](plot.png)", ["images are not allowed in text ('![a plot](...)'); a figure needs "
                             "a question kind that draws it"]),
    ("$\\input{a}$ and $\\write18{b}$, then $\\catcode$",
     ["unknown or disallowed macro '\\input' in math", "unknown or disallowed macro '\\write' in math",
      "unknown or disallowed macro '\\catcode' in math"]),
    ("$\\input{a} \\openout \\def$ and $x^$", [
        "unknown or disallowed macro '\\input' in math", "unknown or disallowed macro '\\openout' in math",
        "unknown or disallowed macro '\\def' in math", "'^' is missing its argument"]),
    ("costs $5 and `$x$` is code", ["a '$' without its closing '$' in the same paragraph (math holds "
                                    "no blank line; write \\$ for a dollar sign)"]),
    ("- a\n  - b\n    - c\n      - d\n        - e", ["lists nested more than 4 levels deep"]),
    ("$$ $$", ["empty math"]),
])
def test_every_problem_of_a_text_is_reported(text, problems):
    assert rich_problems(text) == problems


def test_rich_text_records_one_located_problem_per_line():
    ctx = Ctx(Marks("s.yaml", values={("q", "statement"): (4, 9)}))
    value = RichText()("$\\input{a}$ $\\write{b}$ $\\catcode$", Loc(("q", "statement"), "q.statement"), ctx)
    assert value is INVALID
    assert [str(p) for p in ctx.problems] == [
        f"s.yaml:4:9: q.statement: unknown or disallowed macro '\\{m}' in math"
        for m in ("input", "write", "catcode")]


PARAMS = {"input": [1, Given(2.5), 3], "kernel": [1, 0, -1], "modes": ["full", "valid"],
          "flip": True, "at": {"x1": Given(0.12345), "x2": 6}, "weights": {"w1": [[1, 2], [3, 4]]},
          "layers": [{"type": "conv", "kernel": 3}, {"type": "maxpool", "kernel": [2, 2]}],
          "pair": None}


def _bind(statement, params=PARAMS, decimals=2):
    ctx = Ctx(Marks("s.yaml", values={("questions", 0, "statement"): (5, 16)}))
    bound = bind(statement, params, decimals, Loc(("questions", 0, "statement"), "q1.statement"), ctx)
    return bound, [str(p) for p in ctx.problems]


@pytest.mark.parametrize("statement, latex", [
    ("Convolve {input} with {kernel}.", "Convolve $[1, 2.5, 3]$ with $[1, 0, -1]$."),
    ("At {at.x1} and {at.x2}", "At $0.12345$ and $6$"),  # given: as given, whatever decimals
    ("Layer one has a {layers[0].kernel}-wide kernel, then {layers[1].kernel}",
     "Layer one has a $3$-wide kernel, then $[2, 2]$"),
    ("Modes {modes}, flip {flip}; a set {{1, 2}} and $x^{2}$", "Modes full, valid, flip true; a set "
                                                                "\\{1, 2\\} and $x^{2}$"),
    ("W = {weights.w1}", r"W = $\begin{bmatrix}1 & 2 \\ 3 & 4\end{bmatrix}$"),
    ("**{input}** in `{input}`", r"\textbf{$[1, 2.5, 3]$} in \texttt{\{input\}}"),
])
def test_statement_values_are_filled_in_as_the_kinds_show_them(statement, latex):
    bound, problems = _bind(statement)
    assert problems == []
    assert rich_latex(bound) == latex
    assert "<math" in rich_html(bound) and "{input}" not in rich_html(bound).replace("<code>{input}", "")


def test_statement_values_follow_the_values():
    changed = dict(PARAMS, input=[7, 8])
    assert rich_latex(_bind("x = {input}", changed)[0]) == "x = $[7, 8]$"


@pytest.mark.parametrize("statement, problem", [
    ("{inptu}", "unknown value '{inptu}' (did you mean 'input'?); values of this question: input, "
                "kernel, modes, flip, at, weights, layers, pair"),
    ("{at.x11}", "unknown value '{at.x11}' (did you mean 'x1'?); values of at: x1, x2"),
    ("{layers[2].kernel}", "'{layers[2].kernel}': layers has 2 entries ([0] to [1])"),
    ("{at}", "'{at}' is a mapping: name one of its values, e.g. {at.x1}"),
    ("{layers}", "'{layers}' cannot be shown in a sentence: name one entry, e.g. {layers[0]}"),
    ("{pair}", "'{pair}' has no value in this question"),
    ("{input.x}", "'{input.x}': input is not a mapping"),
])
def test_a_name_that_shows_no_value_is_a_located_error(statement, problem):
    bound, problems = _bind(statement)
    assert bound is INVALID and problems == [f"s.yaml:5:16: q1.statement: {problem}"]


def test_every_bad_name_is_reported_once():
    assert len(_bind("{a} {b} {a} {input}")[1]) == 2


@pytest.mark.parametrize("statement, problem", [
    ("a {1, 2} set", "'{1, 2}' does not name a value (a name like {input}, {at.x1} or "
                     "{layers[0].kernel}; write {{ for a brace)"),
    ("a { b", "a '{' without its closing '}' (write {{ for a brace)"),
])
def test_braces_that_name_nothing_are_refused_while_validating(statement, problem):
    assert rich_problems(statement, placeholders=True) == [problem]
    assert rich_problems(statement, placeholders=False) == []  # a text question: braces are text


def _preamble() -> str:
    """The documents' own preamble, as the LaTeX shell renders it."""
    from generator.preamble_format import preamble_of
    from generator.render import render_latex
    from generator.spec import parse_spec

    spec = parse_spec("title: T\nquestions:\n  - {id: q, kind: text, statement: s, "
                      "solution: s}\n", "t.yaml")
    return preamble_of(render_latex(spec, [], True)[0])


def test_the_latex_of_every_markdown_element_compiles(tmp_path):
    deep = "- a\n  1. b\n     - c\n       9. d *e* **f** `g`\n"
    bound, _ = _bind("Values {input}, {weights.w1}; [a link](http://x.org/a_b%20c#d)")
    body = "\n\n".join([to_latex(SAMPLE), to_latex(HOSTILE), to_latex(deep), rich_latex(bound),
                        to_latex("line one  \nline two\\\n[three]")])
    (tmp_path / "m.tex").write_text(f"{_preamble()}\n\\begin{{document}}\n{body}\n\\end{{document}}\n",
                                    encoding="utf-8")
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                             "-no-shell-escape", "m.tex"], cwd=tmp_path, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stdout.decode(errors="replace")[-2000:]
