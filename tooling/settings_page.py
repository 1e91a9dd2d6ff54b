"""docs/settings.md, made from the list the program, the provider and `--help` read (provider.settings.ALL).

`python -m tooling.settings_page` rewrites the page; a unit test fails while the page is not what
this makes, so a setting added, renamed or given another default shows in the docs the same day.
"""

from __future__ import annotations

from provider import settings
from tooling.pulumi_env import REPO_ROOT

PAGE = REPO_ROOT / "docs" / "settings.md"


def _code(text: str) -> str:
    return f"`{text}`" if text else "-"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render() -> str:
    rows = [
        f"| {_code(s.key)}{' (secret)' if s.secret else ''} | {_code(s.env)} | {_code(s.default_text)} | "
        f"{_cell(s.described)} |"
        for s in settings.ALL
    ]
    overrides = ", ".join(f"`{s.env}`" for s in settings.OVERRIDDEN_FOR_ONE_RUN)
    return "\n".join(
        [
            "# Settings",
            "",
            "<!-- Made by `python -m tooling.settings_page` from provider/settings.py; edit that, not this page. -->",
            "",
            "Every setting of a stack, as `altcraft-campaigns --help` lists it. Each is read from the stack's",
            "config first (`pulumi config set KEY VALUE`, in `Pulumi.<stack>.yaml`), then from its environment",
            f"variable, except the two guards ({overrides}):",
            "there the environment wins, so that one run may be allowed past the stack's standing limit",
            "without a commit that loosens it for good.",
            "",
            "| config key | environment variable | default | meaning |",
            "|---|---|---|---|",
            *rows,
            "",
            f"- `{settings.TOKEN_KEY}` stored in plain text in `Pulumi.<stack>.yaml` is refused, and so is",
            f"  an `{settings.URL_KEY}` with a password in it: `pulumi config set --secret KEY` prompts for the value",
            "  and stores it encrypted.",
            f'- `{settings.URL_KEY}` and `{settings.TOKEN_KEY}` set but empty are an error, not "unset"; a value',
            "  out of its range is an error naming the setting and the range.",
            "- Every message that depends on a value names the setting (or variable) that chose it.",
            "- The command line (`check`, `export`) reads the stack named by `--stack`, else the stack selected",
            "  in the project directory; with neither, the environment variables alone. Pulumi's own",
            "  variables apply as for `pulumi`: `PULUMI_BACKEND_URL`, `PULUMI_CONFIG_PASSPHRASE`.",
            "",
        ]
    )


def main() -> None:
    PAGE.write_text(render())
    print(f"wrote {PAGE.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
