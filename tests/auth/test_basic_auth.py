"""Basic auth against a real ``mlflow server --app-name basic-auth``, on all three transports.

The server's default permission is READ: a user manages what it creates, may read what others
made, and may change nothing else unless granted.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable

import pytest

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.errors import PermissionDenied, Unauthenticated
from mlflow_rest_sdk.models import Permission

from .conftest import User

pytestmark = [pytest.mark.live, pytest.mark.xdist_group("basic-auth-server")]

NewUser = Callable[[], User]
Login = Callable[[User], MlflowClient]


def test_admin_creates_a_user_through_the_sdk(
    admin: MlflowClient, unique_name: Callable[[str], str]
) -> None:
    name = unique_name("user")
    created = admin.create_user(username=name, password="a-long-enough-password")
    assert created.user is not None
    assert (created.user.username, created.user.is_admin) == (name, False)
    fetched = admin.get_user(username=name).user
    assert fetched is not None and fetched.username == name


def test_a_created_user_logs_in_with_its_own_password(new_user: NewUser, login: Login) -> None:
    user = new_user()
    current = login(user).get_current_user().user
    assert current is not None
    assert (current.username, current.is_admin) == (user.username, False)


def test_a_user_works_on_the_experiment_it_created(
    new_user: NewUser, login: Login, admin: MlflowClient, unique_name: Callable[[str], str]
) -> None:
    user = new_user()
    client = login(user)
    experiment_id = client.create_experiment(name=unique_name("own")).experiment_id
    assert experiment_id is not None
    run = client.create_run(experiment_id=experiment_id).run
    assert run is not None and run.info is not None and run.info.run_id is not None
    client.log_metric(run_id=run.info.run_id, key="rmse", value=0.5, timestamp=1, step=0)
    client.set_tag(run_id=run.info.run_id, key="station", value="s-1")
    fetched = client.get_run(run_id=run.info.run_id).run
    assert fetched is not None and fetched.data is not None
    assert [(m.key, m.value) for m in fetched.data.metrics or []] == [("rmse", 0.5)]
    grant = admin.get_user_permission(
        username=user.username, resource_type="experiment", resource_id=experiment_id
    )
    assert grant.permission == Permission.MANAGE


def test_a_user_may_read_but_not_change_another_users_experiment(
    new_user: NewUser, login: Login, unique_name: Callable[[str], str]
) -> None:
    owner, other = login(new_user()), login(new_user())
    experiment_id = owner.create_experiment(name=unique_name("owned")).experiment_id
    assert experiment_id is not None
    seen = other.get_experiment(experiment_id=experiment_id).experiment
    assert seen is not None and seen.experiment_id == experiment_id
    with pytest.raises(PermissionDenied) as refused_run:
        other.create_run(experiment_id=experiment_id)
    with pytest.raises(PermissionDenied):
        other.update_experiment(experiment_id=experiment_id, new_name=unique_name("taken"))
    assert refused_run.value.status_code == 403


def test_a_user_denied_on_an_experiment_cannot_even_read_it(
    new_user: NewUser, login: Login, admin: MlflowClient, unique_name: Callable[[str], str]
) -> None:
    owner_user, other_user = new_user(), new_user()
    experiment_id = login(owner_user).create_experiment(name=unique_name("private")).experiment_id
    assert experiment_id is not None
    admin.grant_user_permission(
        username=other_user.username,
        resource_type="experiment",
        resource_id=experiment_id,
        permission=Permission.DENY,
    )
    with pytest.raises(PermissionDenied):
        login(other_user).get_experiment(experiment_id=experiment_id)


def test_a_user_who_is_not_admin_cannot_create_users(
    new_user: NewUser, login: Login, unique_name: Callable[[str], str]
) -> None:
    client = login(new_user())
    with pytest.raises(PermissionDenied):
        client.create_user(username=unique_name("sneaky"), password="a-long-enough-password")


def test_a_wrong_password_is_unauthenticated_and_the_error_says_so_without_the_password(
    new_user: NewUser, connect: Callable[..., MlflowClient]
) -> None:
    user = new_user()
    wrong_password = f"{user.password}-but-wrong"
    client = connect(username=user.username, password=wrong_password)
    with pytest.raises(Unauthenticated) as caught:
        client.get_current_user()
    error = caught.value
    assert error.status_code == 401
    assert "401" in str(error) and "credentials" in str(error)
    shown = "".join([str(error), repr(error), *traceback.format_exception(error)])
    assert wrong_password not in shown and user.password not in shown


def test_an_unknown_user_is_unauthenticated(
    connect: Callable[..., MlflowClient], unique_name: Callable[[str], str]
) -> None:
    client = connect(username=unique_name("nobody"), password="a-long-enough-password")
    with pytest.raises(Unauthenticated):
        client.search_experiments(max_results=1)


def test_a_request_without_credentials_is_unauthenticated(
    connect: Callable[..., MlflowClient],
) -> None:
    with pytest.raises(Unauthenticated):
        connect().search_experiments(max_results=1)
