"""The botocore the layer ships is slimmed (`layers/cityops/botocore_slim.py`): only the
services the code makes clients for, their models without documentation, `endpoints.json`
only for them. A client made from the slimmed data must send what one made from botocore's
own data sends, in every partition, and a service the code names must never be left out."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import botocore
import botocore_slim
import pytest
from botocore.loaders import Loader
from botocore.session import Session

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(botocore.__file__).parent / "data"
REGIONS = ("ap-southeast-1", "us-east-1", "eu-central-1", "cn-north-1", "us-gov-west-1")
# one operation each, with what the code sends; the request is stopped before it is sent
REQUESTS = {
    "dynamodb": ("get_item", {"TableName": "t", "Key": {"pk": {"S": "a"}, "sk": {"S": "b"}}}),
    "events": ("put_events", {"Entries": [{"Source": "s", "DetailType": "d", "Detail": "{}"}]}),
    "kms": ("encrypt", {"KeyId": "alias/k", "Plaintext": b"x"}),
    "s3": ("get_object", {"Bucket": "cityops-files", "Key": "a/b.pdf"}),
    "secretsmanager": ("get_secret_value", {"SecretId": "cursor"}),
    "ses": (
        "send_email",
        {
            "Source": "a@b.vn",
            "Destination": {"ToAddresses": ["c@d.vn"]},
            "Message": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}},
        },
    ),
    "sns": ("publish", {"PhoneNumber": "+84901234567", "Message": "m"}),
    "sts": ("get_caller_identity", {}),
}


class Stopped(Exception):
    pass


@pytest.fixture(scope="module")
def slim_data(tmp_path_factory) -> Path:
    botocore_copy = tmp_path_factory.mktemp("layer") / "botocore"
    shutil.copytree(DATA, botocore_copy / "data")
    botocore_slim.slim(botocore_copy)
    return botocore_copy / "data"


def _sent(data: Path | None, service: str, region: str, monkeypatch) -> dict:
    """What a client made from `data` (botocore's own when None) would send, and where."""
    for name in ("AWS_ENDPOINT_URL", f"AWS_ENDPOINT_URL_{service.upper()}", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    session = Session()
    if data is not None:
        session.register_component(
            "data_loader",
            Loader(extra_search_paths=[str(data)], include_default_search_paths=False),
        )
    client = session.create_client(
        service, region_name=region, aws_access_key_id="a", aws_secret_access_key="b"
    )
    seen: dict = {
        "meta": (client.meta.region_name, client.meta.partition, client.meta.endpoint_url),
        "regions": session.get_available_regions(service, client.meta.partition),
    }

    def stop(request, **_):
        seen["url"] = request.url
        seen["body"] = request.body
        authorization = request.headers.get("Authorization", b"")
        scope = re.search(rb"Credential=a/\d+/([^,]+),", authorization)
        seen["scope"] = scope and scope.group(1).decode()
        seen["target"] = request.headers.get("X-Amz-Target")
        raise Stopped

    client.meta.events.register("before-send", stop)
    operation, params = REQUESTS[service]
    with pytest.raises(Stopped):
        getattr(client, operation)(**params)
    return seen


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("service", sorted(botocore_slim.SERVICES))
def test_a_client_from_the_slimmed_data_sends_what_botocores_own_would_send(
    slim_data, service, region, monkeypatch
):
    slimmed = _sent(slim_data, service, region, monkeypatch)
    assert slimmed == _sent(None, service, region, monkeypatch)
    assert slimmed["url"].startswith("https://") and slimmed["scope"].endswith("/aws4_request")


def test_every_service_the_code_makes_a_client_for_is_kept_and_no_other():
    named = set()
    for path in [*(ROOT / "layers/cityops/cityops").rglob("*.py"), *ROOT.glob("functions/*/*.py")]:
        source = path.read_text(encoding="utf-8")
        named |= set(re.findall(r"\bclient\(\s*\"([a-z0-9-]+)\"", source))
        calls = re.findall(r"\bclient\(\s*([^)\s,]*)", source)
        dynamic = [c for c in calls if c and not c.startswith('"') and c != "service: str"]
        assert not dynamic or path.name == "aws.py", f"{path}: a client named at run time"
    named.add("dynamodb")  # Powertools' idempotency store
    assert named == botocore_slim.SERVICES - {"sts"}


def test_a_slimmed_model_is_botocores_own_without_its_documentation(slim_data):
    for service in sorted(botocore_slim.SERVICES):
        for version in (DATA / service).iterdir():
            original = version / "service-2.json.gz"
            if not original.exists():
                continue
            full = botocore_slim._read(original)
            slimmed = botocore_slim._read(slim_data / service / version.name / "service-2.json")
            assert slimmed == botocore_slim.without_documentation(full)
            assert slimmed != full  # there was documentation, and it is gone
    assert sorted(p.name for p in slim_data.iterdir() if p.is_dir()) == sorted(
        botocore_slim.SERVICES
    )
    assert not list(slim_data.rglob("examples-*")) and not list(slim_data.rglob("*.gz"))


def test_a_directory_that_is_not_botocore_is_refused_and_left_as_it_was(tmp_path):
    (tmp_path / "data" / "kms").mkdir(parents=True)
    (tmp_path / "data" / "kms" / "note.txt").write_text("x")
    with pytest.raises(SystemExit, match="not a botocore package"):
        botocore_slim.slim(tmp_path)
    assert (tmp_path / "data" / "kms" / "note.txt").read_text() == "x"
