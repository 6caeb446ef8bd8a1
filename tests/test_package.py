"""The package's promises: a Qt-free core, a complete public API, documented commands."""

from __future__ import annotations

import subprocess
import sys

import casr_tracker
from casr_tracker import cli

from .conftest import ROOT


def test_core_never_imports_qt():
    code = (
        "import sys, casr_tracker, casr_tracker.cli, casr_tracker.seeding, casr_tracker.transfer;"
        "print([m for m in sys.modules if m.startswith('PySide6')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_only_the_gui_package_imports_qt():
    for path in (ROOT / "casr_tracker").rglob("*.py"):
        if "gui" in path.relative_to(ROOT / "casr_tracker").parts:
            continue
        assert "PySide6" not in path.read_text(encoding="utf-8"), path


def test_all_is_complete():
    public = {
        name
        for name in dir(casr_tracker)
        if not name.startswith("_") and name != "annotations" and not isinstance(getattr(casr_tracker, name), type(sys))
    }
    assert public <= set(casr_tracker.__all__)
    assert all(hasattr(casr_tracker, name) for name in casr_tracker.__all__)


def _commands(parser, prefix=""):
    for action in parser._actions:
        if action.__class__.__name__ == "_SubParsersAction":
            for name, sub in action.choices.items():
                yield f"{prefix}{name}", sub
                yield from _commands(sub, f"{prefix}{name} ")


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = list(_commands(cli.build_parser()))
    assert len(commands) >= 13
    for name, sub in commands:
        assert sub.description, name
        assert f"casr-tracker {name}" in readme, f"{name} is not in the README"
        assert sub.format_help().startswith("usage:")


def test_readme_has_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install . && casr-tracker\n" in readme
    assert "pip install '.[test]' && pytest\n" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\npip install '.[test]' && pytest\n" in ci


def test_the_readme_installs_the_system_libraries_ci_installs():
    """A newcomer on a bare Debian machine copies the README's apt-get line: it must hold every Debian
    package .ci/run installs for Qt (the window aborted without libxcb-icccm4 and others)."""
    import re

    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    ci_packages = set(re.search(r"apt_packages=\((.*?)\)", ci, re.S).group(1).split())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if "apt-get install" in line)
    readme_packages = {word for word in line.split() if not word.startswith("-")} - {"sudo", "apt-get", "install"}
    assert readme_packages == ci_packages
