"""The package's page assets (``render/assets/``: JS, CSS, jinja2 HTML templates) and the vis-network library.

Templates are rendered with autoescape on, so any value passed in is HTML-escaped unless it is
wrapped here: :func:`inline` for a script or style to inline (refused if it could close its
element early) and :func:`script_data` for JSON placed in a ``<script>``.

vis-network is inlined from the files the ``pyvis`` package ships (``pyvis/templates/lib/vis-*/``),
as pyvis' own ``cdn_resources="in_line"`` does, so the map needs no network and no copy of the
library lives in this repository; pyvis' page template itself is not used.
"""

from __future__ import annotations

import functools
import importlib.resources
import importlib.util
import re
from pathlib import Path
from typing import Any

from chain_gap.render.inputs import PlotError
from chain_gap.render.text import script_json

__all__ = ["asset", "inline", "render", "script_data", "vis_network"]

_CLOSERS = re.compile(r"</(script|style)", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("chain_gap.render", "assets"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )


def render(name: str, **context: Any) -> str:
    """Render the template ``assets/<name>`` with ``context`` (autoescape on, unknown names an error).

    Parameters
    ----------
    name : str
        Template file name, e.g. ``"chain_map.html.j2"``.
    **context
        The template's variables.

    Returns
    -------
    str
        The rendered page.
    """
    return str(_environment().get_template(name).render(**context))


@functools.cache
def asset(name: str) -> str:
    """The text of the static asset ``assets/<name>`` (a script or a style sheet), cached.

    Parameters
    ----------
    name : str
        File name inside ``render/assets``.

    Returns
    -------
    str
    """
    return (importlib.resources.files("chain_gap.render") / "assets" / name).read_text(encoding="utf-8")


def inline(code: str, what: str) -> Any:
    """``code`` marked safe for a ``<script>`` / ``<style>`` element, after checking it cannot close it.

    Parameters
    ----------
    code : str
        JavaScript or CSS.
    what : str
        Its name, for the error.

    Returns
    -------
    markupsafe.Markup
        The code, not to be escaped.

    Raises
    ------
    PlotError
        ``code`` contains ``</script`` or ``</style``.
    """
    from markupsafe import Markup

    if _CLOSERS.search(code):
        raise PlotError(f"{what}: contains a closing </script> or </style> tag and cannot be inlined")
    return Markup(code)  # checked above: the page's own code, not data


def script_data(obj: Any) -> Any:
    """``obj`` as JSON safe inside ``<script>`` (see :func:`chain_gap.render.text.script_json`), as Markup.

    Parameters
    ----------
    obj : object
        Any JSON-serialisable value.

    Returns
    -------
    markupsafe.Markup
    """
    from markupsafe import Markup

    return Markup(script_json(obj))  # <, >, & and U+2028/9 are escaped by script_json


def _version_key(p: Path) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", p.name))


@functools.lru_cache(maxsize=1)
def vis_network() -> tuple[str, str]:
    """The vis-network library shipped by pyvis: (JavaScript, CSS) of its newest bundled version.

    Returns
    -------
    tuple of (str, str)
        The JavaScript and the CSS.

    Raises
    ------
    PlotError
        pyvis or its bundled library files are not installed.
    """
    spec = importlib.util.find_spec("pyvis")
    roots = list(spec.submodule_search_locations or []) if spec is not None else []
    found = [
        d
        for root in roots
        for d in (Path(root) / "templates" / "lib").glob("vis-*")
        if (d / "vis-network.min.js").is_file() and (d / "vis-network.css").is_file()
    ]
    if not found:
        raise PlotError("vis-network is not found in the pyvis package (pyvis/templates/lib/vis-*/); reinstall pyvis")
    lib = max(found, key=_version_key)
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(
        encoding="utf-8"
    )
