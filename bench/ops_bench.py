#!/usr/bin/python3
"""Operations jobs throughput: `ordertrack verify` and `ordertrack archive` on SQLite stores
of growing size, with each run's peak memory (max RSS), to show memory flat as the store
grows. Usage: ops_bench.py ORDERTRACK OPS_SEED SIZE... (e.g. 100000 1000000).

Each store is filled by ops_seed (the library's tracker, `short` mix: every order submitted
then cancelled, so every order is terminal and archived) in one directory under $TMPDIR;
verify reads every order; archive moves all of them (cut-off in the future) into zstd chunks
of 1000. Prints one Markdown table row per size."""
import os
import subprocess
import sys
import tempfile
import time


def run(argv):
    """(wall seconds, peak RSS in MiB, stdout) of one child process."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{argv[:2]} failed: {err.decode()[-400:]}")
    return wall, usage.ru_maxrss / 1024.0, out.decode()


def main():
    cli, seed, sizes = sys.argv[1], sys.argv[2], [int(a) for a in sys.argv[3:]]
    print("| orders | store MiB | seed s | verify s | verify orders/s | verify max RSS MiB "
          "| archive s | archive orders/s | archive max RSS MiB | archive MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "store.db")
            seed_s, _, _ = run([seed, "sqlite:" + db, str(n), "b", "1767225600000", "short"])
            size = sum(os.path.getsize(os.path.join(tmp, f)) for f in os.listdir(tmp)) / 2**20
            v_s, v_rss, out = run([cli, "verify", "sqlite:" + db])
            if f"verified {n} orders: 0 findings" not in out:
                sys.exit("verify: " + out)
            a_s, a_rss, out = run([cli, "archive", "sqlite:" + db, "--before", "2100-01-01",
                                   "--to", os.path.join(tmp, "archive")])
            if f"archived {n} orders" not in out:
                sys.exit("archive: " + out)
            arch = sum(os.path.getsize(os.path.join(tmp, "archive", f))
                       for f in os.listdir(os.path.join(tmp, "archive"))) / 2**20
            print(f"| {n} | {size:.0f} | {seed_s:.0f} | {v_s:.1f} | {n / v_s:,.0f} | "
                  f"{v_rss:.1f} | {a_s:.1f} | {n / a_s:,.0f} | {a_rss:.1f} | {arch:.1f} |",
                  flush=True)


if __name__ == "__main__":
    main()
