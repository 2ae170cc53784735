import os
import stat

import pandas as pd

from socialpulse.privacy import load_key, mask_contacts, pseudonymise


def test_pseudonyms_are_stable_keyed_and_ignore_case():
    assert pseudonymise("Ana@Corp.example ", b"k") == pseudonymise("ana@corp.example", b"k")
    assert pseudonymise("ana@corp.example", b"k") != pseudonymise("ana@corp.example", b"other")
    assert pseudonymise("ana@corp.example", b"k").startswith("emp_")


def test_the_key_file_is_created_once_with_owner_only_permissions(tmp_path, monkeypatch):
    monkeypatch.delenv("SOCIALPULSE_PSEUDONYM_KEY", raising=False)
    path = tmp_path / "keys" / "pseudonym.key"
    monkeypatch.setenv("SOCIALPULSE_KEY_FILE", str(path))
    first = load_key()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(first) == 64 and load_key() == first


def test_the_environment_key_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIALPULSE_PSEUDONYM_KEY", "from-env")
    monkeypatch.setenv("SOCIALPULSE_KEY_FILE", str(tmp_path / "unused.key"))
    assert load_key() == b"from-env"
    assert not (tmp_path / "unused.key").exists()


def test_emails_and_phone_numbers_in_text_are_masked():
    texts = pd.Series(
        [
            "Mail ana.b@corp.example or call +33 6 12 34 56 78 today",
            "Call (503) 555-0147, ext. 12",
            "Room 4012 on floor 3, version 2.1.0, 2026-09-15 at 14:00",
        ]
    )
    assert mask_contacts(texts).tolist() == [
        "Mail [email] or call [phone] today",
        "Call [phone], ext. 12",
        "Room 4012 on floor 3, version 2.1.0, 2026-09-15 at 14:00",
    ]
