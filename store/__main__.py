"""`python -m store COMMAND ...`: see store/cli.py."""
import gc

from shortlived import run_and_exit

if __name__ == "__main__":
    gc.disable()  # a short-lived process: cyclic GC would only walk the ~800,000 facts of a big import again and again
    from loaders.isolated import ParsePipeline
    from store.arguments import build_parser, import_defaults

    arguments = build_parser().parse_args()
    # the first file's worker starts now and parses while pandas and SQLAlchemy are imported below
    pipeline = ParsePipeline(arguments.files, import_defaults(arguments)) if arguments.command == "import" else None
    from store.cli import main

    run_and_exit(lambda: main(args=arguments, pipeline=pipeline))  # main() disposes the engine
