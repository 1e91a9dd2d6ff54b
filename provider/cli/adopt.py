"""`adopt-drift`: drift becomes a decision. The campaigns file is made to say what Altcraft has now.

Reads the same preview the summary reads (its drift rows: each campaign changed in Altcraft
outside the file, with who changed it and when), edits only those entries of the campaigns file
(`provider.campaigns.editor`, comments and layout kept), and writes a pull-request body that says
who changed what. Merging that pull request keeps the changes; closing it leaves the file as it
was, and the next `pulumi up` puts the campaigns back (or, for `drift: keep`, leaves them as they
are until the file changes). A drifted campaign in a state a file cannot ask for (completed,
deleted, being cloned) is named in the body and left to a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from provider.campaigns.editor import ADOPTABLE, set_active
from provider.cli.comment import campaign_cell
from provider.cli.summary import Row, Summary
from provider.cli.text import code_span
from provider.errors import UserFacingError
from provider.planning.lines import UNKNOWN


@dataclass(frozen=True)
class Adoption:
    row: Row  # the drift row of the summary: `before` is what Altcraft has now

    @property
    def value(self) -> bool | str | None:
        """What the entry's `active` becomes; None when no entry can say it."""
        return ADOPTABLE.get(self.row.before or "")

    @property
    def asks(self) -> str:
        """What the file asks today, as the preview read it."""
        return f"{self.row.after} (`pulumi up` puts it back)" if self.row.change != "none" else "kept (drift: keep)"


def drifted(summary: Summary) -> list[Adoption]:
    if summary.failed:
        raise UserFacingError(
            "the preview failed, so it cannot tell what drifted; fix what it says first (run "
            "`altcraft-campaigns summary` on it for the reason)"
        )
    return [Adoption(row) for row in summary.rows if row.cause == "drift"]


def check_whose(summary: Summary, project: str | None, stack: str | None) -> None:
    """A preview of another stack or project must never edit this one's file: refused, naming both.
    A preview that does not say whose it is (an older program) is refused too: nothing is guessed."""
    if project is None and stack is None:
        return  # --file alone: the file named is the one edited, whoever's preview it is
    if summary.stack is None or summary.project is None:
        raise UserFacingError(
            "the preview does not say which stack it is of (no review record: an older program, or a failed "
            "preview); run `pulumi preview --json` again with this version"
        )
    theirs, ours = (summary.project, summary.stack), (project or summary.project, stack or summary.stack)
    if theirs != ours:
        raise UserFacingError(
            f"the preview is of stack {summary.stack!r} (project {summary.project!r}), but this would edit the "
            f"campaigns file of stack {ours[1]!r} (project {ours[0]!r}): nothing was written. Preview that stack "
            "(`pulumi preview --stack NAME --json`), or pass --stack to name the one the preview is of"
        )


def adopt(text: str, path: str, adoptions: list[Adoption]) -> str:
    """The campaigns file with every adoptable drifted entry saying what Altcraft has now."""
    wanted = {a.row.campaign_id: a.value for a in adoptions if a.value is not None}
    return set_active(text, path, wanted) if wanted else text


def pull_request_body(adoptions: list[Adoption], path: str, stack: str | None) -> str:
    """Markdown: what the pull request keeps, who changed each campaign in Altcraft, and when."""
    kept = [a for a in adoptions if a.value is not None]
    left = [a for a in adoptions if a.value is None]
    where = f" (stack `{stack}`)" if stack else ""
    lines = [
        f"### Keep what Altcraft has now: {len(kept)} campaign{'s' if len(kept) != 1 else ''}{where}",
        "",
        f"These campaigns were changed in Altcraft outside `{path}`. This pull request makes the file say what "
        "Altcraft has now: **merge** it to keep the changes; **close** it and the next `pulumi up` puts them back "
        "(a `drift: keep` entry stays as it is until the file changes).",
        "",
    ]
    if kept:
        lines += [
            "| Campaign | In Altcraft now | The file says | The file asked | Changed in Altcraft by | At |",
            "|---|---|---|---|---|---|",
            *(
                f"| {campaign_cell(a.row)} | {a.row.before} | `active: {_yaml(a.value)}` | {a.asks} | {_by(a.row)} | "
                f"{a.row.changed_at or UNKNOWN} |"
                for a in kept
            ),
            "",
        ]
    if left:
        lines += ["Left to a person (no campaigns file entry can ask for these states):", ""]
        lines += [f"- {campaign_cell(a.row)}: {a.row.before} in Altcraft, changed by {_by(a.row)}" for a in left]
        lines.append("")
    return "\n".join(lines)


def _by(row: Row) -> str:
    return code_span(row.changed_by) if row.changed_by else UNKNOWN


def _yaml(value: bool | str | None) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)
