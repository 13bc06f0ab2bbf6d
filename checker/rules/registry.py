"""The one rule registry: built-in and outside rules come in through ``register``.

``RuleRegistry.build()`` checks every registered rule at once and reports all problems
together: versioned names, unique codes, known kinds and severities, message templates in
both languages using only known placeholders, and the Claim fields each rule declares it
reads (a rule reading a field Claim does not have fails here, not in a batch run).
"""

from __future__ import annotations

import re
import string
import types
import typing
from collections.abc import Iterator
from functools import lru_cache

from pydantic import BaseModel

from checker.rules.base import COMMON_PARAMS, BaseRule, MessageTemplates, RuleSpec
from claims.model import Claim, FindingKind, Severity

_NAME = re.compile(r"^[a-z][a-z0-9_]*\.v[1-9]\d*$")
_CODE = re.compile(r"^C\d{3}$")
_ARABIC = re.compile(r"[\u0600-\u06FF]")


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
        self._built = False

    def register(self, rule: BaseRule) -> None:
        if self._built:
            raise RegistryError([f"{rule.spec.code}: registry already built"])
        self._rules.append(rule)

    def build(self) -> RuleRegistry:
        """Check every rule; raise one RegistryError listing all problems."""
        problems: list[str] = []
        codes: dict[str, str] = {}
        bases: dict[str, str] = {}
        for rule in self._rules:
            problems.extend(self._problems(rule))
            spec = rule.spec
            if spec.code in codes:
                problems.append(f"{spec.code}: code used by {codes[spec.code]} and {spec.name}")
            codes.setdefault(spec.code, spec.name)
            base = spec.name.split(".")[0]
            if base in bases:
                problems.append(f"{spec.name}: name also registered as {bases[base]}")
            bases.setdefault(base, spec.name)
        for rule in self._rules:
            for code in rule.spec.suppresses:
                if code not in codes:
                    problems.append(f"{rule.spec.code}: suppresses unknown rule {code}")
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


def register_builtin_rules(registry: RuleRegistry) -> None:
    """Register the rules shipped with claimcheck, through the public door."""
    from checker.rules import (  # local: keeps importing the registry free of rule modules
        count_conflict,
        date_conflict,
        denial_conflict,
        destination_conflict,
        plan_change,
        presence_conflict,
        timeline_conflict,
        weekday_conflict,
    )

    for module in (
        date_conflict,
        weekday_conflict,
        count_conflict,
        timeline_conflict,
        presence_conflict,
        destination_conflict,
        denial_conflict,
        plan_change,
    ):
        module.register(registry)


@lru_cache(maxsize=1)
def default_registry() -> RuleRegistry:
    """The built-in rules, built and checked once."""
    registry = RuleRegistry()
    register_builtin_rules(registry)
    return registry.build()
