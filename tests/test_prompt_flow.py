"""The interactive flow, driven through a pseudo-terminal as a person types: how many prompts,
which ones, one refusal listing every problem, and the printed retry command that bakes."""

import fcntl
import os
import re
import select
import shlex
import struct
import subprocess
import sys
import termios
import time

import pytest
from conftest import ROOT

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")
PROMPT = re.compile(r"(?m)^  \[(\d+)/(\d+)\] ([^\n]*)")


class Terminal:
    """``python -m cookiecutter ARGS`` on a pseudo-terminal: what it prints, and lines typed into it."""

    def __init__(self, args, cwd):
        leader, follower = os.openpty()
        # A wide window, so that no prompt is wrapped across lines.
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 250, 0, 0))
        env = dict(os.environ, COLUMNS="250", LINES="50", TERM="xterm")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cookiecutter", *args],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            cwd=cwd,
            env=env,
            close_fds=True,
        )
        os.close(follower)
        self.leader, self.output = leader, ""

    def read(self, timeout):
        ready, _, _ = select.select([self.leader], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.leader, 65536)
        except OSError:  # the program ended and closed the terminal
            return False
        self.output += ANSI.sub("", chunk.decode("utf-8", "replace"))
        return bool(chunk)

    def wait_for(self, pattern, start, timeout=60):
        """The first match of ``pattern`` in what was printed after ``start``; None once the program ended."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.compile(pattern).search(self.output, start)
            if found:
                return found
            if not self.read(0.2) and self.process.poll() is not None:
                while self.read(0.1):
                    pass
                return re.compile(pattern).search(self.output, start)
        raise AssertionError(f"no {pattern!r} within {timeout}s; printed:\n{self.output}")

    def type(self, line):
        os.write(self.leader, line.encode() + b"\r")

    def answer(self, answers):
        """Answer each prompt as it comes, from ``answers`` (label word -> text, default Enter); return the prompts."""
        asked, position = [], 0
        while True:
            prompt = self.wait_for(PROMPT.pattern, position)
            if prompt is None:
                break
            question = prompt.group(3)
            asked.append(question)
            position = prompt.end()
            self.type(next((text for word, text in answers.items() if word in question), ""))
        self.process.wait(timeout=60)
        os.close(self.leader)
        return asked


def bake(args, cwd, answers):
    terminal = Terminal(args, cwd)
    asked = terminal.answer(answers)
    return terminal, asked


def test_the_default_bake_takes_at_most_eight_answers(tmp_path):
    terminal, asked = bake(["-o", "out", str(ROOT)], tmp_path, {"Keyword": "firsttry"})

    assert terminal.process.returncode == 0, terminal.output
    assert len(asked) <= 8, asked
    assert (tmp_path / "out" / "iris-firsttry-module" / "iris_firsttry_module" / "handler.py").exists()
    assert f"cd {tmp_path / 'out' / 'iris-firsttry-module'}" in terminal.output


@pytest.mark.parametrize(
    ("module_type", "choice", "foreign"), [("processor", "1", "pipeline"), ("pipeline", "2", "hook")]
)
def test_no_prompt_belongs_to_the_other_type(tmp_path, module_type, choice, foreign):
    terminal, asked = bake([str(ROOT)], tmp_path, {"Keyword": f"only_{module_type}", "Module type": choice})

    assert terminal.process.returncode == 0, terminal.output
    assert [question for question in asked if foreign in question.lower()] == []
    assert (
        tmp_path
        / f"iris-only-{module_type.replace('_', '-')}-module"
        / f"iris_only_{module_type}_module"
        / f"{module_type}.py"
    ).exists()


def test_the_settings_prompt_is_told_the_presets_own_settings(tmp_path):
    terminal, _ = bake([str(ROOT)], tmp_path, {"Keyword": "hinted", "Preset": "2"})  # ioc-enrichment

    hint = re.search(
        r"The ioc-enrichment processor already has these hook switches and settings: ([^\n]*)", terminal.output
    )
    assert hint, terminal.output
    assert "api_key" in hint.group(1) and "on_postload_ioc_create" in hint.group(1)
    assert hint.start() < terminal.output.index("Your own settings")  # shown before the question


def test_three_bad_answers_are_refused_at_once_and_the_printed_command_asks_only_for_them(tmp_path):
    bad = {
        "Keyword": "AbuseIPDB",
        "Preset": "2",
        "Your own settings": "api_key:sensitive_string!, max_age_days:int=30",
        "e-mail": "not an address",
        "Author": "Ana O'Neil",
    }
    terminal, _ = bake(["-o", "build", str(ROOT)], tmp_path, bad)

    assert terminal.process.returncode != 0
    problems = re.findall(r"^  (\w+): ", terminal.output, re.MULTILINE)
    assert problems == ["keyword", "settings", "email"], terminal.output
    assert not (tmp_path / "build").exists()
    command = re.search(r"^  (cookiecutter --replay-file .*)$", terminal.output, re.MULTILINE).group(1)

    # The printed command, run as printed, asks again only for the bad answers and what was made from them.
    fixed = {
        "Keyword": "abuseipdb",
        "Your own settings": 'max_age_days:int=30 "Days to keep"',
        "e-mail": "ana@example.org",
    }
    again, asked_again = bake(shlex.split(command)[1:], tmp_path, fixed)

    assert again.process.returncode == 0, again.output
    assert [question.split(" (")[0].split(":")[0] for question in asked_again] == [
        "Keyword",
        "Your own settings, name",
        "Distribution and folder name",
        "Author's e-mail",
    ]
    project = tmp_path / "build" / "iris-abuseipdb-module"
    config = (project / "iris_abuseipdb_module" / "config.py").read_text("utf-8")
    assert '"param_description": "Days to keep."' in config
    assert "Ana O'Neil" in (project / "pyproject.toml").read_text("utf-8")  # typed once, kept
    assert "ioc-enrichment" in (project / "AGENTS.md").read_text("utf-8")
