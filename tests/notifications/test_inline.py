"""The letters' macros expanded at compile time (notifications/inline.py) render exactly what Jinja's
own macro calls render: every sample letter, with its recipient and as queued before recipients
travelled with the message, in text and HTML; a missing value fails as loudly; and the letters really
are compiled without the per-letter import that made them slow."""

from __future__ import annotations

import pytest
from jinja2 import DictLoader, Environment, UndefinedError

from notifications import samples
from notifications.inline import LetterEnvironment, expand
from notifications.render import KINDS, _templates, letter_environment

ENV = _templates(samples.TZ.key).env
PLAIN = letter_environment(samples.TZ, Environment)  # the same without the expansion: plain Jinja
RECIPIENT_KEYS = ("recipient", "recipient_name", "recipient_unit")


def _contexts(sample: samples.Sample) -> list[dict]:
    full = sample.full_context()
    before_recipients = {k: v for k, v in full.items() if k not in RECIPIENT_KEYS}
    return [full, before_recipients]


@pytest.mark.parametrize("sample", samples.SAMPLES, ids=lambda s: s.name)
@pytest.mark.parametrize("extension", ["txt", "html"])
def test_an_expanded_letter_renders_what_jinja_renders(sample: samples.Sample, extension: str) -> None:
    name = f"{sample.kind}.{extension}"
    for context in _contexts(sample):
        assert ENV.get_template(name).render(context) == PLAIN.get_template(name).render(context)


@pytest.mark.parametrize("extension", ["txt", "html"])
def test_a_value_a_macro_needs_is_missing_fails_as_it_did(extension: str) -> None:
    sample = next(s for s in samples.SAMPLES if s.kind == "ack")
    context = {k: v for k, v in sample.full_context().items() if k != "due_at"}  # read by m.facts()
    for env in (ENV, PLAIN):
        with pytest.raises(UndefinedError, match="due_at"):
            env.get_template(f"ack.{extension}").render(context)


def test_the_letters_no_longer_import_their_macros_for_each_letter() -> None:
    """Only a call the expansion leaves alone (a macro's output through a filter) keeps the import."""
    kept = []
    for kind in sorted(KINDS):
        for extension in ("txt", "html"):
            name = f"{kind}.{extension}"
            code = ENV.compile(ENV.loader.get_source(ENV, name)[0], name, raw=True)
            if "_macros." in code:
                kept.append(name)
    assert kept == ["extension.txt", "overdue_citizen.txt"]  # `m.apology(…)|trim`


def test_a_macro_reading_a_name_the_letter_sets_itself_stays_a_call() -> None:
    """Called, a macro sees the letter's context, not the letter's own variables: expanded, it would
    see them. Such a macro (and one calling it) is left to Jinja."""
    source = (
        '{% import "_macros.txt" as m with context %}'
        '{% set unit_name = "Phòng riêng của thư" %}{{ m.facts() }}|{{ m.greeting("unit") }}'
    )
    sample = next(s for s in samples.SAMPLES if s.kind == "ack")
    context = sample.full_context()
    expanded = ENV.from_string(expand(ENV, ENV.parse(source)))
    assert expanded.render(context) == PLAIN.from_string(source).render(context)
    assert "Phòng riêng của thư" not in expanded.render(context)


def test_a_macro_called_by_one_that_binds_a_name_it_reads_is_not_expanded_into_it() -> None:
    """`outer(x)` calling `inner()`, which reads the context's x: expanded into outer, inner would read
    outer's parameter instead. Both stay calls, and render as Jinja renders them."""
    templates = {
        "_macros.txt": "{% macro inner() %}{{ x }}{% endmacro %}{% macro outer(x) %}[{{ inner() }}]{% endmacro %}",
        "letter.txt": '{% import "_macros.txt" as m with context %}{{ m.outer("tham số") }}',
    }
    letters = LetterEnvironment(loader=DictLoader(templates))
    plain = Environment(loader=DictLoader(templates))
    context = {"x": "ngữ cảnh"}
    assert plain.get_template("letter.txt").render(context) == "[ngữ cảnh]"
    assert letters.get_template("letter.txt").render(context) == "[ngữ cảnh]"
