"""How a partner's payout details (where its money goes) are shown outside its own profile."""

VISIBLE_TAIL = 4


def mask_payout_details(details: str) -> str:
    """`****0123`: enough to recognise one's own account in a list, not enough to use it.

    Spaces do not count (`... 0130 00` ends in `3000`); details of up to eight characters show
    nothing but the mask, longer ones their last four.
    """
    details = "".join((details or "").split())
    if not details:
        return ""
    if len(details) <= 2 * VISIBLE_TAIL:
        return "****"
    return "****" + details[-VISIBLE_TAIL:]
