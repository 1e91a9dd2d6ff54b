"""The docs: a short README that links out, links that lead somewhere, generated parts that are
current, and a repository that stands alone."""

import re
from pathlib import Path

import pytest

from tooling.pulumi_env import REPO_ROOT

DOCS = REPO_ROOT / "docs"
PAGES = [REPO_ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def anchors(page: Path) -> set[str]:
    """GitHub's heading ids: lower case, punctuation dropped, spaces as dashes (code blocks skipped)."""
    text = re.sub(r"^(`{3,}).*?^\1", "", page.read_text(), flags=re.S | re.M)
    headings = re.findall(r"^#{1,6} (.+)$", text, re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_the_readme_is_short_and_links_to_every_page() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    assert len(readme.encode()) <= 8 * 1024
    linked = {Path(target.split("#")[0]).name for target in LINK.findall(readme)}
    assert {page.name for page in DOCS.glob("*.md")} <= linked


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_leads_to_a_file_and_a_heading_that_exist(page: Path) -> None:
    for target in LINK.findall(page.read_text()):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page.name}: {target}"
        if anchor:
            assert anchor in anchors(linked), f"{page.name}: {target}"


# What `make setup`, the tests and git keep beside the sources (.gitignore), and recorded test data.
NOT_SOURCES = {".git", ".venv", ".tools", ".pulumi-local", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}


def sources(root: Path) -> list[Path]:
    found = []
    for path in root.iterdir():
        if path.name in NOT_SOURCES or path in (REPO_ROOT / "policies" / "venv", REPO_ROOT / "tests" / "data"):
            continue
        found += sources(path) if path.is_dir() else [path]
    return found


def test_the_repository_stands_alone() -> None:
    """Nothing points to notes outside the repository: what the code relies on is in docs/."""
    outside = "../" + "shared"  # written so, this file does not name it
    mentions = [path for path in sources(REPO_ROOT) if outside in path.read_text(errors="replace")]
    assert mentions == []


def test_the_settings_page_is_made_from_the_settings_the_code_reads() -> None:
    from tooling.settings_page import PAGE, render

    assert PAGE.read_text() == render(), "stale: run `python -m tooling.settings_page`"


def test_every_admin_route_of_the_stand_in_is_on_its_page() -> None:
    from altcraft_local import server

    page = (DOCS / "stand-in.md").read_text()
    routes = re.findall(r"(/_admin/\S+)", server.__doc__)
    assert routes and all(f"{route}`" in page for route in routes), [r for r in routes if f"{r}`" not in page]


def test_the_readmes_example_file_is_a_valid_campaigns_file() -> None:
    from provider.campaigns.loader import parse_campaigns

    readme = (REPO_ROOT / "README.md").read_text()
    example = re.search(r"```yaml\n(.*?)```", readme, re.S)
    assert example is not None
    specs = parse_campaigns(example[1].encode(), "README.md")
    assert [spec.id for spec in specs] == [18, 19, 21, 22, 30]
