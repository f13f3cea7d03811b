"""Who may do what: the site's roles as plain predicates, used by models, admin, workflow and views.

The roles are groups created by migrations ("Authors", "Editors", "Moderators") and read here
only through their permissions, so a superuser or a custom group works the same way:

- an **editor** may publish (``articles.publish_article``) and sees every article and author;
- a **reviewer** may record a medical review sign-off (``articles.review_article``);
- an **author** is a user linked to an ``Author`` profile; with ``articles.change_article`` they
  write their own articles while those are drafts;
- a **moderator** decides on comments (``comments.moderate_comment``).

Objects are read by duck typing (``article.author.user_id``, ``author.user_id``) so that this
module imports no app and every app may import it.
"""


def is_editor(user):
    """Editors review, publish and see every article; the permission says who they are."""
    return user.is_active and user.has_perm("articles.publish_article")


def may_review(user):
    return user.is_active and user.has_perm("articles.review_article")


def may_sign_off(user, article):
    """A reviewer records the medical review of an article in review, never of their own."""
    return (
        may_review(user)
        and article.status == article.Status.IN_REVIEW
        and not writes(user, article)
    )


def is_user_of(user, author):
    """Whether ``user`` signs in as ``author`` (an ``Author`` profile)."""
    return user.is_authenticated and author is not None and author.user_id == user.pk


def writes(user, article):
    """Whether ``article`` is by the author ``user`` signs in as."""
    return user.is_authenticated and article.author.user_id == user.pk


def may_open_article(user, article):
    """Editors open every article in the admin; an author their own; a reviewer every article
    in review, to read it and record its sign-off."""
    return (
        is_editor(user)
        or writes(user, article)
        or (may_review(user) and article.status == article.Status.IN_REVIEW)
    )


def may_edit_article(user, article):
    """Editors edit every article; an author edits their own while it is not in review.

    Editing never changes what readers see: it makes a new draft revision of the working copy.
    """
    if is_editor(user):
        return True
    return (
        user.is_active
        and user.has_perm("articles.change_article")
        and writes(user, article)
        and article.status == article.Status.DRAFT
    )


def may_submit(user, article):
    """An editor, or the article's own author, hands a draft to the reviewers."""
    return article.status == article.Status.DRAFT and (
        is_editor(user) or (user.has_perm("articles.change_article") and writes(user, article))
    )


def may_edit_author(user, author):
    """Editors edit every author profile; an author their own."""
    return is_editor(user) or is_user_of(user, author)


def may_rate(user, author):
    """Readers rate authors; staff accounts do not, and nobody rates their own profile.

    Staff (anyone who can sign in to the admin: authors, editors, moderators) have a stake in
    the figures, so their ratings would not be readers' opinions.
    """
    return not (user.is_authenticated and (user.is_staff or is_user_of(user, author)))


def may_moderate(user):
    return user.is_active and user.has_perm("comments.moderate_comment")
