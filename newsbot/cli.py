"""The ``newsbot`` command: extract, crawl, demo and eval, over the same core pieces."""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path

from .extraction import ExtractionError, extract


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


def cmd_extract(args: argparse.Namespace) -> int:
    if args.url and len(args.paths) != 1:
        print("newsbot extract: --url names the URL of a single input", file=sys.stderr)
        return 2
    failed = 0
    for name in args.paths:
        try:
            body, url = _read_input(name)
            article = extract(body, args.url or url)
        except (OSError, ExtractionError) as err:
            print(f"newsbot extract: {name}: {_reason(err)}", file=sys.stderr)
            failed += 1
            continue
        # Bytes, not print(): the output is UTF-8 whatever the locale says.
        sys.stdout.buffer.write(json.dumps(article.to_dict(), ensure_ascii=False).encode("utf-8") + b"\n")
        sys.stdout.buffer.flush()
    return 1 if failed else 0


def _setting(pair: str) -> tuple[str, str]:
    """``NAME=VALUE`` of ``crawl -s``: Scrapy reads the string with getint/getfloat/getbool."""
    name, eq, value = pair.partition("=")
    if not eq or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {pair!r}")
    return name, value


def cmd_crawl(args: argparse.Namespace) -> int:
    from .crawl import run_crawl

    return run_crawl(args.start, output=args.output, state=args.state, settings=dict(args.set))


def cmd_demo(args: argparse.Namespace) -> int:
    from .crawl import run_demo

    return run_demo(output=args.output)


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluation import run_eval

    return run_eval(Path(args.corpus), json_path=Path(args.json) if args.json else None)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="print one JSON record per HTML file (.html, .html.gz or - for stdin)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--url", help="the page's URL (single input only); default file:// or stdin:")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("crawl", help="crawl a start URL (feed, sitemap or section page) into JSONL")
    p.add_argument("start", metavar="URL")
    p.add_argument("--output", default=None, help="output root (setting NEWSBOT_OUTPUT_DIR; default ./output)")
    p.add_argument("--state", default=None,
                   help="state directory: what earlier runs exported, one lock per site"
                        " (setting NEWSBOT_STATE_DIR; default ./state)")
    p.add_argument("-s", "--set", action="append", default=[], type=_setting, metavar="NAME=VALUE",
                   help="override a Scrapy setting, as in `scrapy crawl -s` (repeatable)")
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("demo", help="serve the bundled fixture site on 127.0.0.1 and crawl it")
    p.add_argument("--output", default=None, help="output root (default ./output)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("eval", help="score newsbot and plain trafilatura on a corpus")
    p.add_argument("corpus", metavar="DIR")
    p.add_argument("--json", default=None, metavar="PATH", help="also write the full report as JSON")
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
