"""One root for every error chain-gap raises, with stable codes and zh/en message templates.

Every error a user can meet derives from :class:`ChainGapError`. Each carries a stable ``code``
(``"bundle-not-a-bundle"``, ``"load-missing-column"`` …) that reports, the CLI and tests filter on,
in the spirit of frictionless' error types; the message comes from a zh/en template keyed by that code,
so a message is translated once, in :data:`MESSAGES`. Warnings such as ``SmallSampleWarning`` stay
warnings and do not derive from this root.

Raising::

    raise BundleError(code="bundle-not-a-bundle", path=str(p))   # message from the template
    raise LoadError("free text for a case without a template")    # the class's default code

The language is the one in force: :func:`use_lang` (a context manager the CLI's ``--lang`` sets), else
the ``CHAIN_GAP_LANG`` environment variable, else Chinese. A code without a template in the language
asked for falls back to English, then to the free text given.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any, ClassVar

LANGS = ("zh", "en")

#: code -> {"zh": template, "en": template}; templates use ``str.format`` fields named by the params.
MESSAGES: dict[str, dict[str, str]] = {}

_lang_stack: list[str] = []


def current_lang() -> str:
    """The language messages are rendered in now: ``use_lang``'s, else ``CHAIN_GAP_LANG``, else ``zh``.

    Returns
    -------
    str
        ``"zh"`` or ``"en"``.
    """
    if _lang_stack:
        return _lang_stack[-1]
    env = os.environ.get("CHAIN_GAP_LANG", "").strip().lower()
    return env if env in LANGS else "zh"


@contextlib.contextmanager
def use_lang(lang: str) -> Iterator[None]:
    """Render messages (and errors raised inside the block) in ``lang``.

    Parameters
    ----------
    lang : str
        ``"zh"`` or ``"en"``.

    Yields
    ------
    None

    Raises
    ------
    ValueError
        ``lang`` is not a known language.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    _lang_stack.append(lang)
    try:
        yield
    finally:
        _lang_stack.pop()


def register(code: str, zh: str, en: str) -> str:
    """Add the zh/en templates of ``code`` to :data:`MESSAGES` and return the code.

    Parameters
    ----------
    code : str
        Stable, lower-case, hyphenated identifier; once published it never changes meaning.
    zh, en : str
        ``str.format`` templates; their fields are the keyword arguments the error is raised with.

    Returns
    -------
    str
        ``code``.

    Raises
    ------
    ValueError
        ``code`` is already registered with other templates.
    """
    if code in MESSAGES and MESSAGES[code] != {"zh": zh, "en": en}:
        raise ValueError(f"error code {code!r} registered twice with different templates")
    MESSAGES[code] = {"zh": zh, "en": en}
    return code


def render(code: str, params: dict[str, Any], fallback: str | None = None, lang: str | None = None) -> str:
    """The message of ``code`` in ``lang`` with ``params`` filled in (one line).

    Parameters
    ----------
    code : str
        A registered error code.
    params : dict
        Values for the template's fields.
    fallback : str, optional
        Returned as given when no template of the code can be filled in; default the code itself.
    lang : str, optional
        ``"zh"`` or ``"en"``; default :func:`current_lang`. The English template is tried next.

    Returns
    -------
    str
    """
    lang = lang or current_lang()
    templates = MESSAGES.get(code, {})
    for template in (templates.get(lang), templates.get("en")):
        if template is None:
            continue
        try:
            text = template.format(**params)
        except (KeyError, IndexError, ValueError):
            continue
        return one_line(text)
    return fallback if fallback is not None else code


def one_line(text: str, limit: int = 500) -> str:
    """``text`` folded to one readable line of at most ``limit`` characters (long values are cut).

    Parameters
    ----------
    text : str
        Any text; runs of whitespace, newlines included, become one space.
    limit : int
        Longest result; a longer line is cut and ends with ``…``.

    Returns
    -------
    str
    """
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class ChainGapError(Exception):
    """The root of every chain-gap error: a stable ``code``, its ``params`` and a one-line message.

    Parameters
    ----------
    message : str, optional
        Free text, used when no template is registered for the code (or as the English fallback).
    code : str, optional
        The stable code; defaults to the class's ``default_code``.
    where : str, optional
        What the message is about (a file path), put in front of it unless it already names it.
    **params
        Values the code's template names (file, row, field, value …); kept on ``exc.params``.
    """

    default_code: ClassVar[str] = "error"
    #: The exit code the CLI uses for this error (2: something the user can fix).
    exit_code: ClassVar[int] = 2

    def __init__(
        self, message: str | None = None, *, code: str | None = None, where: str | None = None, **params: Any
    ) -> None:
        self.code: str = code or type(self).default_code
        self.params: dict[str, Any] = params
        self.text = message
        self.where = where
        super().__init__(message if message is not None else self.code)

    def message(self, lang: str | None = None) -> str:
        """The one-line message in ``lang`` (default: the language in force).

        Parameters
        ----------
        lang : str, optional
            ``"zh"`` or ``"en"``.

        Returns
        -------
        str
        """
        text = render(self.code, self.params, self.text, lang)
        if self.where and self.where not in text:
            text = f"{self.where}: {text}"
        return text

    def __str__(self) -> str:
        return self.message()
