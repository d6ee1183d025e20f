"""The letters' shared macros (templates/_macros.*) expanded where they are called, when a letter is
compiled: the same output, without the cost of calling them.

A letter imports the macros "with context" (so they read the letter's values: code, title, unit_name)
and calls four or five of them. In Jinja that import runs the macro module again for every letter, and
each call goes through Jinja's Macro machinery: for the citizen's acknowledgement, 33 of the 52 µs its
HTML takes to render. Expanded in place, a call is its macro's body inside a `{% with %}` that binds
its parameters, so the letter renders what it rendered before (tests/notifications/test_inline.py
compares every sample letter with the plain Jinja rendering) in about a third of the time, and the
letters and macros stay as they are written.

What is expanded: a call `m.name(...)` that is a whole `{{ }}` of its own, where `m` is the import of a
`_macros.*` template with context and `name` one of its macros without `caller`, `varargs` or `kwargs`;
inside a macro body, calls of the module's other macros likewise; and, in any expression, the call of a
macro without parameters whose body is a single expression (`{% if m.to_head() %}`). Anything else
stays a call, and the import stays while the letter still uses it.
"""

from __future__ import annotations

import copy
from collections.abc import MutableMapping
from typing import Any

from jinja2 import Environment, nodes

MACROS_PREFIX = "_macros."


class LetterEnvironment(Environment):
    """The letters' Environment: it expands the shared macros in the templates it loads by name, and
    gives each template its globals as one plain dict (Jinja's ChainMap is walked key by key into every
    render's context: 4 µs a letter; the letters' globals never change once loaded)."""

    def compile(  # type: ignore[override]  # the same signature; the overloads are for type checkers
        self,
        source: Any,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        if isinstance(source, str) and name and not name.startswith(MACROS_PREFIX):
            source = expand(self, self.parse(source, name, filename))
        return super().compile(source, name, filename, raw, defer_init)

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:  # type: ignore[override]
        return {**self.globals, **(d or {})}


def expand(env: Environment, tree: nodes.Template) -> nodes.Template:
    """`tree` with its calls of imported shared macros replaced by their bodies."""
    own = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    for imported in list(tree.find_all(nodes.Import)):
        template = imported.template
        if not (imported.with_context and isinstance(template, nodes.Const)):
            continue
        if not str(template.value).startswith(MACROS_PREFIX):
            continue
        macros = _expandable(_macros(env, template.value), own)
        _Expander(macros, imported.target).visit(tree)
        still_used = any(n.name == imported.target for n in tree.find_all(nodes.Name))
        if not still_used:
            _remove(tree, imported)
    return tree


def _macros(env: Environment, name: str) -> dict[str, nodes.Macro]:
    """The module's macros, but those using `caller`, `varargs` or `kwargs`."""
    source = env.loader.get_source(env, name)[0] if env.loader is not None else ""
    found = {}
    for macro in env.parse(source, name).find_all(nodes.Macro):
        calls_caller = any(n.name in ("caller", "varargs", "kwargs") for n in macro.find_all(nodes.Name))
        if not calls_caller:
            found[macro.name] = macro
    return found


def _expandable(macros: dict[str, nodes.Macro], own: set[str]) -> dict[str, nodes.Macro]:
    """The macros whose body means the same where it is expanded: a macro sees the letter's context,
    not the variables of the letter or of the macro calling it, so none may read a name the letter
    sets itself, nor one its calling macro binds, nor call a macro that is not expanded."""
    names = set(macros)
    free = {name: _free_names(macro) - names for name, macro in macros.items()}
    calls = {name: _free_names(macro) & names for name, macro in macros.items()}
    bound = {name: _bound_names(macro) for name, macro in macros.items()}
    ok = {name for name in names if not free[name] & own}
    ok -= {name for name in names if any(free[callee] & bound[name] for callee in calls[name])}
    while True:  # a macro calling one that is not expanded would find no such name in the letter
        kept = {name for name in ok if calls[name] <= ok}
        if kept == ok:
            return {name: macros[name] for name in ok}
        ok = kept


def _bound_names(macro: nodes.Macro) -> set[str]:
    stored = {n.name for n in macro.find_all(nodes.Name) if n.ctx in ("store", "param")}
    return stored | {arg.name for arg in macro.args}


def _free_names(macro: nodes.Macro) -> set[str]:
    loads = {n.name for n in macro.find_all(nodes.Name) if n.ctx == "load"}
    return loads - _bound_names(macro)


class _Expander:
    def __init__(self, macros: dict[str, nodes.Macro], alias: str) -> None:
        self.macros, self.alias = macros, alias

    def target(self, node: nodes.Node, inside_macros: bool) -> nodes.Macro | None:
        """The macro `node` calls, if it is one we expand."""
        if not isinstance(node, nodes.Call) or node.dyn_args or node.dyn_kwargs:
            return None
        callee = node.node
        macro = None
        if isinstance(callee, nodes.Getattr) and isinstance(callee.node, nodes.Name):
            if callee.node.name == self.alias:
                macro = self.macros.get(callee.attr)
        elif inside_macros and isinstance(callee, nodes.Name):
            macro = self.macros.get(callee.name)
        if macro is None or len(node.args) > len(macro.args):
            return None
        # Every parameter without a default needs a value (else Jinja's error is kept, at render).
        given = {keyword.key for keyword in node.kwargs}
        needed = macro.args[len(node.args) : len(macro.args) - len(macro.defaults)]
        if any(param.name not in given for param in needed):
            return None
        if not given <= {param.name for param in macro.args}:
            return None
        return macro

    def visit(self, node: nodes.Node, inside_macros: bool = False) -> None:
        for field in node.fields:
            value = getattr(node, field)
            if isinstance(value, list):
                if value and all(isinstance(item, nodes.Stmt) for item in value):
                    value[:] = self.statements(value, inside_macros)
                else:
                    value[:] = [self.expression(item, inside_macros) for item in value]
            elif isinstance(value, nodes.Node):
                setattr(node, field, self.expression(value, inside_macros))

    def statements(self, body: list[nodes.Node], inside_macros: bool) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        for statement in body:
            if not isinstance(statement, nodes.Output):
                self.visit(statement, inside_macros)
                out.append(statement)
                continue
            pending: list[nodes.Node] = []
            for item in statement.nodes:
                macro = self.target(item, inside_macros)
                if macro is None:
                    pending.append(self.expression(item, inside_macros))
                    continue
                if pending:
                    out.append(nodes.Output(pending, lineno=statement.lineno))
                    pending = []
                out.append(self.body(macro, item))
            if pending:
                out.append(nodes.Output(pending, lineno=statement.lineno))
        return out

    def expression(self, node: nodes.Node, inside_macros: bool) -> nodes.Node:
        macro = self.target(node, inside_macros)
        if macro is not None and not macro.args:
            single = _single_expression(macro)
            if single is not None:
                replaced = _copy(single)
                replaced.set_lineno(node.lineno, override=True)
                self.visit(replaced, inside_macros=True)
                return replaced
        if isinstance(node, nodes.Node):
            self.visit(node, inside_macros)
        return node

    def body(self, macro: nodes.Macro, call: nodes.Call) -> nodes.Node:
        """The macro's body as a `{% with %}` binding its parameters to the call's arguments."""
        given = {keyword.key: keyword.value for keyword in call.kwargs}
        first_default = len(macro.args) - len(macro.defaults)
        targets, values = [], []
        for index, param in enumerate(macro.args):
            if index < len(call.args):
                value = call.args[index]
            elif param.name in given:
                value = given[param.name]
            elif index >= first_default:
                value = _copy(macro.defaults[index - first_default])
            else:  # cannot happen: target() leaves such calls to Jinja
                raise AssertionError(f"no value for {param.name!r} of {macro.name}")
            targets.append(nodes.Name(param.name, "store"))
            values.append(value)
        inlined = nodes.With(targets, values, _copy(macro.body), lineno=call.lineno)
        inlined.set_lineno(call.lineno, override=True)
        self.visit(inlined, inside_macros=True)
        return inlined


def _single_expression(macro: nodes.Macro) -> nodes.Expr | None:
    """The expression a macro consists of (`{{ "yes" if … else "" }}`), if that is all it is."""
    if len(macro.body) == 1 and isinstance(macro.body[0], nodes.Output) and len(macro.body[0].nodes) == 1:
        only = macro.body[0].nodes[0]
        return None if isinstance(only, nodes.TemplateData) else only
    return None


def _copy(node: Any) -> Any:
    """A copy of the subtree to place once more (deepcopy would copy the Environment the nodes name)."""
    if not isinstance(node, nodes.Node):
        return node
    clone = copy.copy(node)
    for field in node.fields:
        value = getattr(node, field)
        setattr(clone, field, [_copy(item) for item in value] if isinstance(value, list) else _copy(value))
    return clone


def _remove(tree: nodes.Node, target: nodes.Node) -> None:
    for node in (tree, *tree.find_all(nodes.Node)):
        for field in node.fields:
            value = getattr(node, field)
            if isinstance(value, list) and any(item is target for item in value):
                value[:] = [item for item in value if item is not target]
                return
