#!/usr/bin/python3
"""Build and run every program of README.md and docs/*.md against the installed package.

A code block is a complete program when an HTML comment right before its fence says so
(docs/conventions.md, "Programs in the documentation"):

    <!-- compile: c [COMPONENT...]
         run: [ARGS] => EXIT ["TEXT"]
    -->

- `c`: built with CMake (find_package(ordertrack 1 CONFIG REQUIRED COMPONENTS ...) linking
  ordertrack::COMPONENT, or ordertrack::ordertrack without one; a `compile: cmake` block right
  after it replaces that CMakeLists.txt, its source being main.c) and with pkg-config
  (ordertrack-COMPONENT, or ordertrack), both with -Wall -Wextra -Werror.
- `python`: run with the binding of bindings/python.
- `cmake`: the CMakeLists.txt of the `c` block before it.
Each `run:` line (default: one run with no arguments that exits 0) runs every build in a
fresh empty directory, checks the exit status and that TEXT is in its output.

Usage: check_programs.py BUILD_DIR SOURCE_DIR
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

MARKER = re.compile(r"^<!--\s*compile:(.*?)-->", re.S | re.M)
RUN = re.compile(r'^run:\s*(.*?)\s*=>\s*(\d+)\s*(?:"(.*)")?\s*$')
LANGUAGES = ("c", "cmake", "python")


class Failure(Exception):
    pass


def blocks(path):
    """(language, arguments, runs, code, line) of each marked block of the file `path`."""
    text = path.read_text(encoding="utf-8")
    found = []
    for m in MARKER.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        where = f"{path.name}:{line}"
        head, *rest = [s.strip() for s in m.group(1).strip().splitlines()]
        words = head.split()
        if not words or words[0] not in LANGUAGES:
            raise Failure(f"{where}: unknown marker \"compile:{head}\" (c, cmake or python)")
        runs = []
        for spec in filter(None, rest):
            r = RUN.match(spec)
            if not r:
                raise Failure(f"{where}: bad line \"{spec}\" (run: [ARGS] => EXIT [\"TEXT\"])")
            runs.append((shlex.split(r.group(1)), int(r.group(2)), r.group(3)))
        fence = re.compile(r"\s*```" + words[0] + r"\n(.*?)^```\n", re.S | re.M)
        body = fence.match(text, m.end())
        if not body:
            raise Failure(f"{where}: the marker is not followed by a ```{words[0]} block")
        found.append((words[0], words[1:], runs or [([], 0, None)], body.group(1), where))
    return found


def run(cmd, where, **kwargs):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kwargs)
    if p.returncode != 0:
        raise Failure(f"{where}: {' '.join(map(str, cmd))} exited {p.returncode}\n"
                      f"{p.stdout}{p.stderr}")
    return p


def build_c(code, components, cmakelists, prefix, libdir, work, where):
    """The program built with CMake and with pkg-config: the two executables."""
    src = work / "src"
    src.mkdir()
    (src / "main.c").write_text(code)
    if cmakelists is None:
        targets = " ".join(f"ordertrack::{c}" for c in components) or "ordertrack::ordertrack"
        asked = f" COMPONENTS {' '.join(components)}" if components else ""
        cmakelists = ("cmake_minimum_required(VERSION 3.16)\nproject(doc_program C)\n"
                      f"find_package(ordertrack 1 CONFIG REQUIRED{asked})\n"
                      f"add_executable(app main.c)\n"
                      f"target_link_libraries(app PRIVATE {targets})\n")
    (src / "CMakeLists.txt").write_text(cmakelists)
    exe = re.search(r"add_executable\(\s*([\w.-]+)", cmakelists)
    if not exe:
        raise Failure(f"{where}: its CMakeLists.txt has no add_executable")
    run(["cmake", "-S", src, "-B", work / "cmake", f"-DCMAKE_PREFIX_PATH={prefix}",
         "-DCMAKE_C_FLAGS=-Wall -Wextra -Werror"], where)
    run(["cmake", "--build", work / "cmake"], where)

    modules = [f"ordertrack-{c}" for c in components] or ["ordertrack"]
    env = dict(os.environ, PKG_CONFIG_PATH=str(libdir / "pkgconfig"))
    flags = run(["pkg-config", "--cflags", "--libs", *modules], where, env=env).stdout.split()
    run(["cc", "-Wall", "-Wextra", "-Werror", src / "main.c", "-o", work / "pc_app", *flags],
        where)
    return [[work / "cmake" / exe.group(1)], [work / "pc_app"]]


def check_runs(commands, runs, env, work, where):
    for n, command in enumerate(commands):
        for k, (args, status, text) in enumerate(runs):
            cwd = work / f"run{n}.{k}"
            cwd.mkdir()
            p = subprocess.run([*command, *args], cwd=cwd, env=env, capture_output=True,
                               text=True, timeout=120)
            out = p.stdout + p.stderr
            said = f"{where}: {' '.join(map(str, command[-1:] + args))}"
            if p.returncode != status:
                raise Failure(f"{said}: exit {p.returncode}, expected {status}\n{out}")
            if text is not None and text not in out:
                raise Failure(f"{said}: output lacks \"{text}\"\n{out}")


def main(build, source):
    files = [source / "README.md", *sorted((source / "docs").glob("*.md"))]
    found = [(f, b) for f in files for b in blocks(f)]
    if not any(b[0] == "c" for _, b in found):
        raise Failure("no block is marked <!-- compile: c --> (the README's program?)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        prefix = tmp / "prefix"
        run(["cmake", "--install", build, "--prefix", prefix], "install")
        libdir = next(prefix.rglob("libordertrack.so.1")).parent
        env = dict(os.environ, LD_LIBRARY_PATH=str(libdir),
                   PYTHONPATH=str(source / "bindings" / "python"))
        checked = 0
        for i, (path, (lang, args, runs, code, where)) in enumerate(found):
            work = tmp / f"block{i}"
            work.mkdir()
            if lang == "cmake":
                previous = found[i - 1][1] if i > 0 and found[i - 1][0] == path else None
                if not previous or previous[0] != "c":
                    raise Failure(f"{where}: a cmake block must follow a c block")
                continue
            if lang == "c":
                following = found[i + 1][1] if i + 1 < len(found) else None
                cmakelists = (following[3] if following and found[i + 1][0] == path
                              and following[0] == "cmake" else None)
                commands = build_c(code, args, cmakelists, prefix, libdir, work, where)
            else:
                (work / "program.py").write_text(code)
                commands = [["/usr/bin/python3", work / "program.py"]]
            check_runs(commands, runs, env, work, where)
            print(f"ok {where} ({lang}{' ' if args else ''}{' '.join(args)}, "
                  f"{len(commands)} build(s), {len(runs)} run(s))")
            checked += 1
        print(f"{checked} documented programs built and run")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: check_programs.py BUILD_DIR SOURCE_DIR")
    try:
        main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve())
    except Failure as exc:
        sys.exit(f"FAIL: {exc}")
