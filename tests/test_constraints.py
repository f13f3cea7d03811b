"""Every named database constraint is installed and broken on purpose by some test.

The emails' constraints are proven here; the articles', authors' and comments' in each app's
``test_constraints.py``, and a few in other modules (``PROVEN_ELSEWHERE``). A constraint added
to a model without a test that forces the database against it fails this module.
"""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from symptomdb.background import queue_email
from symptomdb.models import OutgoingEmail
from tests.constraints import refused_by, rule

TESTS = Path(__file__).resolve().parent

# Constraints whose only proof is a test in another module: "path::test" under tests/.
PROVEN_ELSEWHERE = {
    "article_status_valid": (
        "articles/test_workflow.py::test_status_and_event_values_are_checked_by_the_database"
    ),
    "article_event_action_valid": (
        "articles/test_workflow.py::test_status_and_event_values_are_checked_by_the_database"
    ),
    "version_has_change_note": (
        "articles/test_workflow.py::test_status_and_event_values_are_checked_by_the_database"
    ),
    "version_live_until_after_live_from": (
        "articles/test_workflow.py::test_status_and_event_values_are_checked_by_the_database"
    ),
    "version_reviewer_is_not_author": (
        "articles/test_workflow.py::test_a_published_version_always_has_a_sign_off_in_the_database"
    ),
    "reference_url_is_web_link": (
        "articles/test_references.py::test_a_reference_url_must_be_a_web_link"
    ),
    "comment_once_per_commenter": (
        "comments/test_trust.py::test_the_database_refuses_the_same_words_twice_from_one_commenter"
    ),
    "rating_score_1_to_5": (
        "authors/test_ratings.py::test_the_database_refuses_a_score_outside_1_to_5"
    ),
    "rating_one_per_token_and_author": (
        "authors/test_ratings.py::test_the_database_refuses_a_second_rating_by_the_same_reader"
    ),
}


def project_constraints():
    """{constraint name: model} for the constraints of the project's own models."""
    return {
        constraint.name: model
        for model in apps.get_models()
        if Path(model._meta.app_config.path).is_relative_to(settings.BASE_DIR)
        and "site-packages" not in Path(model._meta.app_config.path).parts
        for constraint in model._meta.constraints
    }


def function_source(path, name):
    """The source of the function ``name`` defined in the file at ``path``, or None."""
    text = path.read_text()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.get_source_segment(text, node)
    return None


@pytest.mark.parametrize(
    ("constraint", "change"),
    [
        rule("outgoing_email_status_valid", {"status": "bounced"}),
        rule("outgoing_email_sent_has_time", {"status": OutgoingEmail.Status.SENT}),
    ],
)
def test_an_email_has_a_known_status_and_a_sent_one_its_time(db, constraint, change):
    email = queue_email("constraints:1", "Subject", "Body.", ["reader@example.com"])
    with refused_by(constraint):
        OutgoingEmail.objects.filter(pk=email.pk).update(**change)


def test_the_constraints_searched_are_those_of_the_projects_apps():
    searched = {model._meta.app_label for model in project_constraints().values()}
    assert searched == {"symptomdb", "articles", "authors", "comments"}


def test_every_named_constraint_is_broken_on_purpose_by_some_test():
    texts = [path.read_text() for path in TESTS.rglob("test_*.py")]
    untested = [
        name
        for name in project_constraints()
        if not any(re.search(rf"\b{name}\b", text) for text in texts)
    ]
    assert not untested, f"No test forces the database against {untested}"


@pytest.mark.parametrize(("constraint", "test"), PROVEN_ELSEWHERE.items(), ids=PROVEN_ELSEWHERE)
def test_a_constraint_proven_elsewhere_is_a_constraint_with_that_test(constraint, test):
    path, name = test.split("::")
    source = function_source(TESTS / path, name)
    assert constraint in project_constraints()
    assert source is not None, f"{test} is gone"
    assert "IntegrityError" in source


def test_every_named_constraint_is_installed_in_the_database(db):
    with connection.cursor() as cursor:
        installed = {
            name
            for table in {model._meta.db_table for model in project_constraints().values()}
            for name in connection.introspection.get_constraints(cursor, table)
        }
    assert set(project_constraints()) - installed == set()
