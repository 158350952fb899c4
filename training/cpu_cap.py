"""Pace the publish's PostgreSQL backend with a cgroup CPU cap, where PostgreSQL shares the serving host.

A publish's COPY and index builds are one PostgreSQL backend at full speed for a few seconds. When
that database also serves live traffic on a small machine (bench:serve's two cores), the backend
takes a whole core and requests queue behind it. A lower priority for it backfired (SCHED_IDLE:
p99 753 ms; a starved backend is descheduled for long stretches while holding what others wait
for, README "Serving"). A cgroup CPU cap paces it instead: it runs for `quota` of every `period`,
so a short period bounds how long it can sit throttled, and the build takes longer in wall time.

`backend_in_cgroup(conn, group)` moves the connection's backend into `group` (a cgroup directory
you created and set a cap on: v1 `cpu.cfs_quota_us`/`cpu.cfs_period_us`, v2 `cpu.max`) and back to
where it was on exit. It only works when PostgreSQL runs on this host and the cgroup is writable;
otherwise it warns and the publish goes on uncapped: the cap is an optimisation, never a reason
to fail a publish."""

from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mount:
    point: Path
    root: str
    v2: bool
    options: frozenset[str]  # a v1 mount's super options name its controllers ("rw,cpu")


def cgroup_mounts(mountinfo: str) -> list[Mount]:
    """The cgroup (v1) and cgroup2 mounts in a /proc/self/mountinfo text."""
    out = []
    for line in mountinfo.splitlines():
        pre, sep, post = line.partition(" - ")
        if not sep:
            continue
        fields, tail = pre.split(), post.split()
        if len(fields) < 5 or len(tail) < 3 or tail[0] not in ("cgroup", "cgroup2"):
            continue
        out.append(Mount(Path(fields[4]), fields[3], tail[0] == "cgroup2", frozenset(tail[2].split(","))))
    return out


def mount_of(group: Path, mounts: list[Mount]) -> Mount:
    """The mount `group` lies in: the longest mount point that is a prefix of it."""
    best = None
    for m in mounts:
        if (group == m.point or m.point in group.parents) and (best is None or len(str(m.point)) > len(str(best.point))):
            best = m
    if best is None:
        raise ValueError(f"{group} is not inside a mounted cgroup hierarchy")
    return best


def current_group(proc_cgroup: str, mount: Mount) -> Path:
    """The directory, under `mount`, of the group a process is in, from its /proc/<pid>/cgroup text."""
    for line in proc_cgroup.splitlines():
        hid, ctrl, path = line.split(":", 2)
        if mount.v2:
            same = hid == "0" and ctrl == ""
        else:  # "4:cpu,cpuacct:/path" belongs to the mount whose options hold cpu and cpuacct
            same = ctrl != "" and set(ctrl.split(",")) <= mount.options
        if same:
            rel = path[len(mount.root):] if mount.root != "/" and path.startswith(mount.root) else path
            return mount.point / rel.lstrip("/")
    raise ValueError(f"no line for the hierarchy at {mount.point} in the process's cgroup file")


def move(pid: int, group: Path) -> None:
    (group / "cgroup.procs").write_text(f"{pid}\n")


def _is_postgres(pid: int) -> bool:
    # The backend pid comes from the server: on a remote server it names no process here, or an
    # unrelated one that must not be capped.
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == "postgres"  # cmdline is the backend's retitled status
    except OSError:
        return False


@contextmanager
def backend_in_cgroup(conn, group: str | os.PathLike | None) -> Iterator[bool]:
    """Run the block with conn's PostgreSQL backend in cgroup `group`; yields whether it is there."""
    if not group:
        yield False
        return
    pid = conn.info.backend_pid
    target = Path(group)
    origin: Path | None = None
    try:
        if not _is_postgres(pid):
            raise ValueError(f"backend pid {pid} is not a PostgreSQL process on this host (remote database?)")
        mount = mount_of(target.resolve(), cgroup_mounts(Path("/proc/self/mountinfo").read_text()))
        here = current_group(Path(f"/proc/{pid}/cgroup").read_text(), mount)
        move(pid, target)
        origin = here
    except (OSError, ValueError) as e:
        log.warning("publish: not capping the PostgreSQL backend's CPU with cgroup %s: %s", group, e)
    try:
        yield origin is not None
    finally:
        if origin is not None:
            try:
                move(pid, origin)
            except OSError as e:  # the backend ended with its connection: nothing left to move
                log.warning("publish: could not move backend %d back to %s: %s", pid, origin, e)


def capped_group(name: str, cores: float, period_us: int = 10_000, idle: bool = False) -> Path:
    """Create (or reuse) cgroup `name` under this host's CPU controller, capped at `cores` of a core
    for every `period_us`. The default 10 ms period bounds a throttled backend's pause to ~5 ms at
    half a core (the kernel's default 100 ms would let it sit out ~50 ms holding its locks).

    `idle`: the group as a whole is scheduled as SCHED_IDLE (`cpu.idle`), for a process that runs
    at SCHED_IDLE itself. Without it the group competes with its siblings at full weight: a
    SCHED_IDLE task is idle only among the tasks of its own group, so moving one into a group of its
    own undoes its priority (bench:serve's capped publisher, one run each: p99 364 ms, 137 ms with
    `idle`).
    Raises OSError or ValueError where there is no writable CPU controller (or no cpu.idle, when
    asked for: kernels before 5.15)."""
    if not 0 < cores:
        raise ValueError(f"cores must be > 0, got {cores}")
    for m in cgroup_mounts(Path("/proc/self/mountinfo").read_text()):
        if m.v2:
            controllers = m.point / "cgroup.controllers"
            if not controllers.exists() or "cpu" not in controllers.read_text().split():
                continue
        elif "cpu" not in m.options:
            continue
        group = m.point / name
        group.mkdir(exist_ok=True)
        quota = max(1000, int(cores * period_us))  # the kernel's minimum quota is 1 ms
        if m.v2:
            (group / "cpu.max").write_text(f"{quota} {period_us}\n")
        else:  # unlimited while the period changes: an existing group's old quota never meets the new period
            (group / "cpu.cfs_quota_us").write_text("-1\n")
            (group / "cpu.cfs_period_us").write_text(f"{period_us}\n")
            (group / "cpu.cfs_quota_us").write_text(f"{quota}\n")
        idle_file = group / "cpu.idle"
        if idle or idle_file.exists():  # a reused group must not keep an earlier run's setting
            idle_file.write_text("1\n" if idle else "0\n")
        return group
    raise ValueError("no mounted cgroup hierarchy with the cpu controller on this host")


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m training.cpu_cap", description="create a CPU-capped cgroup for SOUK_PUBLISH_CGROUP; prints its path")
    p.add_argument("name", help="cgroup name under the CPU controller's mount, e.g. souk-publish")
    p.add_argument("cores", type=float, help="CPU cap in cores, e.g. 0.5")
    p.add_argument("--period-us", type=int, default=10_000)
    p.add_argument("--idle", action="store_true", help="schedule the whole group as SCHED_IDLE (cpu.idle), for a process that runs at SCHED_IDLE")
    a = p.parse_args(argv)
    try:
        print(capped_group(a.name, a.cores, a.period_us, a.idle))
    except (OSError, ValueError) as e:
        print(f"cannot create cgroup {a.name}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
