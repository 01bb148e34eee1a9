from pathlib import Path

import pytest
import yaml
from movie_genie_trainer import train_two_tower
from movie_genie_trainer.config import (
    Bert4RecConfig,
    ConfigError,
    DataConfig,
    PopularityConfig,
    TwoTowerConfig,
    load_config,
    merge_configs,
    parse_config,
)

from tests.trainer.conftest import CONFIGS

SCHEMAS = {
    "data.yaml": DataConfig,
    "two_tower.yaml": TwoTowerConfig,
    "bert4rec.yaml": Bert4RecConfig,
    "baselines.yaml": PopularityConfig,
}


@pytest.mark.parametrize("folder", [CONFIGS, CONFIGS / "smoke"], ids=["default", "smoke"])
@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_shipped_configs_validate(folder, name):
    config = load_config(folder / name, SCHEMAS[name])
    assert isinstance(config, SCHEMAS[name])


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return path


def test_unknown_key_is_an_error_that_names_key_and_file(tmp_path):
    path = _write(tmp_path, "model:\n  embeding_dim: 32\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, TwoTowerConfig)
    assert "model.embeding_dim" in str(info.value)
    assert str(path) in str(info.value)


def test_unknown_top_level_section_is_named(tmp_path):
    with pytest.raises(ConfigError, match="unknown key 'optimiser'"):
        load_config(_write(tmp_path, "optimiser:\n  lr: 0.1\n"), Bert4RecConfig)


def test_mistyped_value_names_its_key(tmp_path):
    with pytest.raises(ConfigError, match=r"training\.epochs"):
        load_config(_write(tmp_path, "training:\n  epochs: many\n"), Bert4RecConfig)


def test_url_source_requires_a_checksum(tmp_path):
    path = _write(tmp_path, "source:\n  kind: url\n  url: https://example.org/ml-1m.zip\n")
    with pytest.raises(ConfigError, match="sha256"):
        load_config(path, DataConfig)


def test_cli_reports_a_bad_key_and_exits_nonzero(tmp_path, smoke_dir, capsys):
    path = _write(tmp_path, "training:\n  learning_rat: 0.1\n")
    code = train_two_tower.main(
        ["--config", str(path), "--data", str(smoke_dir), "--out", str(tmp_path / "out")]
    )
    assert code == 2
    assert "training.learning_rat" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", sorted(p.name for p in (CONFIGS / "demo").glob("*.yaml")))
def test_demo_overrides_merge_over_the_defaults(name):
    merged = parse_config(
        merge_configs(CONFIGS / name, CONFIGS / "demo" / name), SCHEMAS[name], name
    )
    default = load_config(CONFIGS / name, SCHEMAS[name])
    override = yaml.safe_load((CONFIGS / "demo" / name).read_text())
    for section, values in override.items():
        assert getattr(merged, section).model_dump() == {
            **getattr(default, section).model_dump(),
            **values,
        }
    assert merged.model == default.model or "model" in override


def test_merge_keeps_siblings_replaces_lists_and_later_layers_win(tmp_path):
    base = _write(tmp_path, "training:\n  seed: 1\n  epochs: 4\nevaluation:\n  ks: [10, 50]\n")
    merged = merge_configs(
        base, {"training": {"seed": 3}, "evaluation": {"ks": [5]}}, {"training": {"seed": 9}}
    )
    assert merged == {"training": {"seed": 9, "epochs": 4}, "evaluation": {"ks": [5]}}
