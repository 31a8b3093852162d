"""The descriptor reader: bytes taken from a ``*_pb2.py`` source without running it."""

from __future__ import annotations

from google.protobuf import descriptor_pb2

from codegen.pb2_reader import file_descriptor, serialized_files
from codegen.server_rules import rules_from_source


def _file(name: str, message: str) -> bytes:
    proto = descriptor_pb2.FileDescriptorProto(name=name, package="demo")
    proto.message_type.add(name=message).field.add(
        name="key", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING
    )
    blob: bytes = proto.SerializeToString()
    return blob


def test_current_protoc_output_gives_the_file_it_embeds() -> None:
    blob = _file("demo.proto", "Thing")
    source = (
        "from google.protobuf import descriptor_pool as _descriptor_pool\n"
        f"DESCRIPTOR = _descriptor_pool.Default().AddSerializedFile({blob!r})\n"
    )
    proto = file_descriptor(source, "demo_pb2.py")
    assert proto is not None
    assert proto.name == "demo.proto"
    assert [m.name for m in proto.message_type] == ["Thing"]


def test_older_protoc_output_with_serialized_pb_is_read_too() -> None:
    blob = _file("old.proto", "Legacy")
    source = (
        "DESCRIPTOR = _descriptor.FileDescriptor(\n"
        "  name='old.proto', package='demo', syntax='proto2',\n"
        f"  serialized_pb={blob!r}\n)\n"
    )
    proto = file_descriptor(source, "old_pb2.py")
    assert proto is not None and proto.message_type[0].name == "Legacy"


def test_of_the_two_protobuf_branches_mlflow_ships_the_first_is_taken() -> None:
    first, second = _file("a.proto", "First"), _file("a.proto", "Second")
    source = (
        "if Version(google.protobuf.__version__).major >= 5:\n"
        f"  DESCRIPTOR = _descriptor_pool.Default().AddSerializedFile({first!r})\n"
        "else:\n"
        f"  DESCRIPTOR = _descriptor_pool.Default().AddSerializedFile({second!r})\n"
    )
    assert serialized_files(source) == [first, second]
    proto = file_descriptor(source, "a_pb2.py")
    assert proto is not None and proto.message_type[0].name == "First"


def test_a_literal_split_over_lines_is_joined_as_python_would() -> None:
    blob = _file("long.proto", "Long")
    head, tail = blob[:10], blob[10:]
    source = f"DESCRIPTOR = pool.AddSerializedFile(\n    {head!r}\n    {tail!r}\n)\n"
    assert serialized_files(source) == [blob]


def test_a_module_without_a_descriptor_gives_none() -> None:
    assert file_descriptor("import grpc\n\nclass StubService:\n    pass\n", "x_grpc.py") is None


def test_server_rules_read_the_prefix_rule_and_the_handlers_table() -> None:
    source = (
        "from mlflow.protos.service_pb2 import CreateRun, GetRun\n"
        "from mlflow.protos.mlflow_artifacts_pb2 import ListArtifacts as ListProxied\n"
        "HANDLERS = {CreateRun: _create_run, ListProxied: _list}\n"
        "def get_service_endpoints(service, get_handler):\n"
        "    return _get_paths(endpoint.path, version=endpoint.since.major)\n"
    )
    rules = rules_from_source(source)
    assert rules.versioned_prefix and rules.prefix_major(3) == 3
    assert rules.handles("service.proto", "CreateRun")
    assert not rules.handles("service.proto", "GetRun")  # imported, but routed nowhere
    assert rules.handles("mlflow_artifacts.proto", "ListArtifacts")  # through its alias
    old = rules_from_source("HANDLERS = {}\ndef _get_paths(base_path): ...\n")
    assert not old.versioned_prefix and old.prefix_major(3) == 2
