"""The Python language host `make setup` installs when it had to build upstream's older one.

Our Go module proxy refuses the pinned `pulumi-language-python`, so `make setup` builds upstream's
v3.68 host (docs/development.md, "How the Pulumi CLI gets installed"). The 3.260 CLI talks to it fine, except for two
things users of the official install rely on:

- it ignores `runtime.options.virtualenv` of Pulumi.yaml and runs the program with whatever
  `python3` is first on PATH;
- it answers `RunPlugin` (how the CLI starts a Python policy pack, `--policy-pack DIR`) by running
  the *project's* program, because it reads the request's old `program` field, which the CLI now
  leaves empty in favour of `info`;
- `pulumi install` (`InstallDependencies`) recreates the virtualenv even when it exists, with
  whatever `python3` comes first on PATH, which broke an existing .venv.

This proxy sits in front of it, as `pulumi-language-python`: it starts the real host with
`-virtualenv` taken from Pulumi.yaml, forwards every call to it byte for byte, and answers two
calls itself as the current host does. RunPlugin: the plugin's own virtualenv (its
PulumiPolicy.yaml `virtualenv` option, resolved against its directory), `python -u` (a policy
pack prints its port without flushing), its output streamed back as it comes. InstallDependencies:
the virtualenv created only if missing, then requirements.txt installed into it. No process outlives
the CLI: the real host ends with the proxy, and the proxy with the CLI. Standard library, grpc and the Pulumi
SDK only: it runs with the project's .venv python, named by the launcher `make setup` writes.

    python language_host.py --host <path of the real host> [the CLI's arguments]
"""

from __future__ import annotations

import argparse
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path
from typing import Any

# Who started us, read before the slow imports below: the CLI. Compared later with our parent of the
# moment, which changes only when the CLI is gone (the kernel hands us to another process).
_CLI = os.getppid()

try:
    import grpc
    import yaml
    from pulumi.runtime.proto import language_pb2
except ImportError:  # an interpreter without the Pulumi SDK: be upstream's host, unchanged
    _host = sys.argv[sys.argv.index("--host") + 1]
    os.execv(_host, [_host, *sys.argv[sys.argv.index("--host") + 2 :]])

SERVICE = "pulumirpc.LanguageRuntime"
RUN_PLUGIN = f"/{SERVICE}/RunPlugin"
INSTALL_DEPENDENCIES = f"/{SERVICE}/InstallDependencies"
# The SDK's own description of the service says which calls stream their answers.
_STREAMING = {
    f"/{SERVICE}/{method.name}"
    for method in language_pb2.DESCRIPTOR.services_by_name["LanguageRuntime"].methods
    if method.server_streaming
}
_MAX_MESSAGE = 400 * 1024 * 1024  # the CLI's own limit for plugin messages
HOST_EXIT_GRACE_S = 1.0
CLI_WATCH_INTERVAL_S = 0.2  # how soon we end after a CLI that exited without closing us
# How a call to a host that died fails. Not UNIMPLEMENTED and the like: the CLI probes the old host
# with calls it does not know on every run, and those must not wait.
_CONNECTION_LOST = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.UNKNOWN, grpc.StatusCode.CANCELLED})


def _identity(data: bytes) -> bytes:
    return data


class Proxy(grpc.GenericRpcHandler):
    """Forwards every call to the real host unchanged, except RunPlugin and InstallDependencies."""

    def __init__(self, channel: grpc.Channel) -> None:
        self._channel = channel

    def service(self, details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler | None:
        method = details.method
        if method == RUN_PLUGIN:
            return grpc.unary_stream_rpc_method_handler(
                run_plugin,
                request_deserializer=language_pb2.RunPluginRequest.FromString,
                response_serializer=language_pb2.RunPluginResponse.SerializeToString,
            )
        if method == INSTALL_DEPENDENCIES:
            return grpc.unary_stream_rpc_method_handler(
                install_dependencies,
                request_deserializer=language_pb2.InstallDependenciesRequest.FromString,
                response_serializer=language_pb2.InstallDependenciesResponse.SerializeToString,
            )
        if method in _STREAMING:
            call = self._channel.unary_stream(method, request_serializer=_identity, response_deserializer=_identity)
            return grpc.unary_stream_rpc_method_handler(
                lambda request, context: _forward_stream(call, request, context),
                request_deserializer=_identity,
                response_serializer=_identity,
            )
        unary = self._channel.unary_unary(method, request_serializer=_identity, response_deserializer=_identity)
        return grpc.unary_unary_rpc_method_handler(
            lambda request, context: _forward(unary, request, context),
            request_deserializer=_identity,
            response_serializer=_identity,
        )


class HostWatch:
    """Why the real host ended, once it has: the CLI must get a reason, not an empty "1 error"."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.stopping = threading.Event()  # the CLI asked us to stop: the host's end is no failure

    def reason(self) -> str | None:
        returncode = self.process.poll() if self.process is not None else None
        if returncode is None or self.stopping.is_set():
            return None
        if returncode == -signal.SIGINT:
            # An interrupt reaches the host from outside only: the CLI interrupts its plugins when a
            # run ends (sometimes before our own handler has said we are stopping), or a person
            # pressed Ctrl-C. Either is a stop, not a crash (the CLI reports an interrupted run itself).
            return None
        how = f"killed by signal {-returncode}" if returncode < 0 else f"exited with code {returncode}"
        return f"the Python language host behind tooling/language_host.py {how} during the run"

    def details(self, error: grpc.RpcError) -> str:
        """The failed call's own words, and the host's end when that is why (a dead host's calls
        fail a moment before its exit is seen: it is waited for, briefly)."""
        if error.code() not in _CONNECTION_LOST:
            return error.details() or f"{error.code().name} with no message"  # the host's own answer
        deadline = time.monotonic() + HOST_EXIT_GRACE_S
        while self.reason() is None and self.process is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        said = error.details() or f"{error.code().name} with no message"
        reason = self.reason()
        return f"{said} ({reason})" if reason else said


HOST = HostWatch()


def _forward(call: Any, request: bytes, context: grpc.ServicerContext) -> bytes:
    try:
        return call(request, metadata=context.invocation_metadata())
    except grpc.RpcError as error:
        context.abort(error.code(), HOST.details(error))
        raise  # unreachable: abort raises


def _forward_stream(call: Any, request: bytes, context: grpc.ServicerContext) -> Iterator[bytes]:
    try:
        yield from call(request, metadata=context.invocation_metadata())
    except grpc.RpcError as error:
        context.abort(error.code(), HOST.details(error))


def run_plugin(request: language_pb2.RunPluginRequest, context: grpc.ServicerContext) -> Iterator[Any]:
    """Start a Python plugin (a policy pack) the way the current host does, streaming its output."""
    directory = Path(request.info.program_directory or request.pwd or ".")
    entry = request.info.entry_point or "."
    options = dict(request.info.options.items()) if request.info.HasField("options") else {}
    command = [python_for(directory, options.get("virtualenv")), "-u", str(directory / entry), *request.args]
    environment = dict(os.environ)
    environment.update(item.split("=", 1) for item in request.env if "=" in item)
    environment["PYTHONUNBUFFERED"] = "1"
    try:
        process = subprocess.Popen(
            command,
            cwd=directory,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as error:  # most often: the plugin's virtualenv was never created
        context.abort(
            grpc.StatusCode.FAILED_PRECONDITION,
            f"cannot start the plugin in {directory} with {command[0]} ({error.strerror}); create the "
            "virtualenv its PulumiPolicy.yaml names (for policies/, `make setup` does)",
        )
    context.add_callback(process.kill)  # the CLI is done with the plugin (or gone): so is the plugin
    for stream, data in _output(process):
        yield language_pb2.RunPluginResponse(**{stream: data})
    yield language_pb2.RunPluginResponse(exitcode=process.wait())


def install_dependencies(
    request: language_pb2.InstallDependenciesRequest, context: grpc.ServicerContext
) -> Iterator[Any]:
    """`pulumi install` as the current host does it with toolchain pip: the virtualenv Pulumi.yaml
    names, created only when it is missing, then `pip install -r requirements.txt` in it.

    The v3.68 host runs `python3 -m venv` over the virtualenv even when it exists, which rewrites
    an existing one for whatever `python3` is first on PATH (and breaks it when that is another
    Python), and without the option it made the project directory itself a virtualenv.
    """
    root = Path(request.info.root_directory or request.directory or ".")
    program = Path(request.info.program_directory or root)
    options = dict(request.info.options.items()) if request.info.HasField("options") else {}
    python = python_for(root, options.get("virtualenv"))
    steps: list[tuple[str, list[str]]] = []
    if options.get("virtualenv") and not Path(python).exists():
        venv = str(Path(python).parent.parent)
        steps.append((f"Creating virtual environment at {venv}...", [python_for(root, None), "-m", "venv", venv]))
    requirements = program / "requirements.txt"
    if requirements.is_file():
        pip = [python, "-m", "pip", "install", "-r", str(requirements)]
        steps.append((f"Installing {requirements} with {python}...", pip))
    for say, command in steps:
        yield language_pb2.InstallDependenciesResponse(stdout=f"{say}\n".encode())
        try:
            process = subprocess.Popen(
                command, cwd=program, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        except OSError as error:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, f"cannot run {command[0]}: {error.strerror}")
        context.add_callback(process.kill)
        for stream, data in _output(process):
            yield language_pb2.InstallDependenciesResponse(**{stream: data})
        if process.wait() != 0:
            context.abort(grpc.StatusCode.UNKNOWN, f"`{' '.join(command)}` exited {process.returncode}")
    yield language_pb2.InstallDependenciesResponse(stdout=b"Finished installing dependencies\n")


def _output(process: subprocess.Popen[bytes]) -> Iterator[tuple[str, bytes]]:
    """A process's stdout and stderr as ("stdout"|"stderr", bytes), as they come, until both close."""
    chunks: queue.Queue[tuple[str, bytes] | None] = queue.Queue()
    pumps = [
        threading.Thread(target=_pump, args=(process.stdout, "stdout", chunks), daemon=True),
        threading.Thread(target=_pump, args=(process.stderr, "stderr", chunks), daemon=True),
    ]
    for pump in pumps:
        pump.start()
    open_streams = len(pumps)
    while open_streams:
        item = chunks.get()
        if item is None:
            open_streams -= 1
            continue
        yield item


def _pump(pipe: Any, stream: str, chunks: queue.Queue[tuple[str, bytes] | None]) -> None:
    for data in iter(lambda: pipe.read1(65536), b""):
        chunks.put((stream, data))
    chunks.put(None)


def _end_with_parent() -> None:
    """In the host's process, before it runs: the kernel sends it SIGTERM when the proxy dies, however
    it dies. The CLI kills its language host outright on some failures (a wrong config passphrase);
    without this the real host was left running, one more per run."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _end_with_the_cli(stop: Any) -> None:
    """Stop once the CLI that started us is gone. The CLI does not always close its language host:
    a run that fails early (a wrong config passphrase) can exit and leave it running, and no signal
    reaches us then. A parent-death signal would not do instead: Go starts us from whichever of its
    threads, and the signal follows that thread's end, not the CLI's."""
    while os.getppid() == _CLI:
        time.sleep(CLI_WATCH_INTERVAL_S)
    stop()


def python_for(directory: Path, virtualenv: Any) -> str:
    """The interpreter for a program or plugin in `directory`, as the current host chooses it."""
    if isinstance(virtualenv, str) and virtualenv:
        venv = Path(virtualenv) if os.path.isabs(virtualenv) else directory / virtualenv
        return str(venv / "bin" / "python")
    return os.environ.get("PULUMI_PYTHON_CMD") or "python3"


def project_virtualenv(start: Path) -> str | None:
    """`runtime.options.virtualenv` of the Pulumi.yaml at or above `start`, as an absolute path."""
    for directory in (start, *start.parents):
        project = directory / "Pulumi.yaml"
        if project.is_file():
            try:
                runtime = (yaml.safe_load(project.read_text()) or {}).get("runtime")
            except (OSError, yaml.YAMLError):
                return None
            options = runtime.get("options") if isinstance(runtime, dict) else None
            venv = options.get("virtualenv") if isinstance(options, dict) else None
            return str(directory / venv) if isinstance(venv, str) and venv else None
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", required=True, help="the real pulumi-language-python")
    ours, host_args = parser.parse_known_args(argv)

    flags = []
    venv = project_virtualenv(Path.cwd())
    if venv and not os.environ.get("PULUMI_PYTHON_CMD"):  # an explicit interpreter wins, as upstream
        flags = ["-virtualenv", venv]
    host = subprocess.Popen(
        [ours.host, *flags, *host_args], stdout=subprocess.PIPE, text=True, preexec_fn=_end_with_parent
    )
    assert host.stdout is not None
    port_line = host.stdout.readline().strip()
    if not port_line.isdigit():
        host.kill()
        sys.exit(f"pulumi-language-python (the v3.68 host behind the proxy) did not start: {port_line!r}")
    threading.Thread(target=lambda: [None for _ in host.stdout], daemon=True).start()  # keep draining

    options = [("grpc.max_receive_message_length", _MAX_MESSAGE), ("grpc.max_send_message_length", _MAX_MESSAGE)]
    channel = grpc.insecure_channel(f"127.0.0.1:{port_line}", options=options)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), handlers=[Proxy(channel)], options=options)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)

    HOST.process = host

    def stop(*_args: object) -> None:
        HOST.stopping.set()
        host.terminate()
        server.stop(grace=1)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    def host_gone() -> None:  # the host gone: say why (the CLI shows our stderr), then stop too
        host.wait()
        reason = HOST.reason()
        if reason:
            print(f"error: {reason}", file=sys.stderr, flush=True)
        server.stop(grace=1)

    threading.Thread(target=host_gone, daemon=True).start()
    threading.Thread(target=_end_with_the_cli, args=(stop,), daemon=True).start()
    server.wait_for_termination()
    try:
        host.wait(timeout=5)
    except subprocess.TimeoutExpired:
        host.kill()


if __name__ == "__main__":
    main()
