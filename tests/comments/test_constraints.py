"""The database itself refuses comment, moderation and report rows that break the rules.

Each test writes valid rows the usual way, then forces a rule-breaking write past the models
(``update``, ``create``) and expects the named constraint to refuse it. Constraints proven in
other modules are listed in tests/test_constraints.py.
"""

import pytest

from comments.changes import Reporter, report_comment
from comments.models import Comment, CommentReport, ModerationEvent
from comments.moderation import reject
from tests.constraints import refused_by, rule


@pytest.mark.parametrize(
    ("constraint", "change"),
    [
        rule("comment_status_valid", {"status": "published"}),
        rule("comment_identity_valid", {"identity": "claimed"}),
    ],
)
def test_a_comments_status_and_identity_are_known_values(article, make_comment, constraint, change):
    comment = make_comment(article)
    with refused_by(constraint):
        Comment.objects.filter(pk=comment.pk).update(**change)


def test_a_comment_is_not_a_reply_to_itself(article, make_comment):
    comment = make_comment(article)
    with refused_by("comment_not_own_parent"):
        Comment.objects.filter(pk=comment.pk).update(parent=comment)


@pytest.mark.parametrize(
    ("constraint", "change"),
    [
        rule("moderation_event_action_valid", {"action": "deleted"}),
        rule("moderation_event_reason_valid", {"reason": "boring"}),
    ],
)
def test_a_moderation_decision_records_a_known_action_and_reason(
    article, make_comment, moderator, constraint, change
):
    comment = make_comment(article, status=Comment.Status.PENDING)
    reject(comment, by=moderator, reason=ModerationEvent.Reason.OFF_TOPIC)
    with refused_by(constraint):
        comment.events.update(**change)


@pytest.fixture
def report(article, make_comment):
    """A reader's report of a published comment."""
    reporter = Reporter(key="reader-key", address_hash="address-key")
    return report_comment(
        make_comment(article), reason=CommentReport.Reason.SPAM, note="", reporter=reporter
    )


def test_a_reader_reports_a_comment_once(report):
    with refused_by("report_once_per_reader"):
        CommentReport.objects.create(
            comment=report.comment, reason=CommentReport.Reason.ABUSE, reporter=report.reporter
        )


def test_a_report_gives_a_known_reason(report):
    with refused_by("report_reason_valid"):
        CommentReport.objects.filter(pk=report.pk).update(reason="dislike")
