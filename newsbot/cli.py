"""The ``newsbot`` command: extract, crawl, sites, demo, eval and reextract, over the same core pieces."""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .checks import UsageError, http_url, writable_file, writable_folder
from .extraction import ExtractionError, Trace, learn
from .formats import FORMATS
from .progress import Progress
from .records import page_record
from .sites import SiteConfigError, shipped_sites, site_for_url, sites_dir, sites_in
from .state.template_store import SqliteTemplateStore


def _read_input(name: str) -> tuple[bytes, str]:
    """Bytes and default URL of one ``extract`` input (a path, a .gz path, or ``-``)."""
    if name == "-":
        return sys.stdin.buffer.read(), "stdin:"
    path = Path(name)
    data = path.read_bytes()
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as err:  # bad header, truncated, corrupt stream
            raise ExtractionError(f"not a readable gzip file ({err})") from err
    return data, path.resolve().as_uri()


def _reason(err: Exception) -> str:
    """The message without the path again: the error line already starts with the input's name."""
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err)


def _explain(name: str, trace: Trace) -> None:
    """What went and what stayed, one line per block, on stderr (stdout stays JSON)."""
    lines = [f"== {name}"]
    lines += [f"removed [{r.rule}] {r.text}" for r in trace.removed if r.text]
    lines += [f"kept [{reason}] {text}" for reason, text in trace.kept]
    print("\n".join(lines), file=sys.stderr)


def cmd_extract(args: argparse.Namespace) -> int:
    if args.url and len(args.paths) != 1:
        print("newsbot extract: --url names the URL of a single input", file=sys.stderr)
        return 2
    if args.paths.count("-") > 1:
        print("newsbot extract: standard input can be read once", file=sys.stderr)
        return 2
    try:
        if args.url is not None:
            http_url(args.url, "--url")
        if args.state is not None:
            writable_folder(args.state, "--state")
    except UsageError as err:
        print(f"newsbot extract: {err}", file=sys.stderr)
        return 2
    stdin: dict[str, tuple[bytes, str]] = {}

    def load(name: str) -> tuple[bytes, str]:
        # standard input can be read once: keep it for the second (--state) pass
        if name == "-":
            return stdin.setdefault(name, _read_input(name))
        return _read_input(name)

    sites = shipped_sites()
    templates = SqliteTemplateStore(args.state) if args.state else None
    # Progress for many files only; --explain has stderr to itself.
    quiet = args.quiet or args.explain or len(args.paths) < 2
    if templates is not None:
        # learn from every input first, so each is printed cleaned with all that was learned
        with Progress("newsbot extract: learning", len(args.paths), "files", quiet=quiet) as progress:
            for name in progress.iterate(args.paths):
                try:
                    body, url = load(name)
                    learn(body, args.url or url, templates)
                except Exception:  # noqa: BLE001 - one page's failure is its own; reported once, in the printing pass below
                    continue
    failed = 0
    with Progress("newsbot extract", len(args.paths), "files", quiet=quiet) as progress:
        for name in progress.iterate(args.paths):
            trace = Trace() if args.explain else None
            try:
                body, url = load(name)
                url = args.url or url
                # a page of a configured site gets that site's hints and name, as in a crawl
                config = site_for_url(url, sites.values())
                article, _ = page_record(body, url, config=config, templates=templates, trace=trace)
                line = json.dumps(FORMATS[args.format](article.to_dict()), ensure_ascii=False).encode("utf-8") + b"\n"
            except Exception as err:  # noqa: BLE001 - the page boundary: name the input, go on with the others
                progress.echo(f"newsbot extract: {name}: {type(err).__name__}: {_reason(err)}")
                failed += 1
                continue
            if trace is not None:
                _explain(name, trace)
            # Bytes, not print(): the output is UTF-8 whatever the locale says.
            sys.stdout.buffer.write(line)
            sys.stdout.buffer.flush()
    return 1 if failed else 0


def _setting(pair: str) -> tuple[str, str]:
    """``NAME=VALUE`` of ``crawl -s``: Scrapy reads the string with getint/getfloat/getbool."""
    name, eq, value = pair.partition("=")
    if not eq or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {pair!r}")
    return name, value


def _since(value: str) -> str:
    """``--since`` is checked here, so a typo is a usage error; the spider counts a duration from its own start."""
    from .discovery import parse_since

    try:
        parse_since(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return value


def cmd_crawl(args: argparse.Namespace) -> int:
    from .runner import run_crawl

    if args.start is None and args.site is None:
        print("newsbot crawl: give a start URL, --site NAME or --site all", file=sys.stderr)
        return 2
    spider_args = {name: value for name, value in (("site", args.site), ("since", args.since)) if value is not None}
    return run_crawl(args.start, output=args.output, state=args.state, settings=dict(args.set), **spider_args)


def cmd_sites(args: argparse.Namespace) -> int:
    """Each site file: the name ``--site`` takes, its language and domains, then its start URLs, one a line."""
    try:
        sites = sites_in(args.dir or sites_dir())
    except SiteConfigError as err:
        print(f"newsbot sites: {err}", file=sys.stderr)
        return 1
    width = max((len(name) for name in sites), default=0)
    for site in sites.values():
        print(f"{site.name:<{width}}  {site.language:<5}  {' '.join(site.domains)}")
        for kind, urls in (("feed", site.feeds), ("sitemap", site.sitemaps), ("section", site.sections)):
            for url in urls:
                print(f"  {kind:<7}  {url}")
    return 0


def cmd_sites_new(args: argparse.Namespace) -> int:
    """Propose a site file for a site from what it announces; print it, or with ``--write`` add it to the folder."""
    from . import settings
    from .new_site import ProposalError, propose, write_proposal

    try:
        http_url(args.url, "the site's URL")
        proposal, reader = propose(args.url, contact=settings.NEWSBOT_CONTACT, name=args.name)
        path = write_proposal(proposal, Path(args.dir or sites_dir())) if args.write else None
    except (UsageError, ProposalError, SiteConfigError) as err:
        print(f"newsbot sites new: {err}", file=sys.stderr)
        return 2 if isinstance(err, UsageError) else 1
    if path is None:
        sys.stdout.write(proposal.toml())
    else:
        print(f"newsbot sites new: wrote {path} ({reader.requests} requests); check it, then `newsbot sites`",
              file=sys.stderr)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .runner import run_demo

    return run_demo(output=args.output)


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluation import run_eval

    if args.json is not None:
        try:  # before the evaluation, which takes minutes, not after it
            writable_file(args.json, "--json")
        except UsageError as err:
            print(f"newsbot eval: {err}", file=sys.stderr)
            return 2
    return run_eval([Path(name) for name in args.corpora], json_path=Path(args.json) if args.json else None,
                    quiet=args.quiet)


def cmd_reextract(args: argparse.Namespace) -> int:
    from .reextract import run_reextract

    return run_reextract(
        [Path(name) for name in args.warcs], Path(args.output), Path(args.state) if args.state else None, quiet=args.quiet
    )


def _quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress on stderr (on a terminal a line in place, else a line every 30 s)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsbot", description=__doc__)
    parser.add_argument("--version", action="version", version=f"newsbot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="print one JSON record per HTML file (.html, .html.gz or - for stdin)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--url", help="the page's URL (single input only); default file:// or stdin:")
    p.add_argument("--state", metavar="DIR", help="state directory: learn site templates from the inputs, then apply them")
    p.add_argument("--explain", action="store_true", help="on stderr, why each block was removed or kept")
    p.add_argument("--format", choices=list(FORMATS), default="jsonl",
                   help="jsonl: newsbot's record (default); schemaorg: a schema.org NewsArticle (JSON-LD);"
                        " zyte: Zyte's Article. See docs/record.md")
    _quiet_option(p)
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("crawl", help="crawl configured sites or a start URL (feed, sitemap or section page) into JSONL")
    p.add_argument("start", metavar="URL", nargs="?",
                   help="a feed, sitemap or section page; with --site, one more start point")
    p.add_argument("--site", default=None, metavar="NAME|all",
                   help="crawl these sites from their files (`newsbot sites` lists them); comma-separated or all")
    p.add_argument("--since", default=None, type=_since, metavar="WHEN",
                   help="skip feed and sitemap entries older than this: an ISO date or time, or 30m, 12h, 2d, 1w")
    p.add_argument("--output", default=None, help="output root (setting NEWSBOT_OUTPUT_DIR; default ./output)")
    p.add_argument("--state", default=None,
                   help="state directory: what earlier runs exported, one lock per site"
                        " (setting NEWSBOT_STATE_DIR; default ./state)")
    p.add_argument("-s", "--set", action="append", default=[], type=_setting, metavar="NAME=VALUE",
                   help="override a Scrapy setting, as in `scrapy crawl -s` (repeatable)")
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("sites", help="list the site files: name, language, domains and start URLs")
    p.add_argument("--dir", default=None, metavar="DIR",
                   help="the folder of site files (default $NEWSBOT_SITES_DIR, else the shipped ones)")
    p.set_defaults(func=cmd_sites)
    new = p.add_subparsers(dest="sites_command", metavar="new").add_parser(
        "new", help="propose a site file from the site's robots.txt, feeds and sitemaps (fetches only that site)")
    new.add_argument("url", metavar="URL", help="the site's home page (or any page of it)")
    new.add_argument("--name", default=None, help="the site's name (default from its host: news-example)")
    new.add_argument("--write", action="store_true",
                     help="write NAME.toml into the folder of site files instead of printing it")
    new.add_argument("--dir", default=None, metavar="DIR",
                     help="with --write: that folder (default $NEWSBOT_SITES_DIR, else the shipped ones)")
    new.set_defaults(func=cmd_sites_new)

    p = sub.add_parser("demo", help="serve the bundled fixture site on 127.0.0.1 and crawl it")
    p.add_argument("--output", default=None, help="output root (default ./output)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("eval", help="score newsbot and plain trafilatura on corpora (fundus, WCXB or fixture pages)")
    p.add_argument("corpora", nargs="+", metavar="DIR")
    p.add_argument("--json", default=None, metavar="PATH", help="also write the full report as JSON")
    _quiet_option(p)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("reextract", help="rebuild records from a crawl's WARC captures with the current extractor")
    p.add_argument("warcs", nargs="+", metavar="WARC", help="output/warc/<site>/<run-id>.warc.gz files")
    p.add_argument("--output", required=True, metavar="DIR",
                   help="where the JSONL goes (<DIR>/<site>/<date>/); never the crawl output")
    p.add_argument("--state", default=None, metavar="DIR",
                   help="the crawl's state folder, whose learned templates apply (read only; default: the"
                        " NEWSBOT_STATE_DIR folder when it has templates)")
    _quiet_option(p)
    p.set_defaults(func=cmd_reextract)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:
        # The reader went away (``newsbot sites | head``): stop quietly, as Unix tools do, and keep Python's
        # final flush of stdout from raising again (the recipe in the docs of the signal module).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
