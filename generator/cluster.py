"""`variants --cluster ADDRESS`: every variant is one task of a Dask distributed scheduler,
running the same `build_variant` as a local worker process. The results stream back here,
where the manifest and the merged PDFs are written, as with -j."""

from __future__ import annotations

import asyncio
import logging
import math
import os
import secrets
import shutil
import signal
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__, outdir
from .cache import code_fingerprint
from .errors import BuildError, Problem, SpecError
from .variants import WINDOW, Summary, Task, VariantResult, build_variant

MISSING_EXTRA = "--cluster needs the optional extra: pip install 'answerkey[cluster]'"
EPOCH = "SOURCE_DATE_EPOCH"


@dataclass(frozen=True)
class Run:
    """What every task of one run needs besides its Task: the client's folder (the tasks'
    paths are relative to it), a marked folder only this run has (a worker that sees it
    shares the client's files), the name of the Dask event that stops the run, the
    fingerprint of the client's answerkey and its SOURCE_DATE_EPOCH (the PDFs' dates)."""

    cwd: str
    probe: str
    stop: str
    code: str  # cache.code_fingerprint(): answerkey's version and every file of it
    source_date_epoch: str | None


@contextmanager
def connected(address: str) -> Iterator[Any]:
    """A Client of the Dask scheduler at `address`, closed afterwards; one error line when
    the extra is missing or the scheduler cannot be reached within Dask's connect timeout
    (distributed.comm.timeouts.connect)."""
    try:
        import dask.config
        import distributed
        from dask.utils import parse_timedelta
    except ImportError:
        raise SpecError([Problem.usage(MISSING_EXTRA)]) from None
    timeout = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"))

    async def reach() -> None:  # before a Client, whose failed start leaves noise behind
        comm = await distributed.comm.connect(address, timeout=timeout)
        await comm.close()

    try:
        asyncio.run(reach())
    except (ValueError, TypeError) as exc:  # not an address Dask knows
        raise SpecError([Problem.usage(f"--cluster {address}: {exc}")]) from None
    except OSError:
        raise BuildError(f"cannot reach the Dask scheduler at {address} within {timeout:g} s "
                         "(is it running? `dask scheduler` prints its address)") from None
    quiet = {name: logging.getLogger(name) for name in _LOGGERS}
    levels = {name: logger.level for name, logger in quiet.items()}
    try:  # Dask's own log lines would add to the one-line errors (a lost scheduler, say)
        for logger in quiet.values():
            logger.setLevel(logging.CRITICAL)
        try:
            with warnings.catch_warnings():  # its table of versions: the workers check ours
                warnings.simplefilter("ignore", distributed.versions.VersionMismatchWarning)
                client = distributed.Client(address, timeout=timeout, set_as_default=False)
        except OSError as exc:
            raise BuildError(f"cannot connect to the Dask scheduler at {address}: {exc}") \
                from None
        try:
            yield client
        finally:
            client.close()
    finally:
        for name, logger in quiet.items():
            logger.setLevel(levels[name])


_LOGGERS = ("distributed", "distributed.client")  # the second has a level of its own


def run_on_cluster(client, spec: str, tasks: Iterator[Task], summary: Summary,
                   folder: Path) -> str:
    """Build `tasks` (of `spec`) on the workers of a Dask `client`'s scheduler, counting
    each result into `summary`; returns the words the report line uses for where the
    variants were built."""
    import distributed

    address = client.scheduler.address
    probe = outdir.staging_name(folder)
    try:
        outdir.make_folder(probe, exist_ok=False)
        run = Run(os.getcwd(), str(probe.resolve()), f"answerkey-stop-{secrets.token_hex(8)}",
                  code_fingerprint(), os.environ.get(EPOCH))
        workers = _check_workers(client, address, run, spec)
        with _HeldSignals() as held:
            try:
                _submit_all(distributed, client, run, tasks, summary, held)
            except Exception as exc:
                if client.status == "running":
                    raise
                # No scheduler: what its workers are still building cannot be waited for.
                reason = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
                raise BuildError(f"lost the Dask scheduler at {address} ({reason}): "
                                 f"{summary.placed} of {summary.total} variants complete; run "
                                 "the command again to build the others") from None
        return f"on {workers} Dask worker(s) of {address}"
    finally:
        shutil.rmtree(probe, ignore_errors=True)


def _check_workers(client, address: str, run: Run, spec: str) -> int:
    """The number of the scheduler's workers (waiting for a first one), each checked to
    run this answerkey and to see the spec and the output folder; else one error line."""
    if not client.nthreads():
        print(f"waiting for a worker to join the Dask scheduler at {address} ...",
              file=sys.stderr, flush=True)
        client.wait_for_workers(1)
    try:
        problems = client.run(worker_problem, run, spec)
    except Exception as exc:  # the worker cannot even load this function
        raise BuildError(f"the Dask workers at {address} cannot run answerkey "
                         f"({type(exc).__name__}: {exc}): install answerkey[cluster] "
                         "where they run") from None
    found = [p for p in problems.values() if p]
    if found:
        raise BuildError(found[0])
    nthreads = client.nthreads()
    if any(n > 1 for n in nthreads.values()):
        print("note: the Dask workers have more than one thread; each worker process builds "
              "one variant at a time (start workers with --nthreads 1)", file=sys.stderr)
    return len(nthreads)


def worker_problem(run: Run, spec: str, dask_worker=None) -> str | None:
    """Why this Dask worker cannot build the run's variants (None: it can)."""
    where = f"the Dask worker at {dask_worker.address}" if dask_worker else "a Dask worker"
    if code_fingerprint() != run.code:
        return (f"{where} runs another answerkey ({__version__}, or the same version with "
                "other files): install the command's on every worker")
    if not Path(run.cwd).is_dir():
        return (f"{where} does not see the folder {run.cwd} the command runs in: it must be "
                "on a file system the workers share, at the same path")
    if not outdir.is_marked(Path(run.probe)):
        return (f"{where} does not see the output folder {Path(run.probe).parent}/: the "
                "spec and the output must be on a file system the workers share, at the "
                "same path (the cluster's home or scratch)")
    if spec and not Path(run.cwd, spec).is_file():
        return (f"{where} does not see the spec {Path(run.cwd, spec)}: it must be on a "
                "file system the workers share, at the same path")
    return None


# A build changes its process's folder, environment and warning filters: one at a time.
_ONE_AT_A_TIME = threading.Lock()


def build_on_worker(task: Task, run: Run) -> VariantResult:
    """One variant, as a Dask task: skipped once the run is stopped, refused by a worker
    that does not share the client's files, else built from the client's folder with its
    SOURCE_DATE_EPOCH."""
    from distributed import Event, get_worker

    with _ONE_AT_A_TIME:
        if Event(run.stop).is_set():
            return VariantResult(task.index, interrupted=True)
        problem = worker_problem(run, task.spec, get_worker())
        if problem:
            return VariantResult(task.index, error=(problem,), exit_code=1)
        folder, epoch = os.getcwd(), os.environ.get(EPOCH)
        os.chdir(run.cwd)
        _set_epoch(run.source_date_epoch)
        try:
            return build_variant(task)
        finally:
            os.chdir(folder)
            _set_epoch(epoch)


def _set_epoch(value: str | None) -> None:
    if value is None:
        os.environ.pop(EPOCH, None)
    else:
        os.environ[EPOCH] = value


def _submit_all(distributed, client, run: Run, tasks: Iterator[Task], summary: Summary,
                held: _HeldSignals) -> None:
    """Submit the tasks, keeping at most WINDOW per worker unfinished, and count every
    result. On Ctrl-C, the run's stop event is set: the tasks that have not started return
    at once and those being built finish whole, and every one is waited for, so that the
    manifest, written next, lists exactly the folders present."""
    results = distributed.as_completed(loop=client.loop, with_results=True, raise_errors=False)
    names: dict[str, str] = {}  # the key of each unfinished task: its variant's folder name
    slots, asked = 0, -math.inf  # the window, asked again every second (workers come and go)
    try:
        for task in tasks:
            future = client.submit(build_on_worker, task, run, pure=False)
            names[future.key] = Path(task.target).name
            results.add(future)
            while True:
                if time.monotonic() - asked > 1:
                    slots = WINDOW * max(1, len(client.nthreads()))
                    asked = time.monotonic()
                if results.count() < slots:
                    break
                _count(held.wait(results), names, summary)
        while not results.is_empty():
            _count(held.wait(results), names, summary)
    except KeyboardInterrupt:
        held.ignore()  # from now on: the tasks handed out are waited for
        distributed.Event(run.stop, client=client).set()
        while not results.is_empty():
            _count(results.next_batch(), names, summary)
        summary.interrupted = True


def _count(batch, names: dict[str, str], summary: Summary) -> None:
    """Count finished tasks; a task the cluster lost is its variant's error (exit 1), or
    an exception when the scheduler itself is gone."""
    for future, result in batch:
        name = names.pop(future.key)
        if isinstance(result, VariantResult):
            summary.add(result)
            continue
        exc = result[1] if isinstance(result, tuple) else result  # error or cancelled
        if future.client.status != "running":
            raise exc
        summary.add(VariantResult(-1, error=(
            f"variant {name}: the Dask cluster did not build it ({type(exc).__name__}: "
            f"{exc})",), exit_code=1))


class _HeldSignals:
    """Ctrl-C, SIGTERM and SIGHUP are held back while a task is being submitted (an
    interrupted submission could leave a task running that nobody waits for) and raised as
    KeyboardInterrupt in `wait`. Only the main thread receives signals: elsewhere, nothing
    changes."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self):
        self.signalled = False
        self.saved: dict = {}

    def __enter__(self) -> _HeldSignals:
        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                self.saved[sig] = signal.getsignal(sig)
                if self.saved[sig] != signal.SIG_IGN:  # a hangup ignored (nohup) stays so
                    signal.signal(sig, self._hold)
        return self

    def _hold(self, *_) -> None:
        self.signalled = True

    def wait(self, results) -> list:
        """The next finished tasks of `results` (an as_completed); KeyboardInterrupt when a
        signal came."""
        while not self.signalled:
            batch = results.next_batch(block=False)
            if batch:
                return batch
            time.sleep(0.01)
        raise KeyboardInterrupt

    def ignore(self) -> None:
        """Signals from now on change nothing."""
        self.signalled = False
        for sig in self.saved:
            if self.saved[sig] != signal.SIG_IGN:
                signal.signal(sig, signal.SIG_IGN)

    def __exit__(self, *exc) -> None:
        for sig, handler in self.saved.items():
            signal.signal(sig, handler)
        if self.signalled and exc[0] is None:
            raise KeyboardInterrupt
