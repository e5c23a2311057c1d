"""Upload the built console (web/dist) to its bucket after `sam deploy`, with the config.json
the console reads at start (the API's address and Cognito's hosted UI), then invalidate the
distribution. Reads everything from the stack's outputs: `python tools/deploy_console.py STACK`."""

from __future__ import annotations

import json
import mimetypes
import sys
import time
from pathlib import Path

import boto3

DIST = Path(__file__).resolve().parents[1] / "web" / "dist"
TYPES = {
    ".js": "text/javascript",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
}


def config_of(outputs: dict[str, str]) -> dict:
    console = outputs["ConsoleUrl"].rstrip("/")
    return {
        "auth": "cognito",
        "api_base_url": outputs["ApiUrl"].rstrip("/"),
        "cognito": {
            "domain": outputs["CognitoDomain"],
            "client_id": outputs["UserPoolClientId"],
            "redirect_uri": f"{console}/auth/callback",
            "logout_uri": f"{console}/",
            "scopes": "openid email profile",
        },
    }


def main(stack: str) -> None:
    if not (DIST / "index.html").is_file():
        raise SystemExit("web/dist is not built: make console")
    cfn, s3 = boto3.client("cloudformation"), boto3.client("s3")
    described = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described["Outputs"]}
    bucket = outputs["ConsoleBucketName"]
    for path in sorted(p for p in DIST.rglob("*") if p.is_file()):
        key = path.relative_to(DIST).as_posix()
        if key == "config.json":
            continue
        kind = (
            TYPES.get(path.suffix)
            or mimetypes.guess_type(path.name)[0]
            or "application/octet-stream"
        )
        cache = "public, max-age=31536000, immutable" if key.startswith("assets/") else "no-cache"
        s3.upload_file(
            str(path), bucket, key, ExtraArgs={"ContentType": kind, "CacheControl": cache}
        )
    s3.put_object(
        Bucket=bucket,
        Key="config.json",
        Body=json.dumps(config_of(outputs)).encode(),
        ContentType="application/json",
        CacheControl="no-cache",
    )
    boto3.client("cloudfront").create_invalidation(
        DistributionId=outputs["ConsoleDistributionId"],
        InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/*"]},
            "CallerReference": str(time.time()),
        },
    )
    print(f"console: {outputs['ConsoleUrl']}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "cityops-dev")
