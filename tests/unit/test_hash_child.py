"""scrypt in a short-lived child: the same hashes and checks, and the parent's peak size stays."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from werkzeug.security import check_password_hash

from app.services.accounts.hash_child import HashChildFailed, check_in_child, hash_in_child, run_in_child

METHOD = "scrypt:8192:8:10"


def test_a_hash_made_in_the_child_checks_in_the_parent_and_the_other_way_round():
    made = hash_in_child("a long enough passphrase", METHOD)
    assert made.startswith(f"{METHOD}$")
    assert check_password_hash(made, "a long enough passphrase")
    assert check_in_child(made, "a long enough passphrase") is True
    assert check_in_child(made, "another passphrase") is False


def test_a_child_whose_hashing_fails_is_an_error_not_an_answer():
    def broken() -> str:
        raise ValueError("no such method")

    with pytest.raises(HashChildFailed):
        run_in_child(broken)


def test_the_parent_keeps_its_peak_size_while_the_child_hashes():
    script = textwrap.dedent(
        f"""
        from werkzeug.security import generate_password_hash
        from app.services.accounts.hash_child import hash_in_child

        def peak_kib():
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])

        start = peak_kib()
        for _ in range(3):
            hash_in_child("a long enough passphrase", "{METHOD}")
        in_child = peak_kib() - start
        generate_password_hash("a long enough passphrase", method="{METHOD}")
        in_process = peak_kib() - start - in_child
        print(in_child, in_process)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    in_child, in_process = map(int, done.stdout.split())
    assert in_process >= 7 * 1024, "scrypt in the process itself should raise its peak by 8 MiB"
    assert in_child < 1024, f"the parent's peak grew by {in_child} KiB while children hashed"
