"""The development dead-letter key: generated once per local stack, the same for every process that asks at once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from iop_shared.deadletter_crypto import LetterCipher, development_key

pytestmark = pytest.mark.integration


def test_concurrent_services_agree_on_the_generated_development_key(tmp_path: Path) -> None:
    path, keys = tmp_path / "stack" / "deadletter.key", []
    threads = [threading.Thread(target=lambda: keys.append(development_key(path))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(keys)) == 1 and LetterCipher(keys[0]).open(LetterCipher(keys[0]).seal(b"x")) == b"x"
