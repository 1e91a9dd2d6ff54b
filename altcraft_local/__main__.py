"""python -m altcraft_local --port N --data FILE [--seed FIXTURE] [--error-status mirror|200]"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from altcraft_local.server import AltcraftServer
from altcraft_local.store import Store

DEFAULT_SEED = Path(__file__).with_name("fixtures") / "demo.json"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m altcraft_local", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--data", type=Path, required=True, help="JSON state file (created from --seed if missing)")
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED, help="fixture used when --data does not exist")
    parser.add_argument(
        "--error-status",
        choices=("mirror", "200"),
        default="mirror",
        help="HTTP status of error envelopes: the error code itself, or always 200",
    )
    args = parser.parse_args(argv)
    seed = None if args.data.exists() else json.loads(args.seed.read_text())
    store = Store(args.data, seed, save=False)
    try:
        server = AltcraftServer(store, port=args.port, error_status=args.error_status)
    except OSError as error:
        reason = error.strerror or str(error)
        print(
            f"altcraft-local: cannot listen on 127.0.0.1:{args.port}: {reason.lower()}; nothing was written "
            "(choose another --port, or stop what listens there)",
            file=sys.stderr,
        )
        sys.exit(1)
    store.save()
    # The first line tells scripts where to connect.
    print(f"altcraft-local listening on {server.url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
