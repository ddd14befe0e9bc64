"""The relevant/constraint expression subset: parsing, XPath-like evaluation and the JSON for the browser."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from ogmonitor.surveys.expressions import (
    And,
    Bool,
    Compare,
    Const,
    CountSelected,
    ExpressionError,
    Field,
    Not,
    Or,
    Regex,
    Selected,
    Self,
    StringLength,
    evaluate,
    field_names,
    from_json,
    parse,
    to_json,
    to_text,
)

FIELDS = {"age", "aware", "channels", "town", "when", "score"}


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, whatever the az catalogue says."""
    with translation.override("en"):
        yield


def holds(text: str, values: dict, current=None) -> bool:
    return evaluate(parse(text, FIELDS), values, current)


# --- Parsing --------------------------------------------------------------------------------------


def test_comparison_of_a_field_with_a_text():
    assert parse("${aware} = 'yes'") == Compare("=", Field("aware"), Const("yes"))


def test_and_binds_tighter_than_or():
    assert parse("${a} = 1 or ${b} = 2 and ${c} = 3") == Or((
        Compare("=", Field("a"), Const(1)),
        And((Compare("=", Field("b"), Const(2)), Compare("=", Field("c"), Const(3)))),
    ))


def test_functions_and_the_current_answer():
    assert parse("selected(${channels}, 'ngo')") == Selected("channels", "ngo")
    assert parse("count-selected(${channels}) >= 2") == Compare(">=", CountSelected("channels"), Const(2))
    assert parse("string-length(.) <= 10") == Compare("<=", StringLength(Self()), Const(10))
    assert parse("regex(., '^[0-9]+$')") == Bool(Regex(Self(), "^[0-9]+$"))
    assert parse("not(${aware} = 'no')") == Not(Compare("=", Field("aware"), Const("no")))


def test_double_quotes_negative_and_decimal_numbers():
    assert parse('. != "n/a"') == Compare("!=", Self(), Const("n/a"))
    assert parse(". > -1.5") == Compare(">", Self(), Const(-1.5))


def test_unknown_field_is_named():
    with pytest.raises(ExpressionError) as caught:
        parse("${ghost} = 1", FIELDS)
    assert "${ghost}" in caught.value.message
    assert caught.value.position == 0


@pytest.mark.parametrize(
    ("text", "words", "position"),
    [
        ("(${age} > 1", "never closed", 0),
        ("${age} > 1)", "closes nothing", 10),
        ("${age} > > 1", "Unexpected “>” at position 10", 9),
        ("${age} >", "ends too early", 8),
        ("today() = 1", "today() is not supported", 0),
        ("${age} + 1 > 2", "Arithmetic", 7),
        ("${age", "not closed", 0),
        ("'open", "not closed", 0),
        ("", "empty", 0),
        ("selected(${channels})", "two arguments", 0),
        ("regex(., '[')", "not a valid regular expression", 0),
        ("age > 1", "${name}", 0),
    ],
)
def test_errors_say_what_is_wrong_and_where(text, words, position):
    with pytest.raises(ExpressionError) as caught:
        parse(text, FIELDS)
    assert words in caught.value.message
    assert caught.value.position == position


def test_field_names_lists_every_reference():
    node = parse("${age} > 1 and (selected(${channels}, 'ngo') or count-selected(${town}) = 0)")
    assert field_names(node) == {"age", "channels", "town"}


# --- Evaluation -----------------------------------------------------------------------------------


def test_unanswered_is_the_empty_text():
    assert holds("${aware} = ''", {})
    assert holds("${aware} != 'yes'", {})
    assert not holds("${age} > 3", {})
    assert not holds("${age} < 3", {"age": None})


def test_numbers_compare_numerically_when_both_sides_look_numeric():
    assert holds("${age} > 9", {"age": 10})
    assert holds("${age} > 9", {"age": "10"})  # '10' > '9' would be false as text
    assert holds("${score} = 2.5", {"score": Decimal("2.50")})
    assert holds(". <= 50", {}, current=50)
    assert not holds(". <= 50", {}, current=51)


def test_texts_compare_as_text():
    assert holds("${town} = 'Quba'", {"town": "Quba"})
    assert not holds("${town} = 'quba'", {"town": "Quba"})
    assert not holds("${town} > 'A'", {"town": ""})


def test_dates_compare_as_their_iso_text():
    assert holds("${when} >= '2024-01-01'", {"when": dt.date(2024, 3, 1)})
    assert not holds("${when} >= '2024-01-01'", {"when": dt.date(2023, 12, 31)})


def test_select_multiple_values_are_lists_of_names():
    values = {"channels": ["media", "ngo"]}
    assert holds("selected(${channels}, 'ngo')", values)
    assert not holds("selected(${channels}, 'other')", values)
    assert holds("count-selected(${channels}) = 2", values)
    assert holds("${channels} = 'media ngo'", values)
    assert holds("selected(${channels}, 'ngo')", {"channels": "media ngo"})  # as a form sends it
    assert holds("count-selected(${channels}) = 0", {})


def test_and_or_not():
    values = {"aware": "yes", "age": 30}
    assert holds("${aware} = 'yes' and ${age} >= 18", values)
    assert holds("${aware} = 'no' or ${age} >= 18", values)
    assert not holds("not(${aware} = 'yes')", values)


def test_string_length_and_regex():
    assert holds("string-length(.) <= 5", {}, current="Quba")
    assert not holds("string-length(.) <= 3", {}, current="Quba")
    assert holds("regex(., '^[0-9]{4}$')", {}, current="2024")
    assert not holds("regex(., '^[0-9]{4}$')", {}, current="24")


def test_a_field_alone_is_true_when_answered():
    assert holds("${town}", {"town": "Quba"})
    assert not holds("${town}", {})
    assert not holds("${age}", {"age": 0})


# --- JSON for the browser and text round trips ----------------------------------------------------


def test_json_format_is_the_one_ogform_js_reads():
    node = parse(
        "(${age} >= 18 and selected(${channels}, 'ngo')) or not(count-selected(${channels}) = 0) "
        "or string-length(.) > 2 or regex(${town}, '^Q') or ${aware}"
    )
    assert to_json(node) == {"or": [
        {"and": [
            {"cmp": ">=", "left": {"field": "age"}, "right": {"const": 18}},
            {"selected": ["channels", "ngo"]},
        ]},
        {"not": {"cmp": "=", "left": {"count_selected": "channels"}, "right": {"const": 0}}},
        {"cmp": ">", "left": {"string_length": {"self": True}}, "right": {"const": 2}},
        {"bool": {"regex": [{"field": "town"}, "^Q"]}},
        {"bool": {"field": "aware"}},
    ]}
    assert json.loads(json.dumps(to_json(node))) == to_json(node)


# Random expressions built from the grammar, and random answers, for property tests.

names = st.sampled_from(sorted(FIELDS))
texts = st.text(alphabet="abcəğışçöü019 _-", max_size=6).filter(lambda s: "'" not in s)
constants = st.one_of(texts, st.integers(-100, 100), st.sampled_from([0.5, 2.25, -1.5]))
operands = st.recursive(
    st.one_of(names.map(Field), st.just(Self()), constants.map(Const), names.map(CountSelected)),
    lambda inner: st.one_of(inner.map(StringLength), st.tuples(inner, st.sampled_from(["^a", "[0-9]", "ə$"])).map(lambda t: Regex(*t))),
    max_leaves=2,
)
leaves = st.one_of(
    st.tuples(st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), operands, operands).map(lambda t: Compare(*t)),
    st.tuples(names, st.sampled_from(["a", "b", "ngo"])).map(lambda t: Selected(*t)),
    operands.map(Bool),
)
nodes = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(lambda items: And(tuple(items))),
        st.lists(inner, min_size=2, max_size=3).map(lambda items: Or(tuple(items))),
        inner.map(Not),
    ),
    max_leaves=6,
)
answers = st.one_of(
    st.none(), texts, st.integers(-5, 200), st.sampled_from([Decimal("2.5"), Decimal("0")]),
    st.lists(st.sampled_from(["a", "b", "ngo"]), unique=True), st.dates(dt.date(2020, 1, 1), dt.date(2025, 1, 1)),
)
value_maps = st.dictionaries(names, answers)


@settings(max_examples=300, deadline=None)
@given(nodes, value_maps, answers)
def test_json_round_trip_evaluates_the_same(node, values, current):
    data = json.loads(json.dumps(to_json(node)))
    assert from_json(data) == node
    assert evaluate(from_json(data), values, current) == evaluate(node, values, current)


@settings(max_examples=300, deadline=None)
@given(nodes)
def test_text_round_trip_gives_the_same_tree(node):
    assert parse(to_text(node), FIELDS) == node


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="${}().,'\" =!<>andortselcu-0123456789", max_size=40))
def test_parse_raises_only_expression_errors_on_random_text(text):
    try:
        node = parse(text, FIELDS)
    except ExpressionError as error:
        assert 0 <= error.position <= len(text)
        assert error.message
    else:
        evaluate(node, {})  # whatever parses evaluates


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_parse_raises_only_expression_errors_on_any_unicode(text):
    try:
        parse(text)
    except ExpressionError:
        pass
