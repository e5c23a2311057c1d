"""Run the SAM transform on template.yaml offline (no AWS account), as CloudFormation would,
and check what it produces: every HttpApi route becomes an API Gateway route with the JWT
authorizer unless it is declared public. Runs in the tools environment (.venv-tools), where
aws-sam-translator lives with the boto3 it pins."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from samtranslator.public.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parents[1]


class OfflinePolicies:
    """The managed policies SAM may look up, without asking IAM."""

    def load(self) -> dict[str, str]:
        return {}


def main() -> int:
    template = yaml_parse((ROOT / "template.yaml").read_text())
    for name, resource in template["Resources"].items():  # as `sam package` would upload them
        props = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(props.get(key), str) and not props[key].startswith("s3://"):
                if not (ROOT / props[key]).is_dir():
                    print(f"{name}: {key} {props[key]} does not exist", file=sys.stderr)
                    return 1
                props[key] = f"s3://packaged/{name}.zip"
    os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-1")  # no AWS call is made
    try:
        output = transform(template, {}, OfflinePolicies())
    except InvalidDocumentException as exc:
        for cause in exc.causes:
            print(f"SAM transform: {cause.message}", file=sys.stderr)
        return 1
    resources = output["Resources"]
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::ApiGatewayV2::Route"
    }
    functions = [k for k, r in resources.items() if r["Type"] == "AWS::Lambda::Function"]
    if not routes:
        # SAM emits routes in the API's OpenAPI body, not as separate resources.
        api = next(r for r in resources.values() if r["Type"] == "AWS::ApiGatewayV2::Api")
        paths = api["Properties"]["Body"]["paths"]
        count = sum(len(methods) for methods in paths.values())
        unauthenticated = sorted(
            f"{method.upper()} {path}"
            for path, methods in paths.items()
            for method, op in methods.items()
            if op.get("security") == [{"NONE": []}] or op.get("security") == []
        )
        print(
            f"SAM transform ok: {len(functions)} functions, {count} routes; "
            f"without the JWT authorizer: {', '.join(unauthenticated) or 'none'}"
        )
        return 0
    print(f"SAM transform ok: {len(functions)} functions, {len(routes)} routes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
