"""Checks each template text and `when:` condition: it parses, is safe, uses known names, and
compiles in the same sandbox rendering uses."""

from __future__ import annotations

from jinja2 import TemplateError, TemplateSyntaxError, nodes
from jinja2.parser import Parser

from esi_docs.content.sandbox import compile_condition, compile_text, sandbox
from esi_docs.lint.findings import ERROR, Finding
from esi_docs.lint.names import KnownNames, unknown_names
from esi_docs.lint.safety import markup_problems, unsafe_constructs
from esi_docs.lint.sources import CONDITION, ContentFile, Snippet


def parse_snippet(snippet: Snippet) -> nodes.Node:
    """The Jinja AST of a text, or of a condition exactly as compile_expression reads it."""
    env = sandbox()
    if snippet.kind != CONDITION:
        return env.parse(snippet.source)
    parser = Parser(env, snippet.source, state="variable")
    expression = parser.parse_expression()
    if not parser.stream.eos:
        token = parser.stream.current
        raise TemplateSyntaxError(f"unexpected '{token.value}'", token.lineno)
    return nodes.Template([nodes.Output([expression])])


def check_snippet(snippet: Snippet, known: KnownNames) -> list[str]:
    """Problems with one snippet, worded for the content owner (without the file:line)."""
    try:
        tree = parse_snippet(snippet)
    except TemplateSyntaxError as exc:
        return [f"template error: {exc.message}"]
    problems = unsafe_constructs(tree)
    if snippet.kind != CONDITION:
        problems += markup_problems(tree)
    for name, suggestion in unknown_names(tree, known):
        hint = f"; did you mean '{suggestion}'?" if suggestion else ""
        problems.append(f"unknown name '{name}'{hint}")
    if problems:
        return problems
    try:
        (compile_condition if snippet.kind == CONDITION else compile_text)(snippet.source)
    except TemplateError as exc:
        return [f"template error: {exc.message}"]
    return []


def check_expressions(content: ContentFile, known: KnownNames) -> list[Finding]:
    """Every snippet of a section file; a file with none of these errors is then loaded whole."""
    found = []
    for snippet in content.snippets:
        for problem in check_snippet(snippet, known):
            check = "unsafe" if _is_unsafe(problem) else "names"
            found.append(
                Finding(content.file, snippet.line, ERROR, check, f"{snippet.field}: {problem}")
            )
    return found


def _is_unsafe(problem: str) -> bool:
    return not problem.startswith(("unknown name", "template error"))
