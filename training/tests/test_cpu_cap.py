"""cpu_cap: parsing the kernel's cgroup files, and a real PostgreSQL backend moved into a real
CPU-capped cgroup and back (skipped where this host has no writable cgroup CPU controller)."""
from __future__ import annotations

import logging
import secrets
from pathlib import Path

import psycopg
import pytest

from training.cpu_cap import Mount, backend_in_cgroup, capped_group, cgroup_mounts, current_group, mount_of

MOUNTINFO = """\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
33 31 0:30 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate
"""


def test_mounts_are_the_cgroup_ones_with_their_options():
    mounts = cgroup_mounts(MOUNTINFO)
    assert [m.point for m in mounts] == [Path("/sys/fs/cgroup/cpu,cpuacct"), Path("/sys/fs/cgroup/memory"), Path("/sys/fs/cgroup/unified")]
    assert mounts[0].options >= {"cpu", "cpuacct"} and not mounts[0].v2
    assert mounts[2].v2


def test_a_group_belongs_to_the_longest_mount_holding_it():
    mounts = cgroup_mounts(MOUNTINFO)
    assert mount_of(Path("/sys/fs/cgroup/cpu,cpuacct/souk"), mounts).point == Path("/sys/fs/cgroup/cpu,cpuacct")
    assert mount_of(Path("/sys/fs/cgroup/unified/a/b"), mounts).v2
    with pytest.raises(ValueError, match="not inside a mounted cgroup"):
        mount_of(Path("/tmp/souk"), mounts)


def test_current_group_reads_the_line_of_that_hierarchy():
    proc = "12:memory:/m\n4:cpu,cpuacct:/system.slice/postgresql.service\n0::/user.slice\n"
    v1 = Mount(Path("/sys/fs/cgroup/cpu,cpuacct"), "/", False, frozenset({"rw", "cpu", "cpuacct"}))
    v2 = Mount(Path("/sys/fs/cgroup/unified"), "/", True, frozenset({"rw"}))
    assert current_group(proc, v1) == Path("/sys/fs/cgroup/cpu,cpuacct/system.slice/postgresql.service")
    assert current_group(proc, v2) == Path("/sys/fs/cgroup/unified/user.slice")
    # A container sees its own cgroup as the mount's root: the path is relative to it.
    nested = Mount(Path("/sys/fs/cgroup/cpu"), "/docker/abc", False, frozenset({"rw", "cpu"}))
    assert current_group("3:cpu:/docker/abc/pg\n", nested) == Path("/sys/fs/cgroup/cpu/pg")
    with pytest.raises(ValueError, match="no line"):
        current_group("12:memory:/m\n", v1)


def _capped_group(cores: float) -> Path:
    """A new cgroup under this host's CPU controller capped at `cores`, or skip."""
    try:
        return capped_group(f"souk-test-{secrets.token_hex(4)}", cores)
    except (OSError, ValueError) as e:
        pytest.skip(f"no writable cgroup with the cpu controller on this host: {e}")


def _group_of(pid: int) -> str:
    return Path(f"/proc/{pid}/cgroup").read_text()


def test_backend_runs_capped_inside_and_returns_after(pg_dsn):
    group = _capped_group(0.2)
    try:
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            pid = conn.info.backend_pid
            before = _group_of(pid)
            with backend_in_cgroup(conn, group) as capped:
                assert capped
                assert int((group / "cgroup.procs").read_text().split()[0]) == pid
                # ~0.5 s of CPU at a fifth of a core: the kernel must throttle it.
                conn.execute("SELECT sum(sqrt(g)) FROM generate_series(1, 3000000) g")
            assert _group_of(pid) == before
            assert (group / "cgroup.procs").read_text().strip() == ""
            stat = dict(line.split() for line in (group / "cpu.stat").read_text().splitlines())
            assert int(stat["nr_throttled"]) > 0
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        group.rmdir()


def test_no_group_or_an_unusable_one_leaves_the_backend_where_it_is(pg_dsn, tmp_path, caplog):
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        pid = conn.info.backend_pid
        before = _group_of(pid)
        with backend_in_cgroup(conn, None) as capped:
            assert not capped
        with caplog.at_level(logging.WARNING), backend_in_cgroup(conn, tmp_path / "not-a-cgroup") as capped:
            assert not capped
            assert conn.execute("SELECT 2").fetchone() == (2,)
        assert "not capping" in caplog.text and "not-a-cgroup" in caplog.text
        assert _group_of(pid) == before


def test_publish_builds_its_table_inside_the_capped_group_and_swaps_outside(prepared, pg_dsn, tmp_path):
    from training.publish import publish
    from training.tests.test_publish import catalog, live, make_export

    group = _capped_group(0.5)
    try:
        rows, feats = catalog(prepared)
        assert publish(pg_dsn, make_export(prepared, tmp_path / "v1", 1, {"recall@50": 0.4}), rows, feats, build_cgroup=str(group)) == 1
        assert live(pg_dsn) == (1, [(1,)])
        stat = dict(line.split() for line in (group / "cpu.stat").read_text().splitlines())
        assert int(stat["nr_periods"]) > 0  # the backend ran in the group: its COPY and index builds
        assert (group / "cgroup.procs").read_text().strip() == ""
    finally:
        group.rmdir()


def test_an_idle_group_is_scheduled_as_idle_and_a_reused_one_forgets_it():
    try:
        group = capped_group(f"souk-test-{secrets.token_hex(4)}", 0.5, idle=True)
    except (OSError, ValueError) as e:
        pytest.skip(f"no writable cgroup with cpu.idle on this host: {e}")
    try:
        assert (group / "cpu.idle").read_text().strip() == "1"
        assert capped_group(group.name, 0.5) == group
        assert (group / "cpu.idle").read_text().strip() == "0"
    finally:
        group.rmdir()


def test_cli_refuses_a_cap_of_no_cpu(capsys):
    from training.cpu_cap import main

    assert main(["souk-test-none", "0"]) == 1
    assert "cores must be > 0" in capsys.readouterr().err
