"""Creating, in moto, the resources that template.yaml declares (names are the logical ids)."""

from __future__ import annotations

import secrets
from typing import Any

import boto3
from template import Template

# Auth flows the local stack adds so that /local/token can sign a user in with a password.
LOCAL_AUTH_FLOWS = ["ALLOW_ADMIN_USER_PASSWORD_AUTH"]


def create_all(tpl: Template, *, skip: tuple[str, ...] = ()) -> None:
    """Create every supported resource (but the types in `skip`); record what Ref and GetAtt
    give for each."""
    order = [
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolClient",
        "AWS::Cognito::UserPoolGroup",
        "AWS::DynamoDB::Table",
        "AWS::Events::EventBus",
        "AWS::SecretsManager::Secret",
        "AWS::S3::Bucket",
        "AWS::SQS::Queue",
        "AWS::SNS::Topic",
        "AWS::KMS::Key",
    ]
    for kind in order:
        if kind in skip:
            continue
        for name, res in tpl.of_type(kind).items():
            _CREATORS[kind](tpl, name, tpl.resolve(res.get("Properties", {})))
    for name in tpl.of_type("AWS::Serverless::HttpApi"):
        tpl.refs[name] = "local"


def _user_pool(tpl: Template, name: str, props: dict[str, Any]) -> None:
    cognito = boto3.client("cognito-idp")
    schema = [
        {k: v for k, v in attr.items() if k != "Required" or not v}
        for attr in props.get("Schema", [])
    ]
    pool = cognito.create_user_pool(
        PoolName=props.get("UserPoolName", name),
        Schema=schema,
        Policies=props.get("Policies", {}),
        UsernameConfiguration=props.get("UsernameConfiguration", {"CaseSensitive": False}),
    )["UserPool"]
    tpl.refs[name] = pool["Id"]
    tpl.atts[(name, "Arn")] = pool["Arn"]


def _user_pool_client(tpl: Template, name: str, props: dict[str, Any]) -> None:
    client = boto3.client("cognito-idp").create_user_pool_client(
        UserPoolId=props["UserPoolId"],
        ClientName=props.get("ClientName", name),
        GenerateSecret=False,
        ExplicitAuthFlows=[*props.get("ExplicitAuthFlows", []), *LOCAL_AUTH_FLOWS],
        ReadAttributes=props.get("ReadAttributes", []),
    )["UserPoolClient"]
    tpl.refs[name] = client["ClientId"]


def _group(tpl: Template, name: str, props: dict[str, Any]) -> None:
    boto3.client("cognito-idp").create_group(
        UserPoolId=props["UserPoolId"],
        GroupName=props["GroupName"],
        Description=props.get("Description", ""),
    )
    tpl.refs[name] = props["GroupName"]


def _table(tpl: Template, name: str, props: dict[str, Any]) -> None:
    params: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if props.get("GlobalSecondaryIndexes"):
        params["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    dynamodb = boto3.client("dynamodb")
    table = dynamodb.create_table(**params)["TableDescription"]
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    tpl.refs[name] = name
    tpl.atts[(name, "Arn")] = table["TableArn"]


def _bus(tpl: Template, name: str, props: dict[str, Any]) -> None:
    bus = boto3.client("events").create_event_bus(Name=props["Name"])
    tpl.refs[name] = props["Name"]
    tpl.atts[(name, "Arn")] = bus["EventBusArn"]


def _secret(tpl: Template, name: str, props: dict[str, Any]) -> None:
    secret = boto3.client("secretsmanager").create_secret(
        Name=f"cityops-local-{name}", SecretString=secrets.token_urlsafe(36)
    )
    tpl.refs[name] = secret["ARN"]


def _bucket(tpl: Template, name: str, props: dict[str, Any]) -> None:
    """The bucket with what the template gives it that moto keeps: versioning, Object Lock
    (for legal holds) and S3's events to EventBridge (which the rules on the default bus
    then deliver, as on AWS)."""
    bucket = name.lower()
    s3 = boto3.client("s3")
    s3.create_bucket(
        Bucket=bucket,
        CreateBucketConfiguration={"LocationConstraint": boto3.session.Session().region_name},
        ObjectLockEnabledForBucket=bool(props.get("ObjectLockEnabled")),
    )
    if (props.get("VersioningConfiguration") or {}).get("Status") == "Enabled":
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    notify = props.get("NotificationConfiguration") or {}
    if (notify.get("EventBridgeConfiguration") or {}).get("EventBridgeEnabled"):
        s3.put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}}
        )
    tpl.refs[name] = bucket
    tpl.atts[(name, "Arn")] = f"arn:aws:s3:::{bucket}"


def _queue(tpl: Template, name: str, props: dict[str, Any]) -> None:
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    tpl.refs[name] = url
    tpl.atts[(name, "Arn")] = arn["QueueArn"]
    tpl.atts[(name, "QueueName")] = name


def _topic(tpl: Template, name: str, props: dict[str, Any]) -> None:
    arn = boto3.client("sns").create_topic(Name=name)["TopicArn"]
    tpl.refs[name] = arn
    tpl.atts[(name, "TopicName")] = name


def _key(tpl: Template, name: str, props: dict[str, Any]) -> None:
    key = boto3.client("kms").create_key(Description=props.get("Description", name))
    tpl.refs[name] = key["KeyMetadata"]["KeyId"]
    tpl.atts[(name, "Arn")] = key["KeyMetadata"]["Arn"]


_CREATORS = {
    "AWS::Cognito::UserPool": _user_pool,
    "AWS::Cognito::UserPoolClient": _user_pool_client,
    "AWS::Cognito::UserPoolGroup": _group,
    "AWS::DynamoDB::Table": _table,
    "AWS::Events::EventBus": _bus,
    "AWS::SecretsManager::Secret": _secret,
    "AWS::S3::Bucket": _bucket,
    "AWS::SQS::Queue": _queue,
    "AWS::SNS::Topic": _topic,
    "AWS::KMS::Key": _key,
}
