#!/usr/bin/env python3
"""Turns AsciiDoc pages into a corpus of the docs/EVAL.md shape (that of bench/data), so the quality harness can be
tried on text it has never seen (its results must not depend on the two dev corpora). It writes plain JSONL; the
harnesses read it as it is, or gzipped (.jsonl.gz). Made for the sources of the Git manual that Debian's git-doc ships
(how bench/data/gitdocs.jsonl.gz was made):

    python3 bench/asciidoc-corpus.py --min-words 1500 /usr/share/doc/git-doc/*.txt \\
        /usr/share/doc/git-doc/howto/*.txt /usr/share/doc/git-doc/technical/*.txt > /tmp/gitdocs.jsonl

One document a file, read as AsciiDoc (asciidoc.py, which Git's documentation is written for) reads it. Includes
(include::FILE[], relative to the including file) are read in place, or dropped where the file is not there; ifdef /
ifndef / endif are honoured with the attributes the page sets (":git-log: 1"). A file that another of the given files
includes is a part of those pages, not a document. A page that starts with mail headers (Git's howto/) loses them, as
Git's own build does. The title is the document title ("= Title"), else the Subject header, else the id.

"text" is the page without its section titles, attribute entries, block attribute lines ([verse], [[anchor]]),
comments, conditionals and block delimiters; listing and literal blocks are kept as they are, and the inline markup of
the rest is reduced to its text (linkgit:git-add[1] -> git-add(1), `code` -> code, 'emphasis' -> emphasis,
<<anchor,text>> -> text, {caret} -> ^). Each section title (two-line "Title" over a run of =, -, ~, ^ or + of about its
length, or one-line "== Title"; never inside a listing or literal block) becomes a section {"heading", "level",
"start", "end"}: level 1 for the document title (= or "= "), 2 for - ("== "), and so on; [start, end) are the
character offsets of its body in "text", and a section whose body is blank is left out. The id is the file's path
relative to the folder that holds all given files, without ".txt" / ".adoc"."""
import argparse
import json
import os
import re
import sys

UNDERLINES = {"=": 1, "-": 2, "~": 3, "^": 4, "+": 5}
ONE_LINE_TITLE = re.compile(r"^(={1,6})\s+(\S.*?)(?:\s+=+)?\s*$")
DELIMITER = re.compile(r"^(-{4,}|\.{4,}|\+{4,}|/{4,}|={4,}|\*{4,}|_{4,}|--|\|===+)\s*$")
VERBATIM = {"-", ".", "+", "/"}  # listing, literal, passthrough, comment: no markup, no titles inside
ATTRIBUTE_ENTRY = re.compile(r"^:(!?[\w][\w-]*!?):(?:\s+(.*?))?\s*$")
BLOCK_ATTRIBUTES = re.compile(r"^\[(?:\[[^\]]+\]|[A-Za-z_#.%\"'{][^\]]*)\]\s*$")
CONDITIONAL = re.compile(r"^(ifdef|ifndef|endif|ifeval)::([^\[]*)\[(.*)\]\s*$")
INCLUDE = re.compile(r"^include::([^\[]+)\[[^\]]*\]\s*$")
MAIL_HEADER = re.compile(r"^[A-Z][A-Za-z-]*:\s")
LABEL = re.compile(r"^(\s*)(\S.*?)(?<!:)(:{2,4}|;;)(?:\s+(.*))?$")
BUILTIN = {"caret": "^", "litdd": "--", "asterisk": "*", "tilde": "~", "startsb": "[", "endsb": "]", "plus": "+",
           "empty": "", "nbsp": " ", "sp": " ", "amp": "&", "lt": "<", "gt": ">", "apostrophe": "'",
           "backslash": "\\", "vbar": "|", "two-colons": "::", "two-semicolons": ";;", "backtick": "`", "quot": '"'}


class Reader:
    """The lines of a page after the preprocessor: includes read in place, conditionals applied (lazily, so that an
    attribute entry the parser has just read counts for the conditionals that follow it)."""

    def __init__(self, path, attributes):
        self.stack = [(path, self._lines(path), 0)]
        self.attributes = attributes
        self.conditions = []  # one bool a level: is this level's text kept
        self.pending = None

    @staticmethod
    def _lines(path):
        with open(path, encoding="utf-8") as f:
            return f.read().splitlines()

    def _raw(self):
        while self.stack:
            path, lines, i = self.stack[-1]
            if i < len(lines):
                self.stack[-1] = (path, lines, i + 1)
                return path, lines[i]
            self.stack.pop()
        return None, None

    def _test(self, kind, names):
        if kind == "ifeval":
            return True
        if "+" in names:
            found = all(n in self.attributes for n in names.split("+"))
        else:
            found = any(n in self.attributes for n in names.split(","))
        return found if kind == "ifdef" else not found

    def next(self):
        if self.pending is not None:
            line, self.pending = self.pending, None
            return line
        while True:
            path, line = self._raw()
            if line is None:
                return None
            conditional = CONDITIONAL.match(line)
            keeping = all(self.conditions)
            if conditional:
                kind, names, inline = conditional.groups()
                if kind == "endif":
                    if self.conditions:
                        self.conditions.pop()
                elif inline and kind != "ifeval":  # ifdef::attr[text]: one line, no endif
                    if keeping and self._test(kind, names):
                        return inline
                else:
                    self.conditions.append(keeping and self._test(kind, names))
                continue
            if not keeping:
                continue
            include = INCLUDE.match(line)
            if include:
                target = os.path.normpath(os.path.join(os.path.dirname(path), include.group(1)))
                if os.path.isfile(target) and len(self.stack) < 16:
                    self.stack.append((target, self._lines(target), 0))
                continue
            return line

    def peek(self):
        if self.pending is None:
            self.pending = self.next()
        return self.pending


def substitute(text, attributes):
    return re.sub(r"\{([\w-]+)\}", lambda m: attributes.get(m.group(1), m.group(0)), text)


def inline(text, attributes):
    """The readable text of a line of AsciiDoc: markup dropped, `code` kept verbatim."""
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for k, part in enumerate(parts):
        if k % 2:
            out.append(substitute(part[1:-1], attributes))
            continue
        part = substitute(part, attributes)
        part = re.sub(r"\+\+\+(.*?)\+\+\+", r"\1", part)
        part = re.sub(r"pass:\[(.*?)\]", r"\1", part)
        part = re.sub(r"\[\[[^\]]*\]\]", "", part)
        part = re.sub(r"linkgit:([\w.-]+)\[(\d)\]", r"\1(\2)", part)
        part = re.sub(r"link:([^\s\[]+)\[([^\]]*)\]", lambda m: m.group(2) or m.group(1), part)
        part = re.sub(r"((?:https?|ftp|mailto):[^\s\[]+)\[([^\]]*)\]", lambda m: m.group(2) or m.group(1), part)
        part = re.sub(r"footnote:\[([^\]]*)\]", r" (\1)", part)
        part = re.sub(r"<<([^,>]+),\s*([^>]+)>>", r"\2", part)
        part = re.sub(r"<<([^>]+)>>", r"\1", part)
        part = re.sub(r"(?<![\w'])'([^'\s](?:[^'\n]*?[^'\s])?)'(?![\w'])", r"\1", part)
        part = re.sub(r"(?<![\w*])\*([^*\s](?:[^*\n]*?[^*\s])?)\*(?![\w*])", r"\1", part)
        part = re.sub(r"\s\+$", "", part)
        out.append(part)
    return "".join(out)


def is_underline(line, title):
    if not line or len(line) < 2 or line[0] not in UNDERLINES or line.strip(line[0]):
        return False
    return abs(len(line) - len(title)) <= 2


def title_candidate(line):
    return (line and line[0] != "\t" and not line.startswith(("//", "[", ".", ":", "+", "|", "include::"))
            and not DELIMITER.match(line) and re.search(r"\w", line) is not None)


def document(path, doc_id):
    attributes = dict(BUILTIN)
    reader = Reader(path, attributes)
    subject = None
    if MAIL_HEADER.match(reader.peek() or ""):  # howto/: mail headers up to the first blank line
        while (line := reader.next()) is not None and line.strip():
            if line.startswith("Subject:"):
                subject = line[len("Subject:"):].strip()
    text, sections, length = [], [], 0
    verbatim = None  # the delimiter of the listing / literal / passthrough / comment block we are in
    block_start, blank = True, True

    def emit(s):
        nonlocal length, blank
        if not s.strip():
            if blank:
                return
            s = ""
        blank = not s.strip()
        text.append(s + "\n")
        length += len(s) + 1

    def heading(title, level, continued=False):
        nonlocal block_start, blank
        title = inline(title, attributes).strip()
        if continued and sections and sections[-1]["level"] == level and sections[-1]["start"] == length:
            sections[-1]["heading"] += " " + title  # "=== a title ===" over several lines (Git's technical/ notes)
        else:
            if sections:
                sections[-1]["end"] = length
            sections.append({"heading": title, "level": level, "start": length, "end": length})
        block_start, blank = True, True

    line = ""
    while True:
        previous, line = line, reader.next()  # previous: the line before, to join a title that runs over lines
        if line is None:
            break
        line = line.rstrip()
        if verbatim is not None:
            if len(line) >= 4 and line[0] == verbatim[0] and not line.strip(line[0]):  # asciidoc.py: any length
                verbatim, block_start = None, True
            elif verbatim[0] != "/":
                text.append(line + "\n")
                length += len(line) + 1
                blank = False
            continue
        if not line.strip():
            emit("")
            block_start = True
            continue
        if line.startswith("//") and not line.startswith("////"):
            continue
        if block_start and title_candidate(line):
            one_line = ONE_LINE_TITLE.match(line)
            if one_line:
                heading(one_line.group(2), len(one_line.group(1)), continued=bool(ONE_LINE_TITLE.match(previous)))
                continue
            if is_underline((reader.peek() or "").rstrip(), line):
                level = UNDERLINES[reader.next().rstrip()[0]]
                heading(line, level)
                continue
        delimiter = DELIMITER.match(line)
        if delimiter:
            if line[0] in VERBATIM and line != "--":
                verbatim = line
            block_start = True
            continue
        entry = ATTRIBUTE_ENTRY.match(line)
        if entry:
            name = entry.group(1)
            if name.startswith("!") or name.endswith("!"):
                attributes.pop(name.strip("!"), None)
            else:
                attributes[name] = entry.group(2) or ""
            block_start = True
            continue
        if BLOCK_ATTRIBUTES.match(line):
            block_start = True
            continue
        if line == "+":  # list continuation
            emit("")
            block_start = True
            continue
        if block_start and re.match(r"^\.[A-Za-z0-9`'\"*_]", line):  # a block title
            line = line[1:]
        label = LABEL.match(line)
        if label and not line.lstrip().startswith(("http:", "https:")):
            indent, term, _, rest = label.groups()
            emit(indent + inline(term, attributes))
            if rest:
                emit(indent + inline(rest, attributes))
        elif line.startswith("|"):
            emit(inline(line[1:].strip(), attributes))
        else:
            emit(inline(line, attributes))
        block_start = False
    if sections:
        sections[-1]["end"] = length
    body = "".join(text)
    title = sections[0]["heading"] if sections and sections[0]["level"] == 1 else subject or doc_id
    kept = [s for s in sections if body[s["start"]:s["end"]].strip()]
    return {"id": doc_id, "title": title, "source": path, "text": body, "sections": kept}


def included(files):
    """The files that one of the given files includes (directly or through another include)."""
    parts, todo = set(), list(files)
    while todo:
        path = todo.pop()
        with open(path, encoding="utf-8") as f:
            for line in f:
                match = INCLUDE.match(line.rstrip())
                if match:
                    target = os.path.normpath(os.path.join(os.path.dirname(path), match.group(1)))
                    if os.path.isfile(target) and target not in parts:
                        parts.add(target)
                        todo.append(target)
    return parts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--min-words", type=int, default=0)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    files = sorted(set(os.path.normpath(f) for f in args.files))
    parts = included(files)
    root = os.path.commonpath([os.path.dirname(os.path.abspath(f)) for f in files])
    for path in files:
        if path in parts:
            continue
        doc_id = os.path.splitext(os.path.relpath(os.path.abspath(path), root))[0]
        doc = document(path, doc_id)
        if len(doc["text"].split()) >= args.min_words:
            sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
