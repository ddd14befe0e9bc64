"""The XLSForm expression subset ogmonitor understands in ``relevant`` and ``constraint``.

Grammar (XPath 1.0 as ODK and KoboToolbox use it, cut down to what field studies need)::

    expression := and_expr ("or" and_expr)*
    and_expr   := test ("and" test)*
    test       := "not(" expression ")" | "selected(" ${field} "," text ")" | "(" expression ")"
                | operand [("=" | "!=" | "<" | "<=" | ">" | ">=") operand]
    operand    := ${field} | "." | number | 'text' | "text"
                | "count-selected(" ${field} ")" | "string-length(" operand ")"
                | "regex(" operand "," text ")"

The same expression is evaluated twice: here, on the server, for every submission
(:func:`evaluate`), and in the browser by ``static/js/ogform.js`` from the JSON tree given by
:func:`to_json`. Both follow XPath's rules where it matters: an unanswered question is the empty
text; two values that both look like numbers are compared as numbers, anything else as text;
a multiple choice's value is its chosen names joined by spaces.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

__all__ = [
    "And", "Bool", "Compare", "Const", "CountSelected", "ExpressionError", "Field", "Node", "Not",
    "Or", "Regex", "Selected", "Self", "StringLength", "evaluate", "field_names", "from_json",
    "parse", "to_json", "to_text",
]

COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")


class ExpressionError(ValueError):
    """An expression ogmonitor cannot read; ``position`` is the 0-based offset of the problem."""

    def __init__(self, message: str, position: int = 0):
        self.message = message
        self.position = position
        super().__init__(message)


# --- The tree -----------------------------------------------------------------------------------
# Operands give a value; nodes give true or false. Both are small frozen dataclasses, so two
# parses of the same text compare equal.


@dataclass(frozen=True)
class Field:
    name: str


@dataclass(frozen=True)
class Self:
    pass


@dataclass(frozen=True)
class Const:
    value: str | int | float


@dataclass(frozen=True)
class CountSelected:
    name: str


@dataclass(frozen=True)
class StringLength:
    operand: "Operand"


@dataclass(frozen=True)
class Regex:
    operand: "Operand"
    pattern: str


Operand = Field | Self | Const | CountSelected | StringLength | Regex


@dataclass(frozen=True)
class And:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    item: "Node"


@dataclass(frozen=True)
class Compare:
    op: str
    left: Operand
    right: Operand


@dataclass(frozen=True)
class Selected:
    name: str
    value: str


@dataclass(frozen=True)
class Bool:
    """The truth of an operand alone (``${consent}``, ``regex(., '^[0-9]+$')``)."""

    operand: Operand


Node = And | Or | Not | Compare | Selected | Bool


# --- Tokens -------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<field>\$\{(?P<field_name>[^}]*)\})
  | (?P<number>-?(?:\d+(?:\.\d*)?|\.\d+))
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<op>!=|<=|>=|=|<|>)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<comma>,)
  | (?P<dot>\.)
  | (?P<name>[A-Za-z_][A-Za-z0-9_:-]*)
    """,
    re.VERBOSE,
)
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_FUNCTIONS = {"not", "selected", "count-selected", "string-length", "regex"}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        if match is None:
            char = text[position]
            if char in "'\"":
                raise ExpressionError(
                    _("A text in quotes is not closed (the quote at position %(position)s).")
                    % {"position": position + 1},
                    position,
                )
            if text.startswith("${", position):
                raise ExpressionError(
                    _("A field reference is not closed with “}” (position %(position)s).")
                    % {"position": position + 1},
                    position,
                )
            if char in "+*-":
                raise ExpressionError(
                    _("Arithmetic (“%(char)s” at position %(position)s) is not supported in ogmonitor expressions.")
                    % {"char": char, "position": position + 1},
                    position,
                )
            raise ExpressionError(
                _("Unexpected character “%(char)s” at position %(position)s.")
                % {"char": char, "position": position + 1},
                position,
            )
        kind = match.lastgroup
        if kind == "field_name":  # lastgroup names the innermost group that matched
            kind = "field"
        if kind != "space":
            tokens.append(_Token(kind, match.group(0), position))
        position = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


# --- Parser -------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, known_fields: set[str] | None):
        self.text = text
        self.known_fields = known_fields
        self.tokens = _tokenize(text)
        self.index = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def unexpected(self, token: _Token | None = None) -> ExpressionError:
        token = token or self.token
        if token.kind == "end":
            return ExpressionError(
                _("The expression ends too early: something is missing at its end."), token.position
            )
        if token.kind == "rparen":
            return ExpressionError(
                _("Unbalanced parenthesis: “)” at position %(position)s closes nothing.")
                % {"position": token.position + 1},
                token.position,
            )
        return ExpressionError(
            _("Unexpected “%(token)s” at position %(position)s.")
            % {"token": token.text, "position": token.position + 1},
            token.position,
        )

    def expect(self, kind: str, opening: _Token | None = None) -> _Token:
        if self.token.kind == kind:
            return self.advance()
        if kind == "rparen" and opening is not None and self.token.kind in {"end", "comma"}:
            raise ExpressionError(
                _("Unbalanced parenthesis: the “(” at position %(position)s is never closed.")
                % {"position": opening.position + 1},
                opening.position,
            )
        raise self.unexpected()

    def parse(self) -> "Node":
        if self.token.kind == "end":
            raise ExpressionError(_("The expression is empty."), 0)
        node = self.expression()
        if self.token.kind != "end":
            raise self.unexpected()
        return node

    def expression(self) -> "Node":
        items = [self.and_expression()]
        while self.token.kind == "name" and self.token.text == "or":
            self.advance()
            items.append(self.and_expression())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expression(self) -> "Node":
        items = [self.test()]
        while self.token.kind == "name" and self.token.text == "and":
            self.advance()
            items.append(self.test())
        return items[0] if len(items) == 1 else And(tuple(items))

    def test(self) -> "Node":
        token = self.token
        if token.kind == "lparen":
            self.advance()
            inner = self.expression()
            self.expect("rparen", token)
            if isinstance(inner, Bool) and self.token.kind == "op":
                return self.comparison(inner.operand)
            return inner
        if token.kind == "name" and token.text == "not":
            opening = self.open_call(token)
            inner = self.expression()
            self.expect("rparen", opening)
            return Not(inner)
        if token.kind == "name" and token.text == "selected":
            opening = self.open_call(token)
            name = self.field_argument()
            self.comma(token)
            value = self.text_argument(token)
            self.expect("rparen", opening)
            return Selected(name, value)
        return self.comparison(self.operand())

    def comparison(self, left: "Operand") -> "Node":
        if self.token.kind != "op":
            return Bool(left)
        op = self.advance().text
        right = self.operand()
        if self.token.kind == "op":
            raise self.unexpected()
        return Compare(op, left, right)

    def operand(self) -> "Operand":
        token = self.token
        if token.kind == "field":
            self.advance()
            return Field(self.check_field(token))
        if token.kind == "dot":
            self.advance()
            return Self()
        if token.kind == "number":
            self.advance()
            number = Decimal(token.text)
            return Const(int(number) if number == number.to_integral_value() and "." not in token.text else float(number))
        if token.kind == "string":
            self.advance()
            return Const(token.text[1:-1])
        if token.kind == "name":
            name = token.text
            if name == "count-selected":
                opening = self.open_call(token)
                field = self.field_argument()
                self.expect("rparen", opening)
                return CountSelected(field)
            if name == "string-length":
                opening = self.open_call(token)
                inner = self.operand()
                self.expect("rparen", opening)
                return StringLength(inner)
            if name == "regex":
                opening = self.open_call(token)
                inner = self.operand()
                self.comma(token)
                pattern = self.text_argument(token)
                try:
                    re.compile(pattern)
                except (re.error, OverflowError, RecursionError) as error:
                    raise ExpressionError(
                        _("The pattern of regex() is not a valid regular expression: %(error)s.") % {"error": error},
                        token.position,
                    ) from None
                self.expect("rparen", opening)
                return Regex(inner, pattern)
            if name in {"and", "or"}:
                raise self.unexpected()
            if name in _FUNCTIONS:  # not(…) or selected(…) used where a value is needed
                raise ExpressionError(
                    _("%(function)s() gives true or false and cannot be compared (position %(position)s).")
                    % {"function": name, "position": token.position + 1},
                    token.position,
                )
            if self.tokens[self.index + 1].kind == "lparen":
                raise ExpressionError(
                    _("The function %(function)s() is not supported. Supported: %(supported)s.")
                    % {"function": name, "position": token.position + 1,
                       "supported": "not(), selected(), count-selected(), string-length(), regex()"},
                    token.position,
                )
            raise ExpressionError(
                _("“%(word)s” at position %(position)s is not understood: write a field as ${name} and a text in quotes, as 'text'.")
                % {"word": name, "position": token.position + 1},
                token.position,
            )
        raise self.unexpected()

    def open_call(self, token: _Token) -> _Token:
        self.advance()
        if self.token.kind != "lparen":
            raise ExpressionError(
                _("%(function)s must be followed by “(” (position %(position)s).")
                % {"function": token.text, "position": token.position + 1},
                token.position,
            )
        return self.advance()

    def comma(self, function: _Token) -> None:
        if self.token.kind == "comma":
            self.advance()
            return
        raise ExpressionError(
            _("%(function)s() needs two arguments separated by a comma (position %(position)s).")
            % {"function": function.text, "position": function.position + 1},
            function.position,
        )

    def field_argument(self) -> str:
        token = self.token
        if token.kind != "field":
            raise ExpressionError(
                _("A field such as ${name} is expected at position %(position)s.") % {"position": token.position + 1},
                token.position,
            )
        self.advance()
        return self.check_field(token)

    def text_argument(self, function: _Token) -> str:
        token = self.token
        if token.kind == "string":
            self.advance()
            return token.text[1:-1]
        if token.kind == "number":  # selected(${q}, 1) is common for numeric choice names
            self.advance()
            return token.text
        raise ExpressionError(
            _("%(function)s() needs a text in quotes at position %(position)s.")
            % {"function": function.text, "position": token.position + 1},
            token.position,
        )

    def check_field(self, token: _Token) -> str:
        name = token.text[2:-1].strip()
        if not _NAME_RE.match(name):
            raise ExpressionError(
                _("“%(reference)s” at position %(position)s is not a valid field reference.")
                % {"reference": token.text, "position": token.position + 1},
                token.position,
            )
        if self.known_fields is not None and name not in self.known_fields:
            raise ExpressionError(
                _("Unknown field ${%(name)s}: no question of this form has that name.") % {"name": name},
                token.position,
            )
        return name


def parse(text: str, known_fields: set[str] | None = None) -> Node:
    """Parse an expression; raises :class:`ExpressionError` (and nothing else) when it cannot.

    With ``known_fields``, every ``${name}`` must be one of them.
    """
    if not isinstance(text, str):
        raise ExpressionError(_("The expression is empty."), 0)
    try:
        return _Parser(text, known_fields).parse()
    except RecursionError:
        raise ExpressionError(_("The expression is nested too deeply."), 0) from None


def field_names(node) -> set[str]:
    """The names of the fields an expression refers to."""
    if isinstance(node, (Field, CountSelected)):
        return {node.name}
    if isinstance(node, Selected):
        return {node.name}
    if isinstance(node, (And, Or)):
        return set().union(*(field_names(item) for item in node.items))
    if isinstance(node, Not):
        return field_names(node.item)
    if isinstance(node, Compare):
        return field_names(node.left) | field_names(node.right)
    if isinstance(node, (Bool, StringLength, Regex)):
        return field_names(node.operand)
    return set()


# --- Evaluation ---------------------------------------------------------------------------------

_NUMERIC_RE = re.compile(r"^\s*-?(\d+(\.\d*)?|\.\d+)\s*$")


def _value(operand, values: dict, current):
    if isinstance(operand, Field):
        return _plain(values.get(operand.name))
    if isinstance(operand, Self):
        return _plain(current)
    if isinstance(operand, Const):
        return operand.value
    if isinstance(operand, CountSelected):
        return len(_names(values.get(operand.name)))
    if isinstance(operand, StringLength):
        return len(_text(_value(operand.operand, values, current)))
    if isinstance(operand, Regex):
        return re.search(operand.pattern, _text(_value(operand.operand, values, current))) is not None
    raise TypeError(f"Not an operand: {operand!r}")


def _plain(value):
    """An answer as XPath sees it: unanswered is '', a date its ISO text, a list its names."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(str(item) for item in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _names(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return str(value).split()


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return str(value)


def _number(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and _NUMERIC_RE.match(value):
        try:
            return Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern rules this out
            return None
    return None


def _compare(op: str, left, right) -> bool:
    left_number, right_number = _number(left), _number(right)
    if left_number is not None and right_number is not None:
        a, b = left_number, right_number
    else:
        a, b = _text(left), _text(right)
        if op not in {"=", "!="} and not (a and b):
            return False  # XPath: an empty or non-numeric text is NaN, and NaN < x is false
    if op == "=":
        return a == b
    if op == "!=":
        return a != b
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def _truth(value) -> bool:
    """XPath's boolean(): a number is true unless 0, a text unless empty ('0' counts as 0)."""
    if isinstance(value, bool):
        return value
    number = _number(value)
    if number is not None:
        return number != 0
    return _text(value) != ""


def evaluate(node: Node, values: dict, current=None) -> bool:
    """Whether ``node`` holds for the answers in ``values`` (``.`` is ``current``).

    Values are typed answers keyed by question name: choice names (a list for a multiple
    choice), int or Decimal, date, text; a missing or None value is unanswered ('').
    """
    if isinstance(node, And):
        return all(evaluate(item, values, current) for item in node.items)
    if isinstance(node, Or):
        return any(evaluate(item, values, current) for item in node.items)
    if isinstance(node, Not):
        return not evaluate(node.item, values, current)
    if isinstance(node, Compare):
        return _compare(node.op, _value(node.left, values, current), _value(node.right, values, current))
    if isinstance(node, Selected):
        return node.value in _names(values.get(node.name))
    if isinstance(node, Bool):
        return _truth(_value(node.operand, values, current))
    raise TypeError(f"Not an expression node: {node!r}")


# --- JSON for the browser, and back ---------------------------------------------------------------


def _operand_json(operand) -> dict:
    if isinstance(operand, Field):
        return {"field": operand.name}
    if isinstance(operand, Self):
        return {"self": True}
    if isinstance(operand, Const):
        return {"const": operand.value}
    if isinstance(operand, CountSelected):
        return {"count_selected": operand.name}
    if isinstance(operand, StringLength):
        return {"string_length": _operand_json(operand.operand)}
    if isinstance(operand, Regex):
        return {"regex": [_operand_json(operand.operand), operand.pattern]}
    raise TypeError(f"Not an operand: {operand!r}")


def to_json(node: Node) -> dict:
    """The tree as JSON for ``static/js/ogform.js`` (format documented in docs/surveys.md).

    Nodes: ``{"and": [n, …]}``, ``{"or": [n, …]}``, ``{"not": n}``,
    ``{"cmp": "=", "left": o, "right": o}``, ``{"selected": ["name", "value"]}``, ``{"bool": o}``.
    Operands: ``{"field": "name"}``, ``{"self": true}``, ``{"const": value}``,
    ``{"count_selected": "name"}``, ``{"string_length": o}``, ``{"regex": [o, "pattern"]}``.
    """
    if isinstance(node, And):
        return {"and": [to_json(item) for item in node.items]}
    if isinstance(node, Or):
        return {"or": [to_json(item) for item in node.items]}
    if isinstance(node, Not):
        return {"not": to_json(node.item)}
    if isinstance(node, Compare):
        return {"cmp": node.op, "left": _operand_json(node.left), "right": _operand_json(node.right)}
    if isinstance(node, Selected):
        return {"selected": [node.name, node.value]}
    if isinstance(node, Bool):
        return {"bool": _operand_json(node.operand)}
    raise TypeError(f"Not an expression node: {node!r}")


def _operand_from_json(data: dict):
    if "field" in data:
        return Field(data["field"])
    if "self" in data:
        return Self()
    if "const" in data:
        return Const(data["const"])
    if "count_selected" in data:
        return CountSelected(data["count_selected"])
    if "string_length" in data:
        return StringLength(_operand_from_json(data["string_length"]))
    if "regex" in data:
        return Regex(_operand_from_json(data["regex"][0]), data["regex"][1])
    raise ValueError(f"Not an operand: {data!r}")


def from_json(data: dict) -> Node:
    """The inverse of :func:`to_json`."""
    if "and" in data:
        return And(tuple(from_json(item) for item in data["and"]))
    if "or" in data:
        return Or(tuple(from_json(item) for item in data["or"]))
    if "not" in data:
        return Not(from_json(data["not"]))
    if "cmp" in data:
        return Compare(data["cmp"], _operand_from_json(data["left"]), _operand_from_json(data["right"]))
    if "selected" in data:
        return Selected(*data["selected"])
    if "bool" in data:
        return Bool(_operand_from_json(data["bool"]))
    raise ValueError(f"Not an expression node: {data!r}")


# --- Back to text -------------------------------------------------------------------------------


def _quote(text: str) -> str:
    return f'"{text}"' if "'" in text else f"'{text}'"


def _operand_text(operand) -> str:
    if isinstance(operand, Field):
        return f"${{{operand.name}}}"
    if isinstance(operand, Self):
        return "."
    if isinstance(operand, Const):
        if isinstance(operand.value, str):
            return _quote(operand.value)
        return _text(operand.value)
    if isinstance(operand, CountSelected):
        return f"count-selected(${{{operand.name}}})"
    if isinstance(operand, StringLength):
        return f"string-length({_operand_text(operand.operand)})"
    if isinstance(operand, Regex):
        return f"regex({_operand_text(operand.operand)}, {_quote(operand.pattern)})"
    raise TypeError(f"Not an operand: {operand!r}")


def to_text(node: Node) -> str:
    """The expression written back in XLSForm syntax (``parse(to_text(n)) == n``)."""
    if isinstance(node, (And, Or)):
        word = " and " if isinstance(node, And) else " or "
        return word.join(
            f"({to_text(item)})" if isinstance(item, (And, Or)) else to_text(item) for item in node.items
        )
    if isinstance(node, Not):
        return f"not({to_text(node.item)})"
    if isinstance(node, Compare):
        return f"{_operand_text(node.left)} {node.op} {_operand_text(node.right)}"
    if isinstance(node, Selected):
        return f"selected(${{{node.name}}}, {_quote(node.value)})"
    if isinstance(node, Bool):
        return _operand_text(node.operand)
    raise TypeError(f"Not an expression node: {node!r}")
