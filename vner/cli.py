"""The ``vner`` command line: thin verbs over library functions.

Exit codes: 0 success, 1 failure (bad data, a failed check), 2 bad usage.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Callable, Sequence

from vner import __version__

log = logging.getLogger("vner")

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2

# Verbs that later versions fill in; they are reserved so scripts can rely on the names.
RESERVED_VERBS = {
    "label": "derive weak labels from raw documents",
    "train": "fine-tune a model from a config",
    "evaluate": "score a model or labeller against gold annotations",
    "export": "export a trained model to ONNX",
    "tag": "tag documents with a model on CPU",
}


def _cmd_validate(args: argparse.Namespace) -> int:
    from vner.model.validate import validate_file

    failed = False
    for path in args.files:
        try:
            problems = validate_file(path)
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{path}: cannot read: {exc}", file=sys.stderr)
            failed = True
            continue
        for problem in problems:
            print(f"{path}: {problem}")
        if problems:
            failed = True
            print(f"{path}: {len(problems)} problem(s)", file=sys.stderr)
        else:
            print(f"{path}: ok", file=sys.stderr)
    return EXIT_FAILURE if failed else EXIT_OK


def _cmd_convert(args: argparse.Namespace) -> int:
    from vner.model.formats import convert

    count = convert(args.input, args.output, args.source_format, args.target_format)
    print(f"converted {count} document(s) to {args.output}", file=sys.stderr)
    return EXIT_OK


def _reserved(verb: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        print(f"vner {verb}: not available in vner {__version__} yet", file=sys.stderr)
        return EXIT_FAILURE

    return run


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every verb (also used to render ``--help``)."""
    from vner.model.formats import FORMATS

    parser = argparse.ArgumentParser(
        prog="vner",
        description="Named entities and relations in Vietnamese news.",
        epilog="Run 'vner VERB --help' for the options of one verb.",
    )
    parser.add_argument("--version", action="version", version=f"vner {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)

    validate = verbs.add_parser(
        "validate",
        help="check annotated JSONL files against the annotation guide",
        description="Check NFC text, offsets, overlaps, entity and relation types, relation ends "
        "and same-sentence relations. Prints one line per problem; exits 1 when there is any.",
    )
    validate.add_argument("files", nargs="+", metavar="FILE.jsonl", help="JSONL or JSONL.gz files")
    validate.set_defaults(run=_cmd_validate)

    convert = verbs.add_parser(
        "convert",
        help="convert annotations between JSONL, CoNLL BIO and BRAT standoff",
        description="Convert annotated documents. Formats are told by the names: *.jsonl(.gz), "
        "*.conll, or a folder for BRAT (<id>.txt + <id>.ann); --from/--to override.",
    )
    convert.add_argument("input", help="file or BRAT folder to read")
    convert.add_argument("-o", "--output", required=True, help="file or BRAT folder to write")
    convert.add_argument("--from", dest="source_format", choices=FORMATS, help="input format")
    convert.add_argument("--to", dest="target_format", choices=FORMATS, help="output format")
    convert.set_defaults(run=_cmd_convert)

    for verb, summary in RESERVED_VERBS.items():
        reserved = verbs.add_parser(verb, help=f"{summary} (reserved)", description=summary)
        reserved.set_defaults(run=_reserved(verb))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vner`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.run(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"vner {args.verb}: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
