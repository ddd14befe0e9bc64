"""Signals the surveys app sends so later apps can react without surveys importing them.

``answers_changed`` is sent (``sender=Study``, ``study=…``, ``user=…``) whenever the answers that
count for a study change: a form submitted (not a draft), a correction, a rejection or
approval, an import. The findings app listens and recomputes the study's indicators once the
transaction commits; surveys itself never imports findings, so the dependency stays one-way.
"""

from django.dispatch import Signal

answers_changed = Signal()


def announce_answers_changed(study, user=None) -> None:
    from .models import Study

    answers_changed.send(sender=Study, study=study, user=user if getattr(user, "is_authenticated", False) else None)
