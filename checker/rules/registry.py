"""The one rule registry: built-in and outside rules come in through ``register``.

Every rule module of this package that defines ``register(registry)`` is a built-in rule
(:func:`register_builtin_rules` finds them; no list to keep). Another installed package
adds rules through an entry point in the ``claimcheck.rules`` group that names its own
``register`` (:func:`register_plugin_rules`). Both call the same ``RuleRegistry.register``
and go through the same checks.

``RuleRegistry.build()`` checks every registered rule at once and reports all problems
together: versioned names, unique codes, known kinds and severities, message templates in
both languages using only known placeholders, and the Claim fields each rule declares it
reads (a rule reading a field Claim does not have fails here, not in a batch run). A
problem of an outside rule names its entry point and distribution.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
import re
import string
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib.metadata import EntryPoint, entry_points

from pydantic import BaseModel

from checker.rules.base import COMMON_PARAMS, BaseRule, MessageTemplates, RuleSpec
from claims.model import Claim, FindingKind, Severity

_NAME = re.compile(r"^[a-z][a-z0-9_]*\.v[1-9]\d*$")
_CODE = re.compile(r"^C\d{3}$")
_ARABIC = re.compile(r"[\u0600-\u06FF]")

ENTRY_POINT_GROUP = "claimcheck.rules"
# Modules of this package that are the engine, not rules.
_NOT_RULES = frozenset({"base", "engine", "registry", "semantics"})


class RegistryError(ValueError):
    """One or more registered rules are malformed; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("rule registry: " + "; ".join(problems))


def _model_of(annotation: object) -> type[BaseModel] | None:
    """The pydantic model inside ``X``, ``X | None`` or ``list[X]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, tuple):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
    return None


def field_path_exists(path: str, model: type[BaseModel] = Claim) -> bool:
    """Whether a dotted path ("time.earliest", "destinations.key") names a model field."""
    current: type[BaseModel] | None = model
    for part in path.split("."):
        if current is None or part not in current.model_fields:
            return False
        current = _model_of(current.model_fields[part].annotation)
    return True


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class RuleRegistry:
    """Rules by code, in registration order. Register everything, then ``build()``."""

    def __init__(self) -> None:
        self._rules: list[BaseRule] = []
        # Where each rule came from ("" for this package and direct calls), for messages.
        self._origins: list[str] = []
        self._origin = ""
        # Entry points that failed to load or to register; build() reports them too.
        self._load_problems: list[str] = []
        self._built = False

    def register(self, rule: BaseRule) -> None:
        if self._built:
            spec = getattr(rule, "spec", None)
            raise RegistryError([f"{getattr(spec, 'code', rule)}: registry already built"])
        self._rules.append(rule)
        self._origins.append(self._origin)

    @contextmanager
    def _registering_from(self, origin: str) -> Iterator[None]:
        self._origin = origin
        try:
            yield
        finally:
            self._origin = ""

    def build(self) -> RuleRegistry:
        """Check every rule; raise one RegistryError listing all problems."""
        problems: list[str] = list(self._load_problems)
        codes: dict[str, str] = {}
        bases: dict[str, str] = {}
        checked: list[tuple[RuleSpec, str]] = []
        for rule, origin in zip(self._rules, self._origins, strict=True):
            prefix = f"{origin}: " if origin else ""
            problems.extend(prefix + problem for problem in self._problems(rule))
            spec = getattr(rule, "spec", None)
            if not isinstance(spec, RuleSpec):
                continue
            checked.append((spec, prefix))
            if spec.code in codes:
                problems.append(
                    f"{prefix}{spec.code}: code used by {codes[spec.code]} and {spec.name}"
                )
            codes.setdefault(spec.code, spec.name)
            base = spec.name.split(".")[0]
            if base in bases:
                problems.append(f"{prefix}{spec.name}: name also registered as {bases[base]}")
            bases.setdefault(base, spec.name)
        for spec, prefix in checked:
            for code in spec.suppresses:
                if code not in codes:
                    problems.append(f"{prefix}{spec.code}: suppresses unknown rule {code}")
        if problems:
            raise RegistryError(problems)
        self._built = True
        return self

    @staticmethod
    def _problems(rule: BaseRule) -> list[str]:
        spec: RuleSpec | None = getattr(rule, "spec", None)
        if not isinstance(spec, RuleSpec):
            return [f"{type(rule).__name__}: no RuleSpec"]
        where = spec.code if _CODE.match(spec.code) else repr(spec.code)
        problems: list[str] = []
        if not _CODE.match(spec.code):
            problems.append(f"{where}: code must look like C001")
        if not _NAME.match(spec.name):
            problems.append(f"{where}: name {spec.name!r} must be versioned like 'x_conflict.v1'")
        if spec.kind not in typing.get_args(FindingKind):
            problems.append(f"{where}: unknown kind {spec.kind!r}")
        if spec.severity not in typing.get_args(Severity):
            problems.append(f"{where}: unknown severity {spec.severity!r}")
        if not spec.reads:
            problems.append(f"{where}: declares no fields read")
        for path in spec.reads:
            if not field_path_exists(path):
                problems.append(f"{where}: reads {path!r}, which Claim does not have")
        if not spec.scopes or set(spec.scopes) - {"claim", "pair"}:
            problems.append(f"{where}: scopes must be 'claim' and/or 'pair'")
        hooks = {
            "pair": type(rule).check_pair is not BaseRule.check_pair,
            "claim": type(rule).check_claim is not BaseRule.check_claim,
        }
        for scope, implemented in hooks.items():
            if (scope in spec.scopes) != implemented:
                problems.append(f"{where}: scope {scope!r} and check_{scope} do not match")
        templates: list[tuple[str, MessageTemplates | None]] = []
        if "pair" in spec.scopes:
            templates.append(("messages", spec.messages))
        if "claim" in spec.scopes:
            templates.append(("claim_messages", spec.claim_messages))
        allowed = COMMON_PARAMS | set(spec.params)
        for label, messages in templates:
            if messages is None:
                problems.append(f"{where}: {label} missing")
                continue
            for lang, text in (("en", messages.en), ("ar", messages.ar)):
                if not text.strip():
                    problems.append(f"{where}: {label}.{lang} is empty")
                try:
                    unknown = _placeholders(text) - allowed
                except ValueError as exc:
                    problems.append(f"{where}: {label}.{lang} is not a valid template: {exc}")
                    continue
                if unknown:
                    problems.append(f"{where}: {label}.{lang} uses unknown {sorted(unknown)}")
            if not _ARABIC.search(messages.ar):
                problems.append(f"{where}: {label}.ar has no Arabic text")
        return problems

    def __iter__(self) -> Iterator[BaseRule]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def get(self, code_or_name: str) -> BaseRule:
        for rule in self._rules:
            if code_or_name in (rule.spec.code, rule.spec.name, rule.spec.name.split(".")[0]):
                return rule
        raise KeyError(code_or_name)

    @property
    def specs(self) -> list[RuleSpec]:
        return [rule.spec for rule in self._rules]

    def origin(self, code_or_name: str) -> str:
        """Where a rule came from: "" for this package, else its entry point and
        distribution."""
        rule = self.get(code_or_name)
        return next(o for r, o in zip(self._rules, self._origins, strict=True) if r is rule)

    def fingerprint(self) -> str:
        """Identifies the registered rules (versioned names and where they come from), so
        a store checked before an outside rule was installed, upgraded or removed is known
        to be stale."""
        digest = hashlib.sha256()
        for rule, origin in zip(self._rules, self._origins, strict=True):
            digest.update(f"{rule.spec.code} {rule.spec.name} {origin}\n".encode())
        return digest.hexdigest()[:12]


def _rule_modules() -> list[str]:
    """Names of this package's modules that may hold a rule (not the engine's own)."""
    from checker import rules  # local: this module is imported while the package loads

    return sorted(
        f"{rules.__name__}.{info.name}"
        for info in pkgutil.iter_modules(rules.__path__)
        if not info.ispkg and info.name not in _NOT_RULES and not info.name.startswith("_")
    )


def _code_of(rule: BaseRule) -> str:
    return str(getattr(getattr(rule, "spec", None), "code", ""))


def register_builtin_rules(registry: RuleRegistry) -> None:
    """Register the rules shipped with claimcheck, through the public door.

    Every module of ``checker.rules`` that defines ``register(registry)`` is a rule module;
    its rules are registered in order of their codes, whatever the module names.
    """
    found = RuleRegistry()
    for name in _rule_modules():
        register = getattr(importlib.import_module(name), "register", None)
        if callable(register):
            register(found)
    for rule in sorted(found, key=_code_of):
        registry.register(rule)


def describe_entry_point(entry_point: EntryPoint) -> str:
    """``entry point 'x = pkg.rules:register' of distribution 'pkg-rules 1.0'``."""
    dist = entry_point.dist
    where = f"entry point '{entry_point.name} = {entry_point.value}'"
    if dist is None:
        return f"{where} (group {entry_point.group})"
    return f"{where} of distribution '{dist.name} {dist.version}'"


def _register_function(target: object) -> Callable[[RuleRegistry], object] | str:
    """The ``register(registry)`` an entry point names, or why it names none."""
    if isinstance(target, types.ModuleType):
        target = getattr(target, "register", None)
        if target is None:
            return "its module has no register(registry) function"
    if isinstance(target, type) and issubclass(target, BaseRule):
        return "names a rule class; it must name a register(registry) function"
    if not callable(target):
        return f"names {type(target).__name__} {target!r}, not a register(registry) function"
    return typing.cast(Callable[[RuleRegistry], object], target)


def plugin_entry_points() -> list[EntryPoint]:
    """Installed entry points of group ``claimcheck.rules``, in a stable order."""
    found = entry_points(group=ENTRY_POINT_GROUP)
    return sorted(found, key=lambda ep: (ep.dist.name if ep.dist else "", ep.name, ep.value))


def register_plugin_rules(
    registry: RuleRegistry, entry_points: Iterable[EntryPoint] | None = None
) -> None:
    """Register the rules of other installed packages, through the same door.

    Each entry point of group ``claimcheck.rules`` names a ``register(registry)``
    function, or a module that has one. An entry point that cannot be loaded, names
    something else or fails while registering does not stop the others: ``build()``
    reports it with every other problem, naming the entry point and its distribution.
    """
    for entry_point in plugin_entry_points() if entry_points is None else entry_points:
        where = describe_entry_point(entry_point)
        try:
            target = entry_point.load()
        except Exception as exc:  # noqa: BLE001 - any failure of a plugin is reported
            registry._load_problems.append(
                f"{where}: cannot be loaded ({type(exc).__name__}: {exc})"
            )
            continue
        register = _register_function(target)
        if isinstance(register, str):
            registry._load_problems.append(f"{where}: {register}")
            continue
        with registry._registering_from(where):
            try:
                register(registry)
            except Exception as exc:  # noqa: BLE001
                registry._load_problems.append(
                    f"{where}: register failed ({type(exc).__name__}: {exc})"
                )


@lru_cache(maxsize=1)
def default_registry() -> RuleRegistry:
    """The built-in rules, then those of installed plugins; built and checked once."""
    registry = RuleRegistry()
    register_builtin_rules(registry)
    register_plugin_rules(registry)
    return registry.build()
