"""template.yaml is the single source of truth: it agrees with the code, and it declares what
the platform promises (auth, tables, protection)."""

from __future__ import annotations

import sys
from pathlib import Path

from template import Template

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))


def test_template_routes_handlers_and_openapi_agree_with_the_code():
    import check_template

    assert check_template.main() == 0


def test_the_api_uses_a_cognito_jwt_authorizer_by_default():
    api = Template().resources["HttpApi"]["Properties"]
    assert api["Auth"]["DefaultAuthorizer"] == "CognitoJwt"
    config = api["Auth"]["Authorizers"]["CognitoJwt"]["JwtConfiguration"]
    assert "Fn::Sub" in config["issuer"] and config["audience"] == [{"Ref": "UserPoolClient"}]
    assert api["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0
    assert "AccessLogSettings" in api and "CorsConfiguration" in api


def test_the_six_roles_are_user_pool_groups_and_unit_id_a_custom_attribute():
    tpl = Template()
    groups = {
        r["Properties"]["GroupName"] for r in tpl.of_type("AWS::Cognito::UserPoolGroup").values()
    }
    assert groups == {"admin", "city_leader", "unit_leader", "officer", "clerk", "inspector"}
    schema = tpl.resources["UserPool"]["Properties"]["Schema"]
    assert any(a["Name"] == "unit_id" for a in schema)


def test_every_table_is_encrypted_recoverable_and_protected_in_production():
    tpl = Template()
    for name, table in tpl.of_type("AWS::DynamoDB::Table").items():
        props = table["Properties"]
        assert props["SSESpecification"]["SSEEnabled"] is True, name
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], name
        assert props["DeletionProtectionEnabled"] == {"Fn::If": ["IsProd", True, False]}, name


def test_the_obligations_table_has_the_sparse_index_of_open_obligations_by_due_time():
    props = Template().resources["ObligationsTable"]["Properties"]
    index = next(i for i in props["GlobalSecondaryIndexes"] if i["IndexName"] == "OpenByDue")
    assert [k["AttributeName"] for k in index["KeySchema"]] == ["open_shard", "due_at"]


def test_functions_run_python313_on_arm64_with_tracing_and_the_layer():
    tpl = Template()
    glob = tpl.doc["Globals"]["Function"]
    assert glob["Runtime"] == "python3.13" and glob["Architectures"] == ["arm64"]
    assert glob["Tracing"] == "Active" and glob["Layers"] == [{"Ref": "CityOpsLayer"}]
    layer = tpl.resources["CityOpsLayer"]
    assert layer["Metadata"]["BuildMethod"] == "makefile"
    for name, fn in tpl.of_type("AWS::Serverless::Function").items():
        assert fn["Metadata"]["BuildMethod"] == "makefile", name
