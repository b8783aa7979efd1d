"""The Jinja2 sandbox that content text and `when:` conditions run in.

Immutable sandbox (no attribute walks to Python internals, no mutation of what we pass in),
StrictUndefined (a typo is an error, never a silent gap), and HTML-style autoescaping, which is
exactly what ReportLab's Paragraph markup needs: every value becomes literal text.

Content files are edited by people who are not programmers, so a mistake such as
`'x' * 10**9`, a loop inside a loop or a macro calling itself must end in a clear message, not
an out-of-memory kill or a hung print run. Three guards do that: size checks on every operator,
call and filter result (before the big value is built, where the size is known in advance), a
cap on the rendered text, and a time limit per composed document (see `deadline`).
"""

from __future__ import annotations

import contextlib
import functools
import marshal
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import consume

from esi_docs import disk_cache

# Filters that would let a template author turn data into markup, run away with memory
# (`center(10**9)`, `format('%999999999s')`) or print something different on each run.
_REFUSED_FILTERS = (
    "safe",
    "xmlattr",
    "indent",
    "wordwrap",
    "urlize",
    "pprint",
    "tojson",
    "format",
    "center",
    "random",
)
# Globals that generate text or keep state across loop iterations (namespace) are not needed.
_REFUSED_GLOBALS = ("lipsum", "cycler", "joiner", "namespace")
_REFUSED_TAGS = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)

MAX_VALUE_SIZE = 10_000  # characters (or items) of any one value a template computes
MAX_CALL_COST = 1_000_000  # product of a call's argument sizes: bounds replace(), ljust() ...
MAX_TEXT_CHARS = 20_000  # one rendered piece of text; a long paragraph is about 1,000
MAX_CONCAT = 50  # pieces joined with ~ in one expression
TIME_LIMIT_S = 5.0  # per composed document; composing one takes milliseconds
# Markup a content author may write; anything else (<img>, <a>, <font>...) is refused.
ALLOWED_TAGS = frozenset({"<b>", "</b>", "<br/>", "<br />"})
_TAG = re.compile(r"<[^>]*>?")


class TemplateLimitError(TemplateError):
    """A template went over a size limit; the message says which."""


class TemplateTimeout(TemplateError):
    """Raised inside the rendering thread when a document takes longer than TIME_LIMIT_S."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message or f"stopped: the text took longer than {TIME_LIMIT_S:g} seconds to fill in"
        )


def _size(value: Any) -> int:
    """How big a value is for the guards: length of text and collections, else the int."""
    if isinstance(value, str | bytes | list | tuple | dict | set | frozenset | range):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value)
    return 0


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float)


def _checked(value: Any) -> Any:
    if not isinstance(value, int) and _size(value) > MAX_VALUE_SIZE:
        raise TemplateLimitError(f"a value grew past {MAX_VALUE_SIZE:,} characters or items")
    return value


def _check_arguments(values: Any) -> None:
    """Refuse a call whose result could be huge: big numbers, or sizes that multiply up."""
    cost = 1
    for value in values:
        size = _size(value)
        if isinstance(value, int) and size > MAX_VALUE_SIZE:
            raise TemplateLimitError(f"the number {value} is too large (limit {MAX_VALUE_SIZE:,})")
        cost *= max(size, 1)
        if cost > MAX_CALL_COST:
            raise TemplateLimitError("a call on values this large could use too much memory")


def _guard_filter(func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose arguments and result are size-checked (keeps Jinja's pass_* marks)."""

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _check_arguments([*args, *kwargs.values()])
        return _checked(func(*args, **kwargs))

    return guarded


MAX_INT_BITS = 4_096  # about 1,200 digits: far beyond any date or dose, far below a stall


def _bits(value: Any) -> int:
    return abs(value).bit_length() if isinstance(value, int) and not isinstance(value, bool) else 0


def _check_result_bits(operator: str, left: Any, right: Any) -> None:
    """Refuse, before computing it, a product or power whose result would be too big: inside
    C code (`((9**64)**64)**64`) the time limit cannot stop Python, so the size must."""
    if not (isinstance(left, int) and isinstance(right, int)):
        return  # floats overflow quickly with an error of their own
    if operator == "*":
        needed = _bits(left) + _bits(right)
    elif right < 0 or abs(left) <= 1:
        return
    else:
        needed = _bits(left) * right
    if needed > MAX_INT_BITS:
        raise TemplateLimitError("a number in this expression would be too large to compute")


class GuardedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox plus size guards on operators and calls."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*" and not (_is_number(left) and _is_number(right)):
            _check_arguments([left, right])  # 'x' * 10**9 or [0] * 10**9
        elif operator in ("*", "**"):
            _check_result_bits(operator, left, right)
        elif operator == "%" and isinstance(left, str):
            raise TemplateLimitError("formatting text with % is not allowed; use {{ ... }}")
        return _checked(super().call_binop(context, operator, left, right))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        # str.format('{:>999999999}') builds the whole string before any check could run.
        if super().wrap_str_format(value) is None:
            return None

        def refused(*args: Any, **kwargs: Any) -> str:
            raise TemplateLimitError("str.format is not allowed in content; use {{ ... }}")

        return refused

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_arguments([getattr(__obj, "__self__", None), *args, *kwargs.values()])
        return _checked(super().call(__context, __obj, *args, **kwargs))


@lru_cache(maxsize=1)
def sandbox() -> GuardedSandbox:
    """One shared environment: compiled templates are cached on it, and it holds no state."""
    env = GuardedSandbox(
        undefined=StrictUndefined,
        autoescape=True,
        keep_trailing_newline=False,
    )
    for name in _REFUSED_FILTERS:
        env.filters.pop(name, None)
    for name in _REFUSED_GLOBALS:
        env.globals.pop(name, None)
    env.filters = {name: _guard_filter(func) for name, func in env.filters.items()}
    return env


class LiteralText:
    """Text with no template syntax at all. Rendering it gives what Jinja would give (the text,
    newlines normalised, one trailing newline dropped) without compiling it: two thirds of the
    content is plain text, and compiling it was a large part of a fresh `esi-docs render`."""

    __slots__ = ("text",)

    def __init__(self, source: str):
        text = source.replace("\r\n", "\n").replace("\r", "\n")
        self.text = text[:-1] if text.endswith("\n") else text

    def render(self, *args: Any, **kwargs: Any) -> str:
        return self.text

    def generate(self, *args: Any, **kwargs: Any) -> Any:
        """The same stream interface as a Jinja template (render_text reads it piecewise)."""
        yield self.text


_BOOK = threading.local()  # the code book of the content file being loaded in this thread


@contextlib.contextmanager
def code_book(known: dict[tuple[str, str], Any]) -> Iterator[dict[tuple[str, str], Any]]:
    """Compile inside with the stored code in `known` where it has it (a file that loaded
    before, see stored_code); yields every text's and condition's code, to store."""
    used: dict[tuple[str, str], Any] = {}
    previous = getattr(_BOOK, "value", None)
    _BOOK.value = (known, used)
    try:
        yield used
    finally:
        _BOOK.value = previous


def _stored_name(sha256: str) -> str:
    version = disk_cache.fingerprint(jinja2.__version__, modules=("content/sandbox.py",))
    return f"code-{sha256}-{version}"


def stored_code(sha256: str) -> dict[tuple[str, str], Any]:
    """The compiled code stored for the content file with this hash ({} when none)."""
    stored: Any = disk_cache.load(_stored_name(sha256))
    try:
        return {key: marshal.loads(code) for key, code in stored.items()}  # noqa: S302
    except Exception:  # nothing stored, or a damaged entry: compile again
        return {}


def store_code(sha256: str, codes: dict[tuple[str, str], Any]) -> None:
    """Keep a content file's compiled code for the next process (see esi_docs.disk_cache)."""
    disk_cache.store(_stored_name(sha256), {key: marshal.dumps(c) for key, c in codes.items()})


def _code(kind: str, source: str, compile_now: Callable[[], Any]) -> Any:
    """Stored code for this source when the current code book has it, else compiled now."""
    book = getattr(_BOOK, "value", None)
    key = (kind, source)
    code = book[0].get(key) if book is not None else None
    if code is None:
        code = compile_now()
    if book is not None:
        book[1][key] = code
    return code


def _template(code: Any) -> Any:
    """A template from compiled code: what Environment.from_string does after compiling."""
    env = sandbox()
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def _text_code(source: str) -> Any:
    env = sandbox()
    tree = env.parse(source)
    for node in tree.find_all(_REFUSED_TAGS):
        tag = type(node).__name__.lower().replace("fromimport", "from-import")
        raise TemplateError(f"{{% {tag} %}} is not allowed: each text stands alone")
    for concat in tree.find_all(nodes.Concat):
        if len(concat.nodes) > MAX_CONCAT:
            raise TemplateError(f"more than {MAX_CONCAT} pieces joined with ~")
    return env.compile(tree)


def _condition_code(source: str) -> Any:
    """Environment.compile_expression up to the compiled code (Jinja 3.1), which it keeps
    to itself: parse one expression, assign it to `result`, compile that template."""
    env = sandbox()
    parser = Parser(env, source, state="variable")
    try:
        expr = parser.parse_expression()
        if not parser.stream.eos:
            raise TemplateSyntaxError(
                "chunk after expression", parser.stream.current.lineno, None, None
            )
        expr.set_environment(env)
    except TemplateSyntaxError:
        env.handle_exception(source=source)
    body = [nodes.Assign(nodes.Name("result", "store"), expr, lineno=1)]
    return env.compile(nodes.Template(body, lineno=1))


def compile_text(source: str) -> Any:
    """Compile a text template; raises jinja2.TemplateError for the caller to locate."""
    if "{" not in source:  # no template syntax: nothing to guard, nothing to compile
        return LiteralText(source)
    return _template(_code("text", source, lambda: _text_code(source)))


def compile_condition(source: str) -> CompiledExpression:
    """Compile a `when:` expression into a callable over the context."""
    code = _code("when", source, lambda: _condition_code(source))
    return CompiledExpression(_template(code))


def document_context(context: dict[str, Any]) -> dict[str, Any]:
    """The context every text and condition of one document is filled from, with the
    sandbox's globals merged in once. Jinja's own render() merges them into a fresh copy of the
    context for each text and condition (about 100 a sheet), a fifth of composing one; what
    each one sees is the same (tests/adversarial/test_templates.py runs through here)."""
    return {**sandbox().globals, **context}


class CompiledExpression:
    """A compiled expression (`when:`, `rows:`), as Jinja's TemplateExpression returns it:
    its value, Undefined included."""

    __slots__ = ("template",)

    def __init__(self, template: Any) -> None:
        self.template = template

    def evaluate(self, context: dict[str, Any]) -> Any:
        """The value over a document_context (read, never changed)."""
        filled = _filling(self.template, context)
        consume(self.template.root_render_func(filled))
        return filled.vars["result"]


def _filling(template: Any, context: dict[str, Any]) -> Any:
    """A Jinja Context that reads `context` as it is (Template.new_context with shared=True
    would also list the template's globals again for every text)."""
    env = template.environment
    return env.context_class(env, context, template.name, template.blocks)


def _pieces(template: Any, context: dict[str, Any]) -> Any:
    if isinstance(template, LiteralText):
        return template.generate()
    return template.root_render_func(_filling(template, context))


def render_text(template: Any, context: dict[str, Any]) -> str:
    """Render piece by piece, stopping as soon as the text passes MAX_TEXT_CHARS. `context`
    is a document_context."""
    pieces: list[str] = []
    total = 0
    for piece in _pieces(template, context):
        total += len(piece)
        if total > MAX_TEXT_CHARS:
            raise TemplateLimitError(f"the text grew past {MAX_TEXT_CHARS:,} characters")
        pieces.append(piece)
    return "".join(pieces)


def markup_problem(text: str) -> str | None:
    """The first tag in rendered text that content may not use (values are escaped already)."""
    for match in _TAG.finditer(text):
        if match.group(0) not in ALLOWED_TAGS:
            shown = match.group(0)[:40]
            return f"markup {shown!r} is not allowed; only <b>, </b> and <br/> may be used"
    return None


def _interrupt(thread_id: int) -> None:
    """Raise TemplateTimeout inside the given thread at its next Python instruction (ctypes
    is loaded only here: a template that runs too long is rare, and the import is not free)."""
    import ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(TemplateTimeout)
    )


class _Watchdog:
    """One thread per process that stops blocks running past their deadline.

    A thread per composed document cost a start and a join on every sheet; this one waits
    until the earliest deadline (or a new one) and sleeps otherwise. A forked child (render
    workers) starts afresh: threads do not survive a fork, and a lock the parent's watchdog
    held at that moment would stay locked for ever in the child."""

    def __init__(self) -> None:
        self._reset()
        if hasattr(os, "register_at_fork"):  # POSIX
            os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._due: dict[int, tuple[int, float]] = {}  # token: (thread, monotonic deadline)
        self._changed = threading.Condition()
        self._owner = 0  # the process whose thread is running
        self._next_token = 0

    def enter(self, limit: float) -> int:
        with self._changed:
            if self._owner != os.getpid():
                self._owner = os.getpid()
                threading.Thread(target=self._watch, name="esi-docs-deadline", daemon=True).start()
            self._next_token += 1
            self._due[self._next_token] = (threading.get_ident(), time.monotonic() + limit)
            self._changed.notify()
            return self._next_token

    def leave(self, token: int) -> None:
        """After this returns, the block is never interrupted again."""
        with self._changed:
            del self._due[token]

    def _watch(self) -> None:
        with self._changed:
            while True:
                now = time.monotonic()
                for token, (target, end) in list(self._due.items()):
                    if now >= end:  # keep raising every 0.1 s in case one was swallowed
                        _interrupt(target)
                        self._due[token] = (target, now + 0.1)
                soonest = min((end for _, end in self._due.values()), default=None)
                self._changed.wait(None if soonest is None else max(soonest - now, 0.001))


_WATCHDOG = _Watchdog()


@contextlib.contextmanager
def deadline(seconds: float | None = None) -> Iterator[None]:
    """Stop the code inside after `seconds` by raising TemplateTimeout in this thread.

    A watchdog thread, not a signal, so it also works in a web server's worker threads. It
    keeps raising every 0.1 s until the block ends, in case library code swallowed one.
    """
    token = _WATCHDOG.enter(TIME_LIMIT_S if seconds is None else seconds)
    try:
        yield
    finally:
        _WATCHDOG.leave(token)


# What filling in a text can raise besides our own errors: the caller adds the file and line.
RENDER_ERRORS = (TemplateError, TypeError, ValueError, ArithmeticError, LookupError, RecursionError)

__all__ = [
    "RENDER_ERRORS",
    "TemplateError",
    "TemplateLimitError",
    "TemplateTimeout",
    "code_book",
    "compile_condition",
    "compile_text",
    "deadline",
    "document_context",
    "markup_problem",
    "render_text",
    "sandbox",
]
