"""The `text` kind: a hand-written statement and solution, shown as written in both formats."""

from generator.kinds import text
from generator.presentation import text as present
from generator.render import QuestionView
from generator.writers import HtmlWriter, LatexWriter

STATEMENT = "Show that $f(x) = x^2$ is *convex*:\n\n1. first\n2. second"
SOLUTION = "Its second derivative is $f''(x) = 2 > 0$."


def _view():
    params = {"statement": STATEMENT, "solution": SOLUTION}
    solution = text.solve(params)
    return QuestionView("q", 1, "text", None, None, "", None, params, solution.answers,
                        solution.work, [], 4)


def test_the_solution_is_the_answer_as_written():
    assert text.solve({"statement": STATEMENT, "solution": SOLUTION}).answers == {
        "solution": SOLUTION}


def test_verification_says_it_is_not_machine_checked():
    checks = text.verify({"statement": STATEMENT, "solution": SOLUTION},
                         text.solve({"statement": STATEMENT, "solution": SOLUTION}))
    assert [c.how for c in checks] == ["not machine-checked (math vocabulary checked)"]


def test_both_formats_show_the_markdown_as_written():
    q = _view()
    tex = LatexWriter().write(present.statement(q) + present.answer(q))
    assert "$f(x) = x^2$ is \\emph{convex}:" in tex and "\\item[{1.}] first" in tex
    assert "$f''(x) = 2 > 0$" in tex
    html = HtmlWriter().write(present.statement(q) + present.answer(q))
    assert "is <em>convex</em>:" in html and "<li>first\n</li>" in html
    assert "$" not in html and "\\" not in html
