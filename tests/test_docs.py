"""The README documents every command and every configuration key a user can set."""

from __future__ import annotations

from conftest import REPO
from pydantic import BaseModel

from config.model import Config
from oiswatch.cli import command_modules


def config_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys = []
    for name, field in model.model_fields.items():
        if name == "source":
            continue
        key = f"{prefix}{field.alias or name}"
        inner = field.annotation
        # Unwrap Optional[...] and tuple[...] to reach nested sections.
        for arg in (*getattr(inner, "__args__", ()), inner):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                keys.extend(config_keys(arg, f"{key}."))
                break
        else:
            keys.append(key)
    return keys


def test_every_config_key_is_documented() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [k for k in config_keys(Config) if f"`{k}`" not in readme]
    assert not missing, f"README.md does not document these keys: {missing}"


def test_every_command_is_documented() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    names = [name.replace("_", "-") for name in command_modules()]
    assert names, "no commands found"
    missing = [n for n in names if f"oiswatch {n}" not in readme]
    assert not missing, f"README.md does not document these commands: {missing}"


def test_readme_scaling_out_section_is_the_deployment_notes_one() -> None:
    """README.md carries deploy/scale-out.md's README section unchanged (one source)."""
    begin, end = "<!-- README: begin -->", "<!-- README: end -->"
    notes = (REPO / "deploy" / "scale-out.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = notes[notes.index(begin) : notes.index(end)]
    assert "## Scaling out" in section and "`cluster.redis_url`" in section
    assert section in readme
