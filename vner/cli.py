"""The ``vner`` command line: thin verbs over library functions.

Exit codes: 0 success, 1 failure (bad data, a failed check), 2 bad usage.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Protocol, Sequence

from vner import __version__

log = logging.getLogger("vner")

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2

#: Labellers ``vner evaluate --labeller`` can score.
LABELLERS = ("weak",)


RULES_HELP = ("run the rule-based labeller beside the model, keeping its entities and relations and adding the "
              "model's where it is silent (default: as the model's config says)")


def _positive_int(value: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def _ready(path: str | None) -> str | None:
    """``path``, with its folder made first if missing, so that ``-o runs/new/out.jsonl`` just works
    (``None`` and ``-``, stdout, are left alone)."""
    if path and path != "-":
        from pathlib import Path

        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return path


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

    count = convert(args.input, _ready(args.output), args.source_format, args.target_format)
    print(f"converted {count} document(s) to {args.output}", file=sys.stderr)
    return EXIT_OK


def _cmd_train(args: argparse.Namespace) -> int:
    from vner.training.config import load_config
    from vner.training.train import train

    overrides = list(args.set)
    if args.output:
        overrides.append(f"output.dir={args.output}")
    if args.encoder:
        overrides.append(f"model.encoder={args.encoder}")
    config = load_config(args.config, overrides)
    summary = train(config, resume=args.resume, progress=not args.quiet)
    from accelerate import PartialState

    if not PartialState().is_main_process:  # under `accelerate launch`, one process reports and exports
        return EXIT_OK
    print(f"model saved to {config.output.dir} ({summary['steps']} steps, {summary['seconds']} s)", file=sys.stderr)
    if config.output.export_onnx:
        from vner.training.export import ExportError, export_model

        target = f"{config.output.dir}/onnx"
        try:
            export_model(config.output.dir, target, int8=config.output.int8, parity_data=config.data.gold or None)
        except ExportError as exc:
            print(f"vner train: the model is saved, but {exc}", file=sys.stderr)
            return EXIT_FAILURE
        print(f"ONNX model exported to {target}", file=sys.stderr)
    return EXIT_OK


def _cmd_cv(args: argparse.Namespace) -> int:
    import json

    from vner.training.config import load_config
    from vner.training.cv import cross_validate, format_cv

    config = load_config(args.config, list(args.set))
    summary = cross_validate(config, args.output, progress=not args.quiet)
    print(format_cv(summary))
    if args.json:
        with open(_ready(args.json), "w", encoding="utf-8") as handle:
            json.dump(summary, handle, indent=2)
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from vner.training.export import ExportError, export_model

    try:
        manifest = export_model(args.model, args.output, int8=args.int8, parity_data=args.parity_data,
                                min_int8_agreement=args.min_int8_agreement, keep_fp32=not args.int8_only,
                                per_channel=not args.per_tensor, rules=args.rules)
    except ExportError as exc:
        print(f"vner export: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    parity = manifest["parity"]
    print(f"exported to {args.output}: FP32 max |Δlogit| {parity['fp32_max_abs_diff']:.2e}, "
          f"identical entities: {parity['fp32_identical_entities']}", file=sys.stderr)
    if parity["int8_entity_agreement"] is not None:
        print(f"INT8 agreement with FP32 on {parity['documents']} documents: entities "
              f"{parity['int8_entity_agreement']:.2%}, relations {parity['int8_relation_agreement']:.2%}",
              file=sys.stderr)
    return EXIT_OK


class _Counts(Protocol):
    documents: int
    errors: int


def _exit_for(summary: _Counts) -> int:
    """EXIT_FAILURE when there were documents and every one of them came out as an error (a wrong path, say)."""
    return EXIT_FAILURE if summary.documents and summary.errors == summary.documents else EXIT_OK


def _cmd_tag_ray(args: argparse.Namespace, batch_size: int) -> int:
    if args.output == "-" or args.resume:
        print("vner tag: --engine ray writes shards: give -o OUT.jsonl or -o FOLDER, and no --resume",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        from vner.serving.ray_engine import tag_inputs_ray

        summary = tag_inputs_ray(args.inputs, _ready(args.output), model=args.model, precision=args.precision,
                                 actors=args.actors, threads=args.threads, batch_size=batch_size,
                                 shard_format=args.shard_format, fmt=args.format, address=args.ray_address,
                                 progress=not args.quiet, rules=args.rules)
    except ImportError as exc:
        print(f"vner tag: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    print(summary, file=sys.stderr)
    return _exit_for(summary)


def _cmd_tag(args: argparse.Namespace) -> int:
    if args.resume and args.state:
        print("vner tag: give --resume or --state, not both (--state appends and skips what is done)",
              file=sys.stderr)
        return EXIT_USAGE
    from vner.model.decode import DEFAULT_BATCH_SIZE  # not in the parser: it would load numpy for every verb

    batch_size = args.batch_size or DEFAULT_BATCH_SIZE
    if args.engine == "ray":
        if args.state:
            print("vner tag: --state needs --engine local", file=sys.stderr)
            return EXIT_USAGE
        return _cmd_tag_ray(args, batch_size)
    from vner.serving.batch import tag_inputs

    options = dict(model=args.model, precision=args.precision, workers=args.workers, batch_size=batch_size,
                   threads=args.threads, rules=args.rules, progress=not args.quiet)
    summary = tag_inputs(args.inputs, _ready(args.output), resume=args.resume, fmt=args.format, state=args.state,
                         **options)
    print(summary, file=sys.stderr)
    return _exit_for(summary)


def _cmd_show(args: argparse.Namespace) -> int:
    from vner.model.formats import read_documents
    from vner.model.render import render_html, render_text

    docs = list(read_documents(args.input))
    if args.limit:
        docs = docs[: args.limit]
    if args.output:
        with open(_ready(args.output), "w", encoding="utf-8") as handle:
            handle.write(render_html(docs, title=args.title or str(args.input)))
        print(f"wrote {len(docs)} document(s) to {args.output}", file=sys.stderr)
    else:
        for doc in docs:
            print(render_text(doc))
    return EXIT_OK


def _cmd_label(args: argparse.Namespace) -> int:
    from vner.training.weak import label_inputs

    summary = label_inputs(args.inputs, _ready(args.output), progress=not args.no_progress)
    print(f"labelled {summary} -> {args.output}", file=sys.stderr)
    return _exit_for(summary)


def _cmd_evaluate(args: argparse.Namespace) -> int:
    import json

    from vner.training.metrics import format_report

    if args.rules is not None and not args.model:
        print("vner evaluate: --rules and --no-rules go with --model", file=sys.stderr)
        return EXIT_USAGE
    if args.model or args.predictions:
        from vner.training.evaluate import evaluate_model, evaluate_prediction_file, format_seqeval

        if args.model:
            name = f"model {args.model}"
            result = evaluate_model(args.model, args.data, rules=args.rules)
        else:
            name = f"predictions {args.predictions}"
            result = evaluate_prediction_file(args.data, args.predictions)
        report_text = format_seqeval(result["seqeval"]) + "\n" + result["text"]
        figures = {key: result[key] for key in ("seqeval", "entities", "relations")}
        predicted = result["predicted"]
    else:
        from vner.training.weak import evaluate_labeller

        name = f"labeller {args.labeller}"
        reports = evaluate_labeller(args.data)
        predicted = reports.pop("predicted")
        report_text = format_report(reports)
        figures = {key: report.to_dict() for key, report in reports.items()}
    print(f"{name} on {args.data}\n")
    print(report_text)
    if args.json:
        with open(_ready(args.json), "w", encoding="utf-8") as handle:
            json.dump({"evaluated": name, "data": str(args.data), **figures}, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        print(f"wrote {args.json}", file=sys.stderr)
    if args.html:
        from pathlib import Path

        from vner.model.document import read_jsonl
        from vner.training.report import render_report

        page = render_report(list(read_jsonl(args.data)), predicted, title=f"{name} on {args.data}")
        Path(_ready(args.html)).write_text(page, encoding="utf-8")
        print(f"wrote {args.html}", file=sys.stderr)
    return EXIT_OK


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

    train = verbs.add_parser(
        "train",
        help="fine-tune the joint NER + relation model from a config",
        description="Fine-tune a PhoBERT encoder with a tagger and a relation head, on the config's gold and "
        "silver data; save a model directory (and its ONNX export when output.export_onnx). "
        "Several GPUs: accelerate launch -m vner train --config ...",
    )
    train.add_argument("--config", required=True, help="YAML config (see configs/)")
    train.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                       help="override a config key (repeatable), e.g. --set training.epochs=3")
    train.add_argument("--output", help="shorthand for --set output.dir=DIR")
    train.add_argument("--encoder", help="shorthand for --set model.encoder=NAME_OR_DIR")
    train.add_argument("--resume", action="store_true", help="continue from the output dir's checkpoint")
    train.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    train.set_defaults(run=_cmd_train)

    cv = verbs.add_parser(
        "cv",
        help="leave-one-document-out cross-validation on the config's gold file",
        description="Train one model per gold document with that document held out (plus the config's silver "
        "data), score it on the held-out document, and print mean and spread of entity and relation F1.",
    )
    cv.add_argument("--config", required=True, help="YAML config")
    cv.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE", help="override a config key")
    cv.add_argument("--output", default="runs/cv", help="folder for the fold models (default: runs/cv)")
    cv.add_argument("--json", help="also write the summary as JSON here")
    cv.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    cv.set_defaults(run=_cmd_cv)

    export = verbs.add_parser(
        "export",
        help="export a trained model to ONNX (FP32 and INT8) with parity checks",
        description="Write an ONNX serving directory: encoder+tagger graph, INT8 quantised copy, relation head, "
        "tokenizer, manifest. Parity with torch is checked on --parity-data; a model that fails is not written.",
    )
    export.add_argument("--model", required=True, help="trained model directory (from vner train)")
    export.add_argument("--output", required=True, help="serving directory to write")
    export.add_argument("--int8", action=argparse.BooleanOptionalAction, default=True,
                        help="also write the INT8 model (default: yes)")
    export.add_argument("--parity-data", default="seeds/gold.jsonl", help="documents for the parity check")
    export.add_argument("--min-int8-agreement", type=float, default=0.95,
                        help="refuse an INT8 model agreeing with FP32 on fewer entities (default 0.95)")
    export.add_argument("--per-tensor", action="store_true",
                        help="one INT8 scale per weight tensor, which usually agrees less with FP32 "
                        "(default: one scale per output channel)")
    export.add_argument("--int8-only", action="store_true",
                        help="leave the FP32 graph out once parity is checked (smaller, e.g. to ship)")
    export.add_argument("--rules", action=argparse.BooleanOptionalAction, default=None,
                        help="record in the serving config that the rule-based labeller runs beside the model "
                        "(default: as the trained model's config says)")
    export.set_defaults(run=_cmd_export)

    tag = verbs.add_parser(
        "tag",
        help="tag documents on CPU with an exported model (no torch needed)",
        description="Tag .txt files, JSONL(.gz) with id/text, RSS/Atom feeds (one document per item), HTML "
        "article pages (their main text), folders of these, or - for stdin. One JSON line per input document, in "
        "input order, flushed as it goes, with the item's id, url, title and published date; bad inputs give a "
        "line with an 'error' field; the exit code is 1 when every input gave one. With --state, a run tags only "
        "what earlier runs did not.",
    )
    tag.add_argument("inputs", nargs="+", metavar="INPUT",
                     help="files, folders, JSONL(.gz), RSS/Atom feeds, HTML pages (.gz too), or -")
    tag.add_argument("-o", "--output", required=True, help="JSONL file to write, or - for stdout")
    tag.add_argument("--model", help="exported model directory (default: the model shipped with vner)")
    tag.add_argument("--precision", choices=("auto", "int8", "fp32"), default="auto",
                     help="which ONNX graph to run (auto: INT8 when present)")
    tag.add_argument("--workers", type=_positive_int, default=1, help="processes (default 1)")
    tag.add_argument("--threads", type=_positive_int, help="onnxruntime threads per process (default: cores / workers)")
    tag.add_argument("--batch-size", type=_positive_int,
                     help="windows per model call (default 1: an article's result then depends on its own text "
                     "only; with more, INT8 results can vary slightly with what shares the batch)")
    tag.add_argument("--resume", action="store_true", help="skip ids already in the output and append")
    tag.add_argument("--format", choices=("auto", "text", "jsonl", "feed", "html"), default="auto",
                     help="how to read every input (default auto: JSONL by a .jsonl(.gz) name, else an RSS/Atom "
                     "feed, an HTML page or plain text by the file's first bytes)")
    tag.add_argument("--state", metavar="FILE",
                     help="incremental runs: skip documents FILE records as tagged with the same text, tag new and "
                     "changed ones, link an exact duplicate text to the id first tagged with it (\"duplicate_of\"), "
                     "append to the output and record what was written in FILE (JSONL, created if missing)")
    tag.add_argument("--engine", choices=("local", "ray"), default="local",
                     help="local (default): processes on this machine; ray: Ray Data actors on a local instance or "
                     "a cluster (pip install 'vner[ray]'), writing shards to -o FOLDER, or to OUT.jsonl.shards/ "
                     "merged in input order into -o OUT.jsonl")
    tag.add_argument("--ray-address", metavar="ADDRESS",
                     help="with --engine ray: the cluster, 'auto' or ray://HOST:10001 (default: $RAY_ADDRESS, "
                     "else a new local instance, stopped at the end)")
    tag.add_argument("--actors", type=_positive_int,
                     help="with --engine ray: taggers, one model load each (default: one per CPU of the cluster); "
                     "--threads is then per actor (default: CPUs / actors)")
    tag.add_argument("--shard-format", choices=("jsonl", "parquet"), default="jsonl",
                     help="with --engine ray: format of the shards (default jsonl)")
    tag.add_argument("--rules", action=argparse.BooleanOptionalAction, default=None, help=RULES_HELP)
    tag.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    tag.set_defaults(run=_cmd_tag)

    show = verbs.add_parser(
        "show",
        help="show annotated documents as text, or as an HTML page",
        description="Print documents with [mention]TYPE marks and their relations; with -o, write a "
        "self-contained HTML page (coloured highlights by type, a relation table per document).",
    )
    show.add_argument("input", help="annotated JSONL(.gz), CoNLL or BRAT folder")
    show.add_argument("-o", "--output", help="HTML file to write (default: text on stdout)")
    show.add_argument("--limit", type=_positive_int, help="show the first N documents only")
    show.add_argument("--title", help="page title")
    show.set_defaults(run=_cmd_show)

    label = verbs.add_parser(
        "label",
        help="derive weak labels from raw documents",
        description="Label documents with the weak labeller (gazetteers, patterns, constructions). Inputs: .txt "
        "files, folders of them (recursive), JSONL(.gz) with id and text, or - for stdin. One JSONL line per input "
        "document, in input order; a document that cannot be read gives a line with an 'error' field (exit code 1 "
        "when every one did). Prints a summary: documents, errors, articles/s.",
    )
    label.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders, JSONL(.gz), or -")
    label.add_argument("-o", "--output", required=True, metavar="OUT.jsonl",
                       help="JSONL(.gz) file to write, or - for stdout")
    label.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    label.set_defaults(run=_cmd_label)

    evaluate = verbs.add_parser(
        "evaluate",
        help="score a model or labeller against gold annotations",
        description="Score predictions against gold annotations: entity and relation precision, recall and F1 "
        "per type and micro-averaged (exact spans; cooperates_with in either order), as the guide defines them.",
    )
    evaluated = evaluate.add_mutually_exclusive_group(required=True)
    evaluated.add_argument("--labeller", choices=LABELLERS, help="score a rule-based labeller")
    evaluated.add_argument("--model", metavar="DIR", help="score a trained model directory (adds seqeval's report)")
    evaluated.add_argument("--predictions", metavar="PRED.jsonl",
                           help="score a JSONL of predictions for the gold texts, e.g. `vner tag GOLD.jsonl -o "
                           "PRED.jsonl` (an exported or the shipped model as it serves; adds seqeval's report)")
    evaluate.add_argument("--data", required=True, metavar="GOLD.jsonl", help="gold annotations (JSONL)")
    evaluate.add_argument("--rules", action=argparse.BooleanOptionalAction, default=None,
                          help="with --model: " + RULES_HELP)
    evaluate.add_argument("--json", metavar="OUT.json", help="also write the figures as JSON")
    evaluate.add_argument("--html", metavar="REPORT.html",
                          help="also write a self-contained report: per-type P/R/F1 bars, confusion between "
                          "entity types, the sentences with the most errors (gold beside predicted)")
    evaluate.set_defaults(run=_cmd_evaluate)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vner`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    # vner's own INFO always; other libraries' only with -v (onnxruntime's quantiser logs every tensor).
    log.setLevel(logging.DEBUG if args.verbose else logging.INFO)
    try:
        return args.run(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"vner {args.verb}: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
