"""On-disk cache of travel matrices, keyed by a hash of everything that shapes them.

Road matrices for hundreds of stations take seconds to minutes; dispatchers re-plan the same
network every morning with new parcels, so the matrices are kept between runs.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np


def cache_dir() -> Path:
    """Folder for cached matrices: ``$ROUTING_CACHE_DIR``, else ``$XDG_CACHE_HOME/routing``."""
    env = os.environ.get("ROUTING_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "routing"


def file_digest(path: Path) -> str:
    """SHA-1 of a file's bytes, so an edited road file never reuses stale matrices."""
    h = hashlib.sha1()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cache_key(payload: dict[str, Any]) -> str:
    """Stable hash of JSON-serialisable inputs."""
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()


def load_arrays(key: str) -> dict[str, np.ndarray] | None:
    """Return the cached arrays for ``key``, or None when absent or unreadable."""
    path = cache_dir() / f"matrix-{key}.npz"
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except (OSError, ValueError):
        return None  # a truncated cache file is rebuilt, not trusted


def save_arrays(key: str, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays atomically (tmp file + rename) so concurrent runs never read half a file."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".matrix-{key}.{os.getpid()}.npz"
        np.savez_compressed(tmp, **arrays)  # type: ignore[arg-type]
        tmp.replace(folder / f"matrix-{key}.npz")
    except OSError:
        pass  # a read-only home must not stop planning; the cache is only a speed-up
