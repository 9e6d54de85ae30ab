"""HTML of a document → tagged PDF, with WeasyPrint: in this process, or in a child process
with a time and memory limit.

The PDF is made as PDF/UA-1 (tagged: structure tree, language, title), with a URL fetcher
that serves only the app's own static files: ``file://``, other hosts and ``data:`` URLs —
whatever user text or a template mistake might point at — are refused. Its structure tree is
mended where WeasyPrint leaves it wrong (:mod:`consult.reports.pdf_tags`: artifacts, elements
cut by page breaks, list labels, table header scopes, link annotations).

Rendering can report its progress: WeasyPrint logs each step, and each page it lays out,
to the ``weasyprint.progress`` logger; :func:`render` passes those of its own thread to a
callback (background jobs store them for the page that waits).

Background jobs render in a child process (:func:`render_in_child`): a document that
would take too long or too much memory — thousands of pages of long remarks, a structure
WeasyPrint cannot lay out — ends that process with a clear :class:`RenderLimitError`, and
the web or job worker that asked for it goes on unharmed. This module does not need Flask:
the child imports only it, pdf_tags beside it and WeasyPrint.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import mimetypes
import os
import re
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Resources of the PDF resolve against this made-up origin; nothing is fetched from it:
# StaticOnlyFetcher answers from the static folder on disk.
BASE_URL = "https://consult.invalid/"
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}

Progress = Callable[[str, int], None]
"""Called with a step ("html", "css", "layout", "pdf", "metadata") and a page number."""


class RefusedResource(ValueError):
    """A resource outside the app's static files (WeasyPrint skips it and goes on)."""


class RenderLimitError(RuntimeError):
    """The renderer stopped: ``reason`` is "time", "memory" or "failed" (``detail`` says
    what failed, for the log)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


def _static_only_fetcher(static_folder: str | Path):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self, folder: str | Path):
            super().__init__(allowed_protocols=["https"], allow_redirects=False)
            self.static = Path(folder).resolve()

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith("/static/"):
                raise RefusedResource(f"refused: {url[:200]}")
            path = (self.static / unquote(parts.path[len("/static/"):])).resolve()
            if not path.is_relative_to(self.static) or not path.is_file():
                raise RefusedResource(f"refused: {url[:200]}")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})

    return StaticOnlyFetcher(static_folder)


def static_only_fetcher(static_folder: str | Path):
    """The fetcher every rendering uses (a WeasyPrint URLFetcher)."""
    return _static_only_fetcher(static_folder)


# Progress ---------------------------------------------------------------------------------

_STEPS = {"1": "html", "2": "css", "3": "css", "4": "structure", "5": "layout", "6": "pdf",
          "7": "metadata"}
_STEP_RE = re.compile(r"Step (\d) - .*?(?:Page (\d+))?(?: \(up-to-date\))?$")


class _ProgressHandler(logging.Handler):
    """Passes WeasyPrint's progress messages to the callback registered for their thread."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.callbacks: dict[int, Progress] = {}

    def emit(self, record: logging.LogRecord) -> None:
        callback = self.callbacks.get(record.thread)
        if callback is None:
            return
        match = _STEP_RE.match(record.getMessage())
        if match:
            _tell(callback, _STEPS.get(match.group(1), "layout"), int(match.group(2) or 0))


def _tell(progress: Progress | None, step: str, page: int) -> None:
    """Report progress; a progress report must never break the rendering."""
    if progress is None:
        return
    try:
        progress(step, page)
    except Exception:
        logging.getLogger(__name__).exception("progress callback failed")


_handler = _ProgressHandler()
_progress_logger = logging.getLogger("weasyprint.progress")
_progress_logger.addHandler(_handler)
_progress_logger.setLevel(logging.INFO)
_progress_logger.propagate = False  # progress is ours to show; keep it out of the app log


@dataclass
class RenderedPdf:
    content: bytes
    pages: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _pdf_tags():
    """consult.reports.pdf_tags; in the child (this file run as a script, no package of the
    app imported) the same file, loaded from beside this one."""
    if __name__ != "__main__":
        from consult.reports import pdf_tags

        return pdf_tags
    if "consult_pdf_tags" not in sys.modules:
        spec = importlib.util.spec_from_file_location("consult_pdf_tags", Path(__file__).with_name("pdf_tags.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules["consult_pdf_tags"]


def render(html: str, static_folder: str | Path, progress: Progress | None = None) -> RenderedPdf:
    """HTML of a document → tagged PDF bytes, in this process, reporting to ``progress``."""
    from weasyprint import HTML

    fetcher = static_only_fetcher(static_folder)
    thread = threading.get_ident()
    if progress is not None:
        _handler.callbacks[thread] = progress
    try:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(**PDF_OPTIONS)
        with _pdf_tags().recording() as finisher:
            content = document.write_pdf(finisher=finisher, **PDF_OPTIONS)
        return RenderedPdf(content, len(document.pages))
    finally:
        _handler.callbacks.pop(thread, None)


# In a child process -----------------------------------------------------------------------

_EXIT_MEMORY = 3  # the child's exit code when MemoryError stopped it
_CRASHES = {-signal.SIGSEGV, -signal.SIGBUS, -signal.SIGTRAP, -signal.SIGABRT}
_PROGRESS_LINE = re.compile(r"^progress (\w+) (\d+)$")
_PAGES_LINE = re.compile(r"^pages (\d+)$")
_FAILED_LINE = re.compile(r"^failed (\w+) (.*)$")


class _Crashed(Exception):
    """The renderer ended by a signal (native code); ``args[0]``: the signal."""


def render_in_child(html: str, static_folder: str | Path, progress: Progress | None = None, *,
                    timeout: float, memory_mb: int) -> RenderedPdf:
    """:func:`render` in a child process limited to ``memory_mb`` of address space and
    ``timeout`` seconds (of CPU and of the clock); raises :class:`RenderLimitError` when it
    is stopped or fails. Progress comes back on the child's standard error, the PDF on its
    standard output.

    A renderer that crashes (a signal from native code) gets one more try in a new process:
    seen once in a few thousand renders of small documents on a loaded machine; a document
    that really needs more memory than its limit crashes again and is reported as such."""
    try:
        return _render_in_child(html, static_folder, progress, timeout=timeout, memory_mb=memory_mb)
    except _Crashed as crash:
        logging.getLogger(__name__).warning("the renderer crashed with signal %s; trying again",
                                            crash.args[0])
    try:
        return _render_in_child(html, static_folder, progress, timeout=timeout, memory_mb=memory_mb)
    except _Crashed as crash:
        # Native code (Pango, cairo, harfbuzz) that cannot allocate more ends the process
        # by a signal instead of raising MemoryError.
        raise RenderLimitError("memory", f"the renderer crashed with signal {crash.args[0]} "
                                         f"(most likely at its limit of {memory_mb} MB)") from None


def _render_in_child(html: str, static_folder: str | Path, progress: Progress | None, *,
                     timeout: float, memory_mb: int) -> RenderedPdf:
    # This file run as a script: the child imports WeasyPrint, not the app (nor its database
    # connections). It limits itself before it reads the document.
    child = subprocess.Popen(
        [sys.executable, "-I", str(Path(__file__).resolve()), str(static_folder), str(memory_mb),
         str(max(1, int(timeout)))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, close_fds=True,
        start_new_session=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            child.kill()

    timer = threading.Timer(timeout, stop)
    timer.daemon = True
    output: list[bytes] = []

    def feed() -> None:  # stdin and stdout in their own thread: neither may block the other
        try:
            child.stdin.write(html.encode("utf-8", "surrogatepass"))
            child.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        output.append(child.stdout.read())

    worker = threading.Thread(target=feed, name="pdf-child-io", daemon=True)
    timer.start()
    worker.start()
    pages, failure = None, None
    try:
        for raw in child.stderr:  # here, in the caller's thread (its callback writes to the DB)
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if match := _PROGRESS_LINE.match(line):
                _tell(progress, match.group(1), int(match.group(2)))
            elif match := _PAGES_LINE.match(line):
                pages = int(match.group(1))
            elif match := _FAILED_LINE.match(line):
                failure = (match.group(1), match.group(2))
            elif line:
                logging.getLogger(__name__).debug("renderer: %s", line[:500])
        returncode = child.wait()
        worker.join(timeout=30)
    finally:
        timer.cancel()
        if child.poll() is None:
            stop()
            child.wait()
    if timed_out.is_set() or returncode in (-signal.SIGXCPU, -signal.SIGKILL) and pages is None:
        raise RenderLimitError("time", f"stopped after {timeout:.0f} s")
    if failure is not None:
        raise RenderLimitError(failure[0], failure[1])
    if returncode == _EXIT_MEMORY:  # its own line may not have got out of a full process
        raise RenderLimitError("memory", "the document needs more memory than allowed")
    if returncode in _CRASHES:
        raise _Crashed(-returncode)
    if returncode != 0 or pages is None or not output or not output[0].startswith(b"%PDF"):
        raise RenderLimitError("failed", f"the renderer ended with code {returncode}")
    return RenderedPdf(output[0], pages)


def _child_main(static_folder: str, memory_mb: int, cpu_seconds: int) -> int:
    """The child: HTML on standard input → PDF on standard output, within its limits."""
    import weasyprint  # noqa: F401 - loaded (fonts, libraries) before the limit is set

    _pdf_tags()  # likewise

    out_of_memory = b"failed memory the document needs more memory than allowed\n"
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    def report(step: str, page: int) -> None:
        sys.stderr.write(f"progress {step} {page}\n")
        sys.stderr.flush()

    try:
        html = sys.stdin.buffer.read().decode("utf-8", "surrogatepass")
        pdf = render(html, static_folder, report)
    except MemoryError:
        try:  # bytes made before the limit, one system call: nothing left to allocate
            os.write(2, out_of_memory)
        except OSError:
            pass
        return _EXIT_MEMORY
    except RecursionError:
        sys.stderr.write("failed failed the document is nested too deeply to lay out\n")
        return 4
    except Exception as exc:  # noqa: BLE001 - whatever stops WeasyPrint is one failure
        sys.stderr.write(f"failed failed {type(exc).__name__}: {str(exc)[:300]}\n")
        return 5
    sys.stdout.buffer.write(pdf.content)
    sys.stdout.buffer.flush()
    sys.stderr.write(f"pages {pdf.pages}\n")
    sys.stderr.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
