# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
import base64
import hmac

import pytest

from engine import keys


def test_generated_key_has_prefix_and_40_hex_characters():
    key = keys.generate_key()
    assert key.startswith("fcb_")
    assert len(key) == 44
    assert keys.is_well_formed(key)


def test_generated_keys_differ():
    assert len({keys.generate_key() for _ in range(200)}) == 200


def test_index_is_the_first_eight_hex_characters_after_the_prefix():
    assert keys.key_index("fcb_0123456789abcdef0123456789abcdef01234567") == "01234567"


@pytest.mark.parametrize("value", [
    None, "", "fcb_", "fcb_xyz", "FCB_" + "a" * 40, "fcb_" + "a" * 39, "fcb_" + "A" * 40,
    "fcb_" + "g" * 40, "sk_" + "a" * 40, 42,
], ids=repr)
def test_malformed_keys_are_rejected_cheaply(value):
    assert not keys.is_well_formed(value)


def test_hash_is_salted_and_slow_and_never_contains_the_key():
    key = keys.generate_key()
    first, second = keys.hash_key(key), keys.hash_key(key)
    assert first != second  # random salt
    scheme, rounds, salt, digest = first.split("$")
    assert scheme == "pbkdf2_sha512"
    assert int(rounds) >= 6000
    assert len(base64.b64decode(salt)) == 16
    assert len(base64.b64decode(digest)) == 64
    assert key not in first and key[4:] not in first


def test_verify_accepts_the_right_key_and_rejects_a_wrong_one():
    key = keys.generate_key()
    stored = keys.hash_key(key)
    assert keys.verify_key(key, stored)
    assert not keys.verify_key(keys.generate_key(), stored)
    assert not keys.verify_key(key[:-1] + ("0" if key[-1] != "0" else "1"), stored)


def test_hash_with_fixed_salt_is_deterministic():
    salt = b"\x01" * 16
    assert keys.hash_key("fcb_abc", salt=salt) == keys.hash_key("fcb_abc", salt=salt)


@pytest.mark.parametrize("stored", [
    "", "garbage", "md5$1$AA==$AA==", "pbkdf2_sha512$x$AA==$AA==",
    "pbkdf2_sha512$10$!!!$AA==", None,
], ids=repr)
def test_a_corrupt_stored_hash_never_matches_and_never_raises(stored):
    assert keys.verify_key("fcb_" + "a" * 40, stored) is False


def test_verification_compares_in_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(keys.hmac, "compare_digest", spy)
    key = keys.generate_key()
    stored = keys.hash_key(key)
    assert keys.verify_key(key, stored)
    assert not keys.verify_key(keys.generate_key(), stored)
    # both the match and the mismatch went through compare_digest on full digests
    assert calls == [(64, 64), (64, 64)]


def test_dummy_hash_matches_no_generated_key():
    assert not keys.verify_key(keys.generate_key(), keys.DUMMY_HASH)


def test_webhook_secret_is_whsec_and_32_random_bytes():
    secret = keys.generate_webhook_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret[len("whsec_"):])) == 32
    assert secret != keys.generate_webhook_secret()


@pytest.mark.parametrize("header,expected", [
    ("Bearer fcb_abc", "fcb_abc"),
    ("bearer fcb_abc", "fcb_abc"),
    ("BEARER   fcb_abc  ", "fcb_abc"),
    ("Basic dXNlcjpwYXNz", None),
    ("Bearer", None),
    ("Bearer ", None),
    ("Bearer a b", None),
    ("fcb_abc", None),
    ("", None),
    (None, None),
])
def test_parse_bearer(header, expected):
    assert keys.parse_bearer(header) == expected


def test_verified_keys_remember_only_matches_and_follow_the_stored_hash():
    from engine.keys import VerifiedKeys, generate_key, hash_key

    key = generate_key()
    stored = hash_key(key, rounds=1000)
    memory = VerifiedKeys(size=2)
    assert memory.verify(key, stored)
    assert memory.verify(key, stored)  # remembered
    assert not memory.verify(generate_key(), stored)
    assert not memory.verify(key, hash_key(generate_key(), rounds=1000)), "a rotated row"
    for _ in range(3):
        other = generate_key()
        assert memory.verify(other, hash_key(other, rounds=1000))
    assert len(memory._pairs) == 2
