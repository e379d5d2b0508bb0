"""`iop-schemas [--check]`: write the JSON Schema of every event to docs/schemas/, or fail when they are stale."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from .examples import EXAMPLES
from .topics import EVENT_TYPES

DEFAULT_DIR = Path("docs/schemas")


def render() -> dict[str, str]:
    """File name -> JSON text for every event type, plus an index of topics and types."""
    files: dict[str, str] = {}
    index = []
    for event in EVENT_TYPES:
        schema = event.model.model_json_schema()
        schema["$id"] = f"https://iop-reminders.example/schemas/{event.ce_type}.json"
        schema["title"] = event.ce_type
        schema["examples"] = [EXAMPLES[event.ce_type]]
        schema["x-topic"] = event.topic.base_name
        schema["x-key"] = event.topic.key_field
        files[f"{event.ce_type}.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
        index.append({"ce_type": event.ce_type, "topic": event.topic.base_name, "key": event.topic.key_field,
                      "partitions": event.topic.partitions, "compacted": event.topic.compacted,
                      "schema": f"{event.ce_type}.json"})
    files["index.json"] = json.dumps(index, indent=2) + "\n"
    return files


def stale(directory: Path) -> list[str]:
    """Files that differ from what the models say, or are missing, or are left over."""
    wanted = render()
    present = {p.name for p in directory.glob("*.json")} if directory.is_dir() else set()
    differ = [n for n, text in wanted.items() if not (directory / n).exists() or (directory / n).read_text() != text]
    return sorted(differ + list(present - set(wanted)))


def run(directory: Path = DEFAULT_DIR, check: bool = typer.Option(False, help="fail if the files are stale")) -> None:
    """Write (or check) the JSON Schemas of the wire contract."""
    if check:
        names = stale(directory)
        if names:
            typer.echo(f"stale schemas in {directory}: {', '.join(names)}; run `uv run iop-schemas`", err=True)
            raise typer.Exit(1)
        typer.echo(f"schemas in {directory} are up to date")
        return
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.json"):
        old.unlink()
    for name, text in render().items():
        (directory / name).write_text(text)
    typer.echo(f"wrote {len(render())} files to {directory}")


def main() -> None:
    typer.run(run)
