from accounts.payout_details import mask_payout_details


def test_masking_keeps_the_last_four_characters_but_spaces():
    assert mask_payout_details("IBAN DE89 3704 0044 0532 0130 00") == "****3000"


def test_short_details_show_only_the_mask_and_empty_stays_empty():
    assert mask_payout_details("12345678") == "****"
    assert mask_payout_details("") == ""
    assert mask_payout_details("   ") == ""
