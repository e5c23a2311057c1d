"""Reading template.yaml for the local stack: the one source of truth for what exists.

Loads the template with its CloudFormation tags, resolves the intrinsic functions the local
stack needs (Ref, GetAtt, Sub, If, Equals, Join, Select) against the local resources, and
lists the functions, their HTTP routes, schedules and event rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


class _Loader(yaml.SafeLoader):
    pass


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_Loader.add_multi_constructor("!", _tag)


def load(path: Path = TEMPLATE) -> dict[str, Any]:
    return yaml.load(path.read_text(), Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)


@dataclass
class Route:
    method: str
    path: str
    function: str  # logical id
    public: bool  # Auth: {Authorizer: NONE}
    pattern: re.Pattern[str] = field(init=False)
    params: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.params = re.findall(r"{([^}+]+)\+?}", self.path)
        regex = re.sub(r"{[^}]+\+}", r"(.+)", self.path)
        regex = re.sub(r"{[^}]+}", r"([^/]+)", regex)
        self.pattern = re.compile(f"^{regex}$")

    @property
    def specificity(self) -> tuple[int, int]:
        return (len(self.params), -len(self.path))


@dataclass
class Function:
    logical_id: str
    code_dir: Path
    handler: str
    environment: dict[str, Any]
    timeout: int
    events: dict[str, Any]


@dataclass
class Schedule:
    function: str
    name: str
    expression: str
    timezone: str
    input: str | None


@dataclass
class Rule:
    function: str
    name: str
    bus: Any
    pattern: dict[str, Any]


class Template:
    def __init__(self, doc: dict[str, Any] | None = None):
        self.doc = doc or load()
        self.resources: dict[str, dict[str, Any]] = self.doc["Resources"]
        self.parameters = {k: v.get("Default") for k, v in self.doc.get("Parameters", {}).items()}
        self.refs: dict[str, Any] = {}  # logical id -> the local value of Ref
        self.atts: dict[tuple[str, str], Any] = {}

    def of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.resources.items() if v["Type"] == kind}

    # --- intrinsic functions -------------------------------------------------------------
    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self._ref(arg)
            if key == "Fn::GetAtt":
                return self.atts.get((arg[0], arg[1]), f"arn:local:{arg[0]}")
            if key == "Fn::Sub":
                return self._sub(arg)
            if key == "Fn::If":
                cond, yes, no = arg
                return self.resolve(yes if self.condition(cond) else no)
            if key == "Fn::Equals":
                return self.resolve(arg[0]) == self.resolve(arg[1])
            if key == "Fn::Join":
                return arg[0].join(str(self.resolve(v)) for v in arg[1])
            if key == "Fn::Select":
                return self.resolve(arg[1])[int(arg[0])]
        return {k: self.resolve(v) for k, v in value.items()}

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.doc.get("Conditions", {})[name]))

    def _ref(self, name: str) -> Any:
        pseudo = {
            "AWS::Region": self.parameters.get("AWS::Region", "ap-southeast-1"),
            "AWS::AccountId": "123456789012",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": "cityops-local",
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        return self.refs.get(name, name)

    def _sub(self, arg: Any) -> str:
        text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in extra:
                return str(self.resolve(extra[name]))
            if "." in name:
                res, att = name.split(".", 1)
                return str(self.atts.get((res, att), name))
            return str(self._ref(name))

        return re.sub(r"\${([^}!]+)}", one, text)

    # --- what the local stack serves ------------------------------------------------------
    def functions(self) -> dict[str, Function]:
        glob = self.doc.get("Globals", {}).get("Function", {})
        out = {}
        for name, res in self.of_type("AWS::Serverless::Function").items():
            props = res["Properties"]
            env = dict(glob.get("Environment", {}).get("Variables", {}))
            env.update(props.get("Environment", {}).get("Variables", {}))
            out[name] = Function(
                logical_id=name,
                code_dir=ROOT / props["CodeUri"],
                handler=props["Handler"],
                environment={k: str(self.resolve(v)) for k, v in env.items()},
                timeout=int(props.get("Timeout", glob.get("Timeout", 3))),
                events=props.get("Events", {}),
            )
        return out

    def routes(self) -> list[Route]:
        routes = []
        for fn in self.functions().values():
            for event in fn.events.values():
                if event["Type"] != "HttpApi":
                    continue
                props = event["Properties"]
                auth = props.get("Auth", {}).get("Authorizer")
                routes.append(
                    Route(props["Method"].upper(), props["Path"], fn.logical_id, auth == "NONE")
                )
        return sorted(routes, key=lambda r: r.specificity)

    def schedules(self) -> list[Schedule]:
        out = []
        for fn in self.functions().values():
            for name, event in fn.events.items():
                if event["Type"] in ("Schedule", "ScheduleV2"):
                    props = event["Properties"]
                    out.append(
                        Schedule(
                            fn.logical_id,
                            name,
                            props["ScheduleExpression"],
                            props.get("ScheduleExpressionTimezone", "UTC"),
                            props.get("Input"),
                        )
                    )
        return out

    def rules(self) -> list[Rule]:
        out = []
        for fn in self.functions().values():
            for name, event in fn.events.items():
                if event["Type"] in ("EventBridgeRule", "CloudWatchEvent"):
                    props = event["Properties"]
                    out.append(
                        Rule(fn.logical_id, name, props.get("EventBusName"), props["Pattern"])
                    )
        return out

    def authorizer(self) -> dict[str, Any]:
        """The HTTP API's JWT authorizer configuration (issuer and audience), resolved."""
        api = next(iter(self.of_type("AWS::Serverless::HttpApi").values()))
        auth = api["Properties"]["Auth"]
        config = auth["Authorizers"][auth["DefaultAuthorizer"]]["JwtConfiguration"]
        return self.resolve(config)
