"""The one error root: every chain-gap error derives from ChainGapError and carries a stable code."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import chain_gap
from chain_gap import errors
from chain_gap.errors import ChainGapError


def _package_exceptions() -> list[type[BaseException]]:
    found = []
    for info in pkgutil.walk_packages(chain_gap.__path__, "chain_gap."):
        mod = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(mod, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__.startswith("chain_gap"):
                found.append(obj)
    return found


def test_every_error_class_derives_from_the_root_and_warnings_stay_warnings():
    classes = _package_exceptions()
    assert len(classes) >= 10
    for cls in classes:
        if issubclass(cls, Warning):
            assert not issubclass(cls, ChainGapError), cls
        else:
            assert issubclass(cls, ChainGapError), cls
            assert cls.default_code and cls.default_code == cls.default_code.lower(), cls


def test_templates_render_in_the_language_in_force(monkeypatch):
    code = errors.register("test-example", "文件「{file}」第{row}行有误", "file {file}, row {row} is wrong")
    exc = ChainGapError(code=code, file="a.csv", row=3)
    monkeypatch.delenv("CHAIN_GAP_LANG", raising=False)
    assert str(exc) == "文件「a.csv」第3行有误"
    with errors.use_lang("en"):
        assert str(exc) == "file a.csv, row 3 is wrong"
    monkeypatch.setenv("CHAIN_GAP_LANG", "en")
    assert exc.message() == "file a.csv, row 3 is wrong"
    assert exc.message("zh") == "文件「a.csv」第3行有误"
    assert exc.code == "test-example" and exc.params == {"file": "a.csv", "row": 3}


def test_free_text_and_default_code():
    from chain_gap.io import BundleError

    exc = BundleError("the manifest is damaged")
    assert exc.code == "bundle-error" and str(exc) == "the manifest is damaged"
    assert isinstance(exc, ChainGapError)
    with pytest.raises(ValueError, match="registered twice"):
        errors.register("test-example", "别的", "other")
    assert errors.one_line("a\nb\n" + "x" * 900, limit=50).count("\n") == 0
