"""MkDocs hooks (``hooks:`` in mkdocs.yml): the gallery made from the example song, and the CLI's own help.

The gallery (``docs/gallery.py``) is made into ``build/docs-gallery`` when that folder is missing
(``make docs`` empties it first, so CI always makes it afresh) and served as ``gallery/*`` pages'
files without being copied into ``docs/``. The CLI page gets each command's ``--help``, printed by
the command line itself; the rendering guide the model profiles' table, from the code.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from pathlib import Path

from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
GALLERY = ROOT / "build" / "docs-gallery"
CLI_MARK = "<!-- cli-help: the docs hook (docs/hooks.py) puts each command's --help here -->"
GALLERY_MARK = "<!-- gallery: the docs hook (docs/hooks.py) puts the example's pictures here -->"
FAMILIES_MARK = "<!-- model-families: the docs hook (docs/hooks.py) puts the profiles' table here -->"
COMMANDS = ("analyze", "plan", "plot", "preview", "render", "studio", "deforum", "report")


def _gallery() -> list[Path]:
    if not (GALLERY / "gallery.json").exists():
        sys.path.insert(0, str(ROOT / "docs"))
        from gallery import make_gallery

        make_gallery(GALLERY)
    return sorted(p for p in GALLERY.iterdir() if p.suffix in (".png", ".mp4"))


def on_files(files, config):
    """Add the gallery's pictures and video as ``gallery/NAME`` (made first if missing)."""
    for path in _gallery():
        files.append(File.generated(config, f"gallery/{path.name}", abs_src_path=str(path)))
    return files


def _help(command: str) -> str:
    from binarydream.cli import main

    text = io.StringIO()
    os.environ["COLUMNS"] = "88"  # the page's code width: no sideways scrolling
    with contextlib.redirect_stdout(text), contextlib.suppress(SystemExit):
        main([command, "--help"])
    return text.getvalue().strip()


def _families_markdown() -> str:
    from binarydream.render import PROFILES

    rows = ["| family | native size | steps | guidance (CFG) | scheduler | tiny autoencoder | GPU dtype, variant "
            "| negative prompt |", "| --- | ---: | ---: | ---: | --- | --- | --- | --- |"]
    for p in PROFILES.values():
        scheduler = p.scheduler or "the model's own"
        rows.append(f"| `{p.family}` | {p.native_size} px | {p.steps} | {p.guidance_scale:g} | "
                    f"{scheduler} | `{p.tiny_vae}` | {p.gpu_dtype}, {p.variant or 'none'} | "
                    f"{'yes' if p.negative_prompt else 'no'} |")
    return "\n".join(rows)


def _gallery_markdown() -> str:
    summary = json.loads((GALLERY / "gallery.json").read_text(encoding="utf-8"))
    blocks = [f"The example song as `make demo` plans it: {summary['tempo']} BPM, {summary['beats_per_bar']} "
              f"beats a bar (beats by {summary['tracker']}), sections {', '.join(summary['sections'])}.",
              "## Timeline", "![The example song's timeline](gallery/timeline.png)",
              "## Preview frames",
              "The CPU preview at the middle of the first lyric lines: the grid moved by the planned camera, "
              "the section's colour and the line sung. The render paints each frame from the prompt below it."]
    for name, frame in summary["frames"].items():
        blocks.append(f"![{frame['line']}](gallery/{name})\n\n{frame['time']} s, prompt: *{frame['prompt']}*")
    blocks += ["## Preview", '<video controls width="480" src="../gallery/preview.mp4"></video>']
    return "\n\n".join(blocks)


def on_page_markdown(markdown, page, config, files):
    """Fill the CLI page with every command's ``--help``, the rendering guide with the model profiles, the gallery."""
    if CLI_MARK in markdown:
        helps = "\n\n".join(f"### `binarydream {c}`\n\n```text\n{_help(c)}\n```" for c in COMMANDS)
        markdown = markdown.replace(CLI_MARK, helps)
    if FAMILIES_MARK in markdown:
        markdown = markdown.replace(FAMILIES_MARK, _families_markdown())
    if GALLERY_MARK in markdown:
        markdown = markdown.replace(GALLERY_MARK, _gallery_markdown())
    return markdown
