"""How a partner's payout details (where its money goes) are shown outside its own profile."""

VISIBLE_TAIL = 4


def mask_payout_details(details: str) -> str:
    """`****0123`: enough to recognise one's own account in a list, not enough to use it.

    Details of up to eight characters show nothing but the mask; longer ones their last four.
    """
    details = (details or "").strip()
    if not details:
        return ""
    if len(details) <= 2 * VISIBLE_TAIL:
        return "****"
    return "****" + details[-VISIBLE_TAIL:]
