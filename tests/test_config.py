from pathlib import Path

import pytest

from socialpulse.config import EXAMPLE_CONFIG, ConfigError, load_settings, parse_settings


def test_the_example_configuration_is_valid():
    settings = load_settings(EXAMPLE_CONFIG)
    assert [b.name for b in settings.own_brands] == ["Northwind"]
    assert {b.name for b in settings.competitors} == {"Summitline", "Kestrel Gear"}
    assert settings.privacy.min_group_size == 5


def test_defaults_apply_to_an_empty_file():
    settings = parse_settings("")
    assert settings.privacy.min_group_size == 5
    assert settings.kpi_targets.interactive_users == 38.0
    assert settings.brands == []


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("[privacy]\nmin_group_size = 0", "privacy.min_group_size", "greater than or equal to 1"),
        ('[[brands]]\nname = "A"\nkeywords = [" "]', "brands.0.keywords", "blank"),
        ('[kpi_targets]\nreply_rate = "high"', "kpi_targets.reply_rate", "valid number"),
        ("[kpi_targets]\nshare_of_voice = 140", "kpi_targets.share_of_voice", "less than or equal"),
        (
            '[[channel_rules]]\nmatch = "exec-*"\nsensitivity = "secret"',
            "channel_rules.0.sensitivity",
            "'public', 'internal' or 'restricted'",
        ),
        (
            "[retention]\nper_platform = { slack = -1 }",
            "retention.per_platform.slack",
            "greater than 0",
        ),
        ("colour = 'blue'", "colour", "unknown key"),
    ],
)
def test_a_bad_value_names_its_key_and_what_is_expected(text, key, expected):
    with pytest.raises(ConfigError) as error:
        parse_settings(text, Path("socialpulse.toml"))
    message = str(error.value)
    assert message.startswith(f"socialpulse.toml: {key}: ")
    assert expected in message
    assert "\n" not in message


def test_invalid_toml_names_the_file():
    with pytest.raises(ConfigError, match=r"^bad\.toml: not valid TOML"):
        parse_settings("brands = [", Path("bad.toml"))


def test_unreadable_file_names_the_path(tmp_path):
    with pytest.raises(ConfigError, match="missing.toml: cannot read"):
        load_settings(tmp_path / "missing.toml")


def test_environment_chooses_the_file(tmp_path, monkeypatch):
    path = tmp_path / "custom.toml"
    path.write_text('[organisation]\nname = "Acme"\n')
    monkeypatch.setenv("SOCIALPULSE_CONFIG", str(path))
    assert load_settings().organisation.name == "Acme"
