"""The `medkg` command line.

Exit codes (medkg.errors): 0 ok; 1 findings (the data does not conform, or a check a command makes
failed: mutate below --threshold, sync-article --check out of date); 2 usage or input error; 3 a
query engine failed (an endpoint, a query past --timeout, the query engine behind serve); 130 interrupted.
"""

import argparse
import contextlib
import math
import os
import sys
import tempfile
from pathlib import Path

from medkg import __version__, errors
from medkg.project_files import DATA_DIR, relative

# Only the standard library and two small modules above: a Ctrl-C while this module loads is
# outside main's handler (and shows Python's traceback), so everything heavier (rdflib,
# pyoxigraph) is imported inside main, where Ctrl-C is one line and exit 130.


def main(argv: list[str] | None = None) -> int:
    try:
        parser = _parser()
        try:
            args = parser.parse_args(argv)  # type functions may import (pyoxigraph for an IRI)
        except SystemExit as e:  # argparse exits 2 on a usage error and 0 on --help
            return int(e.code or 0)
        return args.run(args)
    except errors.MedkgError as e:  # the one place a failure becomes a message and an exit code
        print(e, file=sys.stderr)  # starts with the file (file:line:column) so editors can jump to it
        return e.exit_code
    except KeyboardInterrupt:
        print("medkg: interrupted", file=sys.stderr)
        return errors.INTERRUPTED
    except RecursionError:  # a path, list or blank-node value nested thousands deep, in any input
        print("medkg: the input is nested too deeply to process (a SHACL path, an RDF list or a blank-node "
              "value hundreds of levels deep); flatten it", file=sys.stderr)
        return errors.INPUT
    except UnicodeError as e:  # a last resort: every reader decodes strictly and names its input (medkg/text_input.py)
        print(f"medkg: text that is not valid UTF-8 ({e.reason}); save or retype it as UTF-8", file=sys.stderr)
        return errors.INPUT
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return errors.OK


def _seconds(text: str) -> float:
    """A timeout: a finite number of seconds, more than 0 and at most a day."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (0 < value <= 86400):  # also refuses nan; 1e300 overflows every socket timeout
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of seconds between 0 and 86400, e.g. 30")
    return value


def _mebibytes(text: str) -> int:
    """A query worker's memory bound: whole MiB, at least 256 (a worker holds about 110 at rest)."""
    if not text.isdigit() or not (256 <= int(text) <= 1 << 20):
        raise argparse.ArgumentTypeError(f"{text!r}: give whole MiB between 256 and 1048576, e.g. 1024")
    return int(text)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number above 0")
    return value


def _percent(text: str) -> float:
    """A share in per cent: more than 0, at most 100 (0 would pass a run that caught nothing)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (0 < value <= 100):  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"{text!r}: give a percentage above 0 and at most 100, e.g. 95")
    return value


def _text(text: str) -> str:
    """Free text from the command line (a quote, a query's name), refused when the shell passed bytes
    that are not UTF-8: they arrive as lone surrogates, and failed wherever they were first written out."""
    from medkg.text_input import argument

    try:
        return argument(text, "the argument")
    except errors.InputError as e:
        raise argparse.ArgumentTypeError(str(e).removeprefix("the argument: ")) from None


def _local_name(text: str) -> str:
    """A local name medkg may mint (medkg/rdf/minted.py): it is printed into Turtle as quote:NAME."""
    from medkg.rdf import minted
    from medkg.rdf.namespaces import MINTED

    if minted.problem(MINTED[2] + text):  # the quote: namespace
        raise argparse.ArgumentTypeError(f"{text[:60]!r} is not a local name: use {minted.ALLOWED} only, "
                                         f"at most {minted.MAX_LOCAL} characters")
    return text


def _iri(text: str) -> str:
    """An absolute IRI (a graph name, a base): an empty or relative one would name the wrong thing."""
    import pyoxigraph as ox

    _text(text)
    try:
        ox.NamedNode(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"{text!r} is not an absolute IRI ({e}); write it in full, "
                                         "e.g. https://w3id.org/medkg/graph") from None
    return text


def _url(text: str) -> str:
    """An http(s) URL with a host: an endpoint."""
    from urllib.parse import urlsplit

    _text(text)  # else the request failed (exit 3) as if the server had answered wrongly
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"{text!r} is not a URL ({e})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http(s) URL; write it in full, "
                                         "e.g. http://127.0.0.1:7878/query")
    return text


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error in one line (its own usage block runs to several): what was
    wrong and where to read more. Subcommands' parsers are of the same class."""

    def error(self, message: str):
        self.exit(errors.INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    from medkg.rdf.namespaces import GRAPH

    parser = _Parser(
        prog="medkg",
        description="medkg: a medical knowledge graph whose every fact is traceable to the words it rests on.",
        epilog="Exit codes: 0 ok; 1 findings (the data does not conform, or a check failed: mutate, "
        "sync-article --check); 2 usage or input error; 3 a query engine failed (an endpoint, a query past "
        "--timeout, the query engine behind serve); 130 interrupted (Ctrl-C).",
    )
    parser.add_argument("--version", action="version", version=f"medkg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate", help="check data files against the ontology and the SHACL shapes",
        description="Check Turtle files (default: data/) strictly for syntax, then against the "
        "ontology and the SHACL shapes. One line per finding: severity, file:line, focus node, "
        "property, message, shape.",
    )
    _add_validate_options(validate)
    validate.set_defaults(run=_validate)

    run = commands.add_parser("run", help="validate the embedded graph and summarise what it holds (make run)")
    run.set_defaults(run=_run)

    summary = commands.add_parser("summary", help="count what the graph holds: claims per kind, sources, notes")
    summary.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders (default: data/)")
    summary.set_defaults(run=_summary)

    anchor = commands.add_parser(
        "anchor", help="print the Web Annotation selectors for a quote of the article",
        description="Find the exact words in the article text and print the oa:TextQuoteSelector and "
        "oa:TextPositionSelector blocks to paste under a claim.",
    )
    anchor.add_argument("quote", type=_text, help="the article's exact words")
    anchor.add_argument("--id", default="NEW-CLAIM", type=_local_name,
                        help="the claim's local name, used to name the selectors (letters, digits, '-' and '_')")
    anchor.add_argument("--occurrence", type=int, default=1, help="which occurrence, when the words recur (default 1)")
    anchor.set_defaults(run=_anchor)

    query = commands.add_parser(
        "query", help="run a catalogue query (or a .rq file) on the local graph or a SPARQL endpoint",
        description="Run a query by catalogue name or file path. Local by default (the embedded "
        "graph on pyoxigraph); --endpoint runs it on a remote SPARQL 1.1 endpoint (exit 3 if that fails). "
        "Only queries run: SPARQL Update is refused.",
    )
    query.add_argument("query", nargs="?", type=_text, metavar="NAME|FILE", help="a catalogue name (see --list) or a .rq file")
    query.add_argument("--list", action="store_true", help="list the catalogue")
    query.add_argument("--endpoint", type=_url, metavar="URL", help="a SPARQL 1.1 query endpoint, e.g. http://127.0.0.1:7878/query")
    query.add_argument("--default-graph", type=_iri, metavar="IRI", help="with --endpoint: the graph to query as the default graph")
    query.add_argument("--format", help="table, csv, tsv, json or md, or a media type (default: table on a terminal, csv otherwise)")
    query.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="bind a query parameter (repeatable)")
    query.add_argument("--wide", action="store_true",
                       help="table: every cell on one line, however wide (by default the table wraps to the terminal)")
    query.add_argument("--allow-service", action="store_true",
                       help="let a local query's SERVICE clauses fetch from the servers they name (off by default)")
    query.add_argument("--max-bytes", type=_positive_int, metavar="N",
                       help="with --endpoint: the largest answer to read, in bytes (default 256 MiB; exit 3 past it)")
    query.add_argument("--timeout", type=_seconds, default=30, help="seconds the whole query may take, locally or on an endpoint (default 30)")
    query.set_defaults(run=_query)

    catalog = commands.add_parser("catalog", help="write the query catalogue as RDF (SIB sparql-examples shape)")
    catalog.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    catalog.add_argument("--target", default="http://127.0.0.1:7878/query", type=_iri, help="the endpoint the queries are for (schema:target)")
    catalog.set_defaults(run=_catalog)

    serve = commands.add_parser(
        "serve", help="serve the whole graph from a read-only Oxigraph SPARQL server on 127.0.0.1, with the site's pages",
        description="Serve the graph read-only on 127.0.0.1: the SPARQL endpoint at /query, medkg's query editor "
        "at /, and the site's pages (built afresh, as `medkg site` would) at the paths of the graph's IRIs, "
        "negotiated on Accept: /id/baclofen answers text/html, text/turtle or application/ld+json.",
    )
    serve.add_argument("--port", type=int, default=7878, help="port on 127.0.0.1 (default 7878; 0 picks a free one)")
    serve.add_argument("--timeout", type=lambda s: max(1, round(_seconds(s))), default=60,
                       help="seconds a query may run before the server stops it (default 60)")
    serve.add_argument("--memory", type=_mebibytes, default=1024, metavar="MIB",
                       help="MiB of memory each query worker may hold; a query needing more is refused 507 (default 1024)")
    serve.set_defaults(run=_serve)

    load = commands.add_parser(
        "load", help="put the whole graph into a SPARQL store (Graph Store Protocol), replacing one graph",
        description="Replace one named graph of a SPARQL 1.1 Graph Store Protocol endpoint with the "
        "whole graph (data and ontology) in a single PUT, so that a failure leaves the old graph intact.",
    )
    load.add_argument("--endpoint", required=True, type=_url, metavar="URL", help="the Graph Store endpoint, e.g. http://127.0.0.1:7878/store")
    target = load.add_mutually_exclusive_group()
    target.add_argument("--graph", default=GRAPH, type=_iri, metavar="IRI", help=f"the named graph to replace (default {GRAPH})")
    target.add_argument("--default-graph-replace", action="store_true",
                        help="replace the store's default graph instead: everything in it is lost")
    load.add_argument("--timeout", type=_seconds, default=60, help="seconds the whole upload may take (default 60)")
    load.set_defaults(run=_load)

    site = commands.add_parser(
        "site", help="write a static site from the graph: the annotated article, a page per IRI, vocabulary, checks, queries",
        description="Write the graph as a static site (default site/), byte-stable, with relative links so it works "
        "from any static host or from disk: every IRI the project mints gets a page (.html) and its RDF (.ttl, "
        ".jsonld). The folder is replaced whole; a folder that is not a medkg site is never replaced.",
    )
    site.add_argument("-o", "--output", type=Path, default=None, help="the site folder (default: site/)")
    site.add_argument("--data", type=Path, action="append", metavar="PATH", help="data files or folders (default: data/)")
    site.set_defaults(run=_site)

    export = commands.add_parser(
        "export", help="write the release files: Turtle, N-Triples, JSON-LD, TriG, metadata, canonical hash",
        description="Write the whole graph (ontology, shapes, data) as byte-stable release files into "
        "a folder (default dist/), replacing it whole: a failed export leaves the previous release intact.",
    )
    export.add_argument("-o", "--output", type=Path, default=None, help="the release folder (default: dist/)")
    export.add_argument("--format", choices=("ttl", "nt", "jsonld", "trig", "all"), default="all", help="which formats (default: all)")
    export.add_argument("--version", dest="release_version", help="the release's semantic version (default: the package version)")
    export.add_argument("--date", help="the release date, YYYY-MM-DD (default: SOURCE_DATE_EPOCH, else the last commit's date)")
    export.add_argument("--data", type=Path, action="append", metavar="PATH", help="data files or folders to export (default: data/)")
    export.set_defaults(run=_export)

    diff = commands.add_parser(
        "diff", help="what changed between two versions, in claims, entities and identifiers",
        description="Compare two versions of the graph: each a Turtle file, a folder, or a git revision "
        "of data/ (HEAD~1, a tag, ...). Reports claims added, removed or changed (which field), entities "
        "added or removed, identifiers changed, and any other triple added or removed.",
    )
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW", nargs="?", default=str(DATA_DIR), help="default: data/ as it is now")
    diff.add_argument("--format", choices=("text", "json"), default="text")
    diff.set_defaults(run=_diff)

    mutate = commands.add_parser(
        "mutate", help="mutation-test the shapes: single edits to the data that validation must catch",
        description="Apply systematic single edits to the shipped data (remove a required triple, "
        "untype a literal, point at an undefined IRI, swap a use's status, corrupt a quote), validate "
        "each mutant, and report the share caught and the survivors. Exit 1 below --threshold.",
    )
    mutate.add_argument("--report", action="store_true", help="print the report (the default; kept for scripts)")
    mutate.add_argument("--per-property", type=_positive_int, metavar="N",
                        help="at most N (1 or more) mutants per operator and property (default: all)")
    mutate.add_argument("--seed", type=int, default=0, help="seed for --per-property sampling (default 0)")
    mutate.add_argument("--threshold", type=_percent, default=95.0,
                        help="lowest acceptable share caught, overall and per operator, in %% (above 0, at most 100; default 95)")
    mutate.set_defaults(run=_mutate)

    shacl = commands.add_parser(
        "shacl", help="validate any RDF data against any SHACL shapes (like pyshacl's command line, faster)",
        description="Validate RDF files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML; all DATA files "
        "make one data graph) against SHACL shapes (all --shapes files make one shapes graph). SHACL Core "
        "and SHACL-SPARQL, right on the W3C SHACL test suite; the same engine and report as medkg validate "
        "--shapes (one line per finding, at file:line in Turtle files). Exit 0 conforms, 1 does not, 2 the input "
        "cannot be validated (a file does not parse, or the shapes graph is one SHACL says to refuse), 3 it "
        "did not finish within --timeout.",
    )
    shacl.add_argument("data", nargs="+", type=Path, metavar="DATA", help="data graph files")
    shacl.add_argument("--shapes", action="append", type=Path, required=True, metavar="SHAPES",
                       help="shapes graph file (repeat for more)")
    shacl.add_argument("--format", choices=("text", "json", "turtle"), default="text",
                       help="text (default), json, or turtle: the standard sh:ValidationReport")
    shacl.add_argument("--engine", choices=("oxigraph", "pyshacl"), default="oxigraph",
                       help="oxigraph (default: compiled to SPARQL) or pyshacl (the reference engine)")
    shacl.add_argument("--timeout", type=_seconds, default=None, metavar="S",
                       help="seconds the validation may take (default: no limit; past it, exit 3; Ctrl-C stops it, exit 130)")
    shacl.set_defaults(run=_shacl)

    vocab = commands.add_parser(
        "vocab", help="list every class and property of the vocabulary, with its label and definition",
        description="Every class and property of ontology/medkg.ttl with its label and definition, read from the "
        "ontology. To ask the ontology yourself: medkg query FILE with the query printed by --query.",
    )
    vocab.add_argument("--format", choices=("text", "md"), default="text", help="text (default) or Markdown tables")
    vocab.add_argument("--query", action="store_true", help="print the SPARQL that lists the vocabulary, to run it yourself")
    vocab.set_defaults(run=_vocab)

    sync = commands.add_parser(
        "sync-article", help="regenerate data/article-text.ttl and data/sentences.ttl from the article text",
    )
    sync.add_argument("--check", action="store_true", help="only check that they are up to date (exit 1 if not)")
    sync.set_defaults(run=_sync)
    return parser


def _shacl(args) -> int:
    from medkg.shacl import engine, finding, rdf_files
    from medkg.shacl.report_writer import render, summary_line
    from medkg.worker import bounded, bounded_in_child

    prefixes: dict = {}
    data = rdf_files.source(args.data, prefixes)
    shapes = rdf_files.shapes(args.shapes, prefixes)

    def past_timeout():
        return errors.EndpointError(f"the validation did not finish within {args.timeout:g} s (a SHACL-SPARQL "
                                    "query or a large graph; raise --timeout)")

    if args.engine == "pyshacl":
        # pySHACL's sh:pattern runs on Python's re, which holds the interpreter while it backtracks
        # (^(a|a)*$ on "aaaa...!"): only a child process can be stopped at --timeout and at Ctrl-C.
        outcome = bounded_in_child(engine.check, (data.triples, shapes, args.engine), args.timeout, past_timeout,
                                   lambda code: errors.EndpointError(
                                       f"the pySHACL validation process stopped unexpectedly (exit {code})"),
                                   name="medkg-shacl")
    else:
        outcome = bounded(lambda: engine.check(data.triples, shapes, args.engine), args.timeout, past_timeout,
                          name="medkg-shacl")
    _notes(outcome.notes)
    found = finding.report_of(outcome, data.triples, shapes, data.files, data.locations)
    _write_report(found, args.format, render, summary_line)
    return errors.OK if outcome.conforms else errors.FINDINGS


def _write_report(report, fmt: str, render, summary_line) -> None:
    """The report on stdout; in text, a blank line and the verdict after the findings."""
    body = render(report, fmt)
    if body:
        print(body)
    if fmt == "text":
        if report.findings:
            print()
        print(summary_line(report))


def _query(args) -> int:
    from medkg.query import catalogue, render, run
    from medkg.text_input import argument

    if args.list:
        for q in catalogue.catalogue().values():
            params = "".join(f" --param {p.name}=<{p.kind}>" + ("" if p.required else "?") for p in q.params.values())
            print(f"{q.name:<18} {q.summary}{params}")
        return errors.OK
    if not args.query:
        raise errors.InputError("name a query (medkg query --list shows the catalogue) or a .rq file")
    fmt = render.format_name(args.format or ("table" if sys.stdout.isatty() else "csv"))
    params = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise errors.InputError(f"--param {item!r}: write it as KEY=VALUE")
        params[key] = argument(value, f"--param {key}")  # taken literally: no escape is expanded (catalogue.term)
    query = catalogue.resolve(args.query)
    if args.endpoint:
        cap = {"max_bytes": args.max_bytes} if args.max_bytes else {}  # else endpoint.DEFAULT_MAX_BYTES
        results = run.run_remote(query, params, args.endpoint, timeout=args.timeout,
                                 default_graph=args.default_graph, **cap)
        if not results.rows and results.boolean is None and not args.default_graph:
            hint = run.named_graphs_hint(args.endpoint, timeout=args.timeout)
            if hint:
                _notes([hint])
    elif fmt in run.STREAMED:  # a whole-graph answer is written by the engine, not row by row in Python
        answer = run.serialize_local(query, params, fmt, timeout=args.timeout, allow_service=args.allow_service)
        sys.stdout.flush()
        sys.stdout.buffer.write(answer if answer.endswith(b"\n") else answer + b"\n")  # JSON ends without one
        return errors.OK
    else:
        results = run.run_local(query, params, timeout=args.timeout, allow_service=args.allow_service)
    import shutil

    width = None if args.wide else (shutil.get_terminal_size().columns if sys.stdout.isatty() else render.TABLE_WIDTH)
    sys.stdout.write(render.render(results, fmt, width))
    return errors.OK


def _catalog(args) -> int:
    from medkg.query import catalogue

    text = catalogue.to_turtle(list(catalogue.catalogue().values()), args.target)
    if args.output:
        from medkg.io.folders import refuse_unless_output

        refuse_unless_output(args.output, "file", "catalog")  # a link, FIFO or device would be replaced
        tmp = None
        try:  # a fresh file of our own beside the target (never a name someone may have linked elsewhere)
            fd, name = tempfile.mkstemp(prefix=f".{args.output.name}.", suffix=".tmp", dir=args.output.parent)
            tmp = Path(name)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            tmp.chmod(0o644)  # mkstemp makes it private; a catalogue is for publishing
            refuse_unless_output(args.output, "file", "catalog")  # again: it may have changed meanwhile
            tmp.replace(args.output)  # atomic: never half a file
            tmp = None
        except OSError as e:
            raise errors.InputError(f"{args.output}: cannot write it ({e.strerror or e}); choose another -o") from None
        finally:
            if tmp is not None:  # refused or failed: leave nothing of ours beside it
                with contextlib.suppress(OSError):
                    tmp.unlink(missing_ok=True)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return errors.OK


SITE_PREFIX = "medkg-site-"  # medkg serve's temporary site folders


def _serve(args) -> int:
    import signal
    import time

    from medkg.io.folders import stale_note, temporary
    from medkg.query.run import ntriples
    from medkg.serve.gateway import Gateway
    from medkg.serve.query_engine import Engine
    from medkg.site.build import build

    # Stop cleanly on Ctrl-C and on `kill` alike, even when started in the background
    # (where a shell may have set SIGINT to be ignored).
    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # The pages are built afresh into a temporary folder, removed when the server stops (or, if
    # it is killed, by the next `medkg serve`: medkg/io/folders.py).
    with temporary(SITE_PREFIX) as (pages, removed):
        _notes(stale_note(removed))
        site = build(pages / "site").folder
        engine = Engine(ntriples(), memory_mib=args.memory)  # worker processes on pipes: no port but the gateway's (medkg/serve/query_engine.py)
        gateway = Gateway(args.port, engine, site, time_limit=args.timeout)  # binds the user's port first: a taken port is said at once
        with gateway, engine:
            _notes(stale_note(engine.removed))
            print(f"SPARQL endpoint: http://127.0.0.1:{gateway.port}/query", flush=True)
            print(f"Query editor:    http://127.0.0.1:{gateway.port}/", flush=True)
            print(f"Pages:           http://127.0.0.1:{gateway.port}/index.html (every IRI's path, negotiated on Accept)", flush=True)
            print(f"Read-only, no SERVICE, queries stop after {args.timeout} s and at {args.memory} MiB; Ctrl-C stops it.", flush=True)
            try:
                while gateway.running:
                    time.sleep(0.5)  # short waits: Ctrl-C is delivered between them
            except KeyboardInterrupt:
                print("stopping", file=sys.stderr)
                return errors.OK
    last = f": {engine.errors[-1]}" if engine.errors else ""
    print(f"the server stopped unexpectedly{last}", file=sys.stderr)
    return errors.ENDPOINT


def _load(args) -> int:
    from medkg.endpoint.load import put_graph
    from medkg.query.run import ntriples

    graph = None if args.default_graph_replace else args.graph
    if graph is None:
        print(f"replacing the default graph of {args.endpoint}: everything it held is lost", file=sys.stderr)
    body = ntriples()
    status = put_graph(args.endpoint, graph, body, timeout=args.timeout)
    triples = body.count(b"\n")
    name = "the default graph" if graph is None else f"<{graph}>"
    print(f"replaced {name} at {args.endpoint}: {triples} triples (HTTP {status})")
    return errors.OK


def _export(args) -> int:
    from medkg.release import export

    target = args.output or export.DIST
    formats = export.ALL if args.format == "all" else (args.format,)
    notes: list[str] = []
    written = export.export(target, formats, args.release_version, args.date, args.data, notes)
    _notes(notes)
    for path in written:
        print(relative(path))
    return errors.OK


def _site(args) -> int:
    from medkg.site.build import SITE, build

    built = build(args.output or SITE, args.data)
    _notes(built.notes)
    print(f"{relative(built.folder)}: {built.pages} pages, {built.files} files, {built.bytes / 1e6:.1f} MB; "
          f"open {relative(built.folder / 'index.html')}")
    return errors.OK


def _diff(args) -> int:
    from medkg.release import diff

    sys.stdout.write(diff.render(diff.compare(diff.version(args.old), diff.version(args.new)), args.format))
    return errors.OK


def _mutate(args) -> int:
    from medkg.io.parse import load_data
    from medkg.validate import mutation

    outcomes = mutation.run(args.per_property, args.seed)
    print(mutation.summary(outcomes, load_data()))
    groups = [outcomes, *mutation.by_operator(outcomes).values()]
    shares = [100 * sum(o.caught for o in group) / len(group) for group in groups if group]
    return errors.OK if min(shares, default=100) >= args.threshold else errors.FINDINGS


def _add_validate_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="Turtle files or folders (default: data/)")
    parser.add_argument(
        "--format", choices=("text", "json", "turtle"), default="text",
        help="report format: text for people (default), json for programs, turtle for the standard sh:ValidationReport",
    )
    parser.add_argument(
        "--fail-on", choices=("violation", "warning", "info"), default="violation",
        help="lowest severity that makes the exit code 1 (default: violation)",
    )
    parser.add_argument("--syntax-only", action="store_true", help="only parse the files strictly; no shapes")
    parser.add_argument("--shapes", action="append", type=Path, metavar="SHAPES",
                        help="validate against these shapes (any RDF files; repeat for several) instead of the "
                        "project's, with the project's ontology and own checks off: what medkg shacl finds, at file:line")
    parser.add_argument(
        "--changed", nargs="?", const="HEAD", metavar="REV",
        help="validate only the nodes a git diff of the files against REV (default HEAD) touched, and the nodes pointing at them",
    )
    parser.add_argument(
        "--watch", action="store_true",
        help="keep running: validate each file as it is saved, printing each finding that appears (+) or disappears (-); Ctrl-C stops",
    )
    parser.add_argument("--base", type=_iri, metavar="IRI", help="with --syntax-only: resolve relative IRIs against this base (by default they are errors)")
    parser.add_argument(
        "--engine", choices=("oxigraph", "pyshacl"), default="oxigraph",
        help="oxigraph (default): every constraint as SPARQL on pyoxigraph; pyshacl: the reference, "
        "everything on pySHACL (same findings, minutes instead of seconds from ~10k triples)",
    )
    parser.add_argument("--timeout", type=_seconds, default=None, metavar="S",
                        help="seconds the validation may take (default: no limit; past it, exit 3; Ctrl-C stops it, exit 130); "
                        "with --endpoint, seconds each query may take (default 30)")
    parser.add_argument("--endpoint", type=_url, metavar="URL",
                        help="validate the graph a SPARQL 1.1 endpoint holds (data and ontology, as `medkg load` puts them), "
                        "e.g. http://127.0.0.1:7878/query; exit 3 if it fails")
    parser.add_argument("--graph", type=_iri, metavar="IRI", help="with --endpoint: the named graph to validate (default: the default graph)")
    parser.add_argument(
        "--profile", nargs="?", const=10, type=_positive_int, metavar="N",
        help="after the report, print on stderr the N (default 10) slowest checks (shape and constraint "
        "component, SHACL-SPARQL constraint or QC check), their seconds, share and total: each check's wall "
        "time as a job in the thread pool, where the jobs share the cores (so the seconds add up to more than the run)",
    )


def _validate(args) -> int:
    from medkg.io.parse import load

    paths = args.paths or [DATA_DIR]
    if args.profile and (args.watch or args.syntax_only or args.endpoint or args.graph):
        raise errors.InputError("--profile times the checks of one validation on a local store: leave it out "
                                "with --watch, --syntax-only and --endpoint")
    if args.watch:
        from medkg.validate.watch import watch

        return watch(paths, args.engine, [name for name, given in (("--changed", args.changed), ("--syntax-only", args.syntax_only),
                                          ("--format", args.format != "text"), ("--timeout", args.timeout),
                                          ("--shapes", args.shapes), ("--endpoint", args.endpoint or args.graph)) if given])
    if args.syntax_only:
        source = load(paths, base_iri=args.base)
        _notes(source.notes)
        print(f"syntax ok ({len(source.files)} files, {len(source.triples)} triples)")
        return errors.OK
    from medkg.shacl.report_writer import render, summary_line
    from medkg.validate.pipeline import Validator, validate
    from medkg.worker import bounded

    def run():
        validator = None
        if args.shapes:  # any shapes graph, the project's own checks (and its ontology) off
            from medkg.shacl import rdf_files

            prefixes: dict = {}
            validator = Validator(args.engine, shapes=rdf_files.shapes(args.shapes, prefixes))
        if args.profile:
            validator = validator or Validator(args.engine)
            validator.profile = True
        return validate(paths, sparql_engine=args.engine, changed=args.changed, validator=validator)

    if args.shapes and args.changed:
        raise errors.InputError("--changed validates the project's data with its own shapes; leave out --shapes")
    if args.endpoint or args.graph:
        report = _validate_endpoint(args)
    else:
        report = bounded(run, args.timeout, name="medkg-validate", on_timeout=lambda: errors.EndpointError(
            f"the validation did not finish within {args.timeout:g} s (raise --timeout)"))
    _notes(report.notes)
    _write_report(report, args.format, render, summary_line)
    if args.profile:
        from medkg.validate import check_profile

        sys.stdout.flush()  # the report first, where both streams go to one terminal
        print(check_profile.render(report.timings or [], args.profile, report.checks_seconds), file=sys.stderr)
    return errors.FINDINGS if report.fails(args.fail_on) else errors.OK


def _validate_endpoint(args):
    from medkg.validate.on_endpoint import validate_endpoint

    if not args.endpoint or args.paths or args.changed or args.engine != "oxigraph" or args.shapes:
        raise errors.InputError("--graph goes with --endpoint, and --endpoint validates the server's graph with the "
                                "project's shapes: give no PATH, --changed, --engine or --shapes with it")
    return validate_endpoint(args.endpoint, args.graph, **({"timeout": args.timeout} if args.timeout else {}))


def _run(args) -> int:
    from medkg.io.parse import load_data, load_ontology
    from medkg.query.summary import summarise
    from medkg.shacl.report_writer import render, summary_line
    from medkg.validate.pipeline import validate

    report = validate()
    _notes(report.notes)
    if report.findings:
        print(render(report))
        print()
    print(f"Validation of {relative(DATA_DIR)}/: {summary_line(report)}")
    print()
    print(summarise(load_data(), load_ontology()))
    return errors.FINDINGS if report.fails() else errors.OK


def _notes(notes: list[str]) -> None:
    """What the library said for the person running the command: on stderr, before the results."""
    for note in notes:
        print(f"medkg: {note}", file=sys.stderr)


def _summary(args) -> int:
    from medkg.io.parse import load_data, load_ontology
    from medkg.query.summary import summarise

    print(summarise(load_data(args.paths or None), load_ontology()))
    return errors.OK


def _anchor(args) -> int:
    from medkg.article.anchors import QuoteNotFound, anchor, occurrences
    from medkg.article.sync import read_text
    from medkg.rdf.turtle import string

    text = read_text()
    try:
        a = anchor(text, args.quote, args.occurrence)
    except QuoteNotFound as e:
        hint = "" if occurrences(text, args.quote) else "; copy the words exactly from data/source/baclofen-article.txt"
        raise errors.InputError(f"{e}{hint}") from None
    found = occurrences(text, args.quote)
    if len(found) > 1:  # the first is not always the one meant: say so, and how to pick another
        print(f"medkg: the words occur {len(found)} times (at {', '.join(map(str, found))}); this is occurrence "
              f"{args.occurrence}: pick another with --occurrence N (1 to {len(found)})", file=sys.stderr)
    q = f"quote:{args.id}"
    print(
        f"{q} a oa:SpecificResource ;\n    oa:hasSource kg:article ;\n"
        f"    oa:hasSelector {q}-text, {q}-position .\n\n"
        f"{q}-text a oa:TextQuoteSelector ;\n    oa:exact {string(a.exact)} ;\n"
        f"    oa:prefix {string(a.prefix)} ;\n    oa:suffix {string(a.suffix)} .\n\n"
        f"{q}-position a oa:TextPositionSelector ;\n    oa:start {a.start} ;\n    oa:end {a.end} ."
    )
    return errors.OK


def _vocab(args) -> int:
    from medkg.query import vocab

    if args.query:
        print(vocab.QUERY)
    else:
        sys.stdout.write(vocab.markdown() if args.format == "md" else vocab.text())
    return errors.OK


def _sync(args) -> int:
    from medkg.article import sync

    if args.check:
        stale = sync.stale()
        for target, _ in stale:
            print(f"{relative(target)} is out of date with the article text: run `medkg sync-article`", file=sys.stderr)
        return errors.FINDINGS if stale else errors.OK
    changed = sync.sync()
    print("\n".join(f"wrote {relative(p)}" for p in changed) or "up to date")
    return errors.OK


if __name__ == "__main__":
    sys.exit(main())
