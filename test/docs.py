#!/usr/bin/env python3
"""Runs every SQL example in README.md and docs/ and compares its output with the page.

A page's examples are its ```sql blocks. A plain ``` block right after one
(only blank lines between) is that example's expected output, exactly as psql
prints it (aligned, no row-count footer; trailing spaces ignored; an error as
"ERROR:  message"). Blocks in other languages (```text for signatures) are not
run. Each page runs in a fresh database with eventml (created for it unless
an example does), after the fixture it
names on a line `<!-- docs-test fixture: test/docs/<name>.sql -->` (tables its
examples read). Pages under docs/design/ are studies, not run.

Usage: test/docs.py [--write] PSQL [PAGE...]   (PGHOST/PGPORT/PGUSER select the server)
--write puts the actual outputs into the pages (for authors; review with git diff).
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
MARKER = "@@docs-test block {}@@"
FIXTURE = re.compile(r"<!-- docs-test fixture: (\S+) -->")


def examples(text):
    """(sql, expected or None, line after the sql block, end line of the output block or None) for
    each ```sql block of a page."""
    lines = text.split("\n")
    blocks = []  # (language, body, first line, last line)
    i = 0
    while i < len(lines):
        if lines[i].startswith("```"):
            language = lines[i][3:].strip()
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            blocks.append((language, "\n".join(lines[i + 1:j]), i, j))
            i = j + 1
        else:
            i += 1
    result = []
    for k, (language, body, _, end) in enumerate(blocks):
        if language != "sql":
            continue
        expected, output_end = None, None
        if k + 1 < len(blocks) and blocks[k + 1][0] == "":
            between = lines[end + 1:blocks[k + 1][2]]
            if all(not line.strip() for line in between):
                expected, output_end = blocks[k + 1][1], blocks[k + 1][3]
        result.append((body, expected, end + 1, output_end))
    return result


def write_outputs(page, text, cases, outputs):
    """The page with each example's output block replaced by (or given) what psql printed."""
    lines = text.split("\n")
    for (_, expected, after_sql, output_end), got in reversed(list(zip(cases, outputs))):
        block = ["```"] + (got.split("\n") if got else []) + ["```"]
        if expected is not None:
            lines[after_sql:output_end + 1] = block
        elif got:
            lines[after_sql:after_sql] = block
    page.write_text("\n".join(lines))


def normalize(output):
    lines = [re.sub(r"^psql:[^:]*:\d+: ", "", line).rstrip() for line in output.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def run_page(psql, page, write):
    text = page.read_text()
    cases = examples(text)
    if not cases:
        return 0, 0
    database = "docs_" + re.sub(r"\W", "_", page.stem).lower()
    admin = [psql, "-X", "-q", "-d", "postgres", "-v", "ON_ERROR_STOP=1"]
    subprocess.run(admin + ["-c", f"DROP DATABASE IF EXISTS {database}", "-c", f"CREATE DATABASE {database}"],
                   check=True, capture_output=True)
    # The extension is created for the page unless the page shows that itself.
    creates = any("CREATE EXTENSION eventml" in sql for sql, *_ in cases)
    script = ([] if creates else ["CREATE EXTENSION eventml;"]) + ["SET timezone = 'UTC';"]
    fixture = FIXTURE.search(text)
    if fixture:
        script.append((ROOT / fixture.group(1)).read_text())
    script.append("\\pset footer off")
    for n, (sql, *_) in enumerate(cases):
        script.append(f"\\echo {MARKER.format(n)}")
        script.append(sql)
    # psql writes errors to stderr: merged with stdout, they land in their example's output.
    merged = subprocess.run([psql, "-X", "-q", "-d", database], input="\n".join(script) + "\n",
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
    subprocess.run(admin + ["-c", f"DROP DATABASE {database}"], check=True, capture_output=True)
    head, *parts = re.split(r"@@docs-test block (\d+)@@\n?", merged)
    outputs = {int(parts[i]): parts[i + 1] for i in range(0, len(parts), 2)}
    failures = 0
    if write:
        write_outputs(page, text, cases, [normalize(outputs.get(n, "")) for n in range(len(cases))])
    if "ERROR" in head:
        print(f"FAIL {page.relative_to(ROOT)}: the fixture failed:\n{head}")
        return len(cases), len(cases)
    for n, (sql, expected, *_) in enumerate(cases):
        if n not in outputs:
            failures += 1
            print(f"FAIL {page.relative_to(ROOT)} example {n + 1}: not run; psql printed:\n{merged[-2000:]}\n")
            continue
        got = normalize(outputs[n])
        if expected is None:
            if "ERROR:" in got:
                failures += 1
                print(f"FAIL {page.relative_to(ROOT)} example {n + 1}:\n{sql}\n--- error:\n{got}\n")
        elif got != normalize(expected):
            failures += 1
            print(f"FAIL {page.relative_to(ROOT)} example {n + 1}:\n{sql}\n--- expected:\n{normalize(expected)}\n"
                  f"--- got:\n{got}\n")
    return len(cases), failures


def main():
    args = sys.argv[1:]
    write = args[:1] == ["--write"]
    psql, *names = args[1:] if write else args
    pages = [pathlib.Path(p).resolve() for p in names] or [ROOT / "README.md"] + sorted(
        p for p in (ROOT / "docs").rglob("*.md") if "design" not in p.parts)
    total = failed = 0
    for page in pages:
        count, failures = run_page(psql, page, write)
        total += count
        failed += failures
        if count:
            print(f"{'ok  ' if failures == 0 else 'FAIL'} {page.relative_to(ROOT)}: {count} examples, "
                  f"{failures} failed")
    print(f"docs: {total} examples, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
