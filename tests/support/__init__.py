"""What the test trees share: the stand-in as tests start it, hostile servers, a date-rewriting
proxy, GitHub's Markdown renderer, the machine-clock shim, and the end-to-end helpers."""
