"""Dialogue platforms: vote results and membership composition."""

from django.utils.translation import gettext_lazy as _  # noqa: F401  (used by helpers adding messages)


def vote_result(yes: int, no: int, abstain: int, rule: str) -> str:
    """'pass' or 'fail' for the counts under ``rule`` (VoteEvent.Rule values).

    Abstentions count as votes cast for the absolute and two-thirds rules (they are people present
    who did not support the motion) and are ignored by the simple rule. Absent members never count.
    """
    cast = yes + no + abstain
    if rule == "simple":
        adopted = yes > no
    elif rule == "absolute":
        adopted = yes * 2 > cast
    elif rule == "two_thirds":
        adopted = cast > 0 and yes * 3 >= cast * 2
    else:
        raise ValueError(f"Unknown voting rule: {rule}")
    return "pass" if adopted else "fail"
