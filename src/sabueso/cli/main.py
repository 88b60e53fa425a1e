"""The ``sabueso`` command: Typer application and the mapping of errors to exit codes."""

from __future__ import annotations

import sys
import traceback

import typer
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError

from sabueso import __version__
from sabueso.cli import (
    capture_cmd,
    cases_cmd,
    chats_cmd,
    custody_cmd,
    evidence_cmd,
    extract_cmd,
    requests_cmd,
    system_cmd,
    telephony_cmd,
)
from sabueso.cli.output import err_console
from sabueso.core.errors import SabuesoError
from sabueso.core.i18n import t
from sabueso.workspace import close_all

app = typer.Typer(
    name="sabueso",
    help=t("cli.help"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sabueso {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help=t("cli.opt.version")),
    debug: bool = typer.Option(False, "--debug", help=t("cli.opt.debug")),
) -> None:
    """Sabueso."""


system_cmd.register(app)
cases_cmd.register(app)
evidence_cmd.register(app)
custody_cmd.register(app)
extract_cmd.register(app)
chats_cmd.register(app)
chats_cmd.register_search(app)
chats_cmd.register_graph(app)
telephony_cmd.register(app)
requests_cmd.register(app)
capture_cmd.register(app)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        app(args=args, prog_name="sabueso")  # standalone: usage errors exit 2 by themselves
    except SabuesoError as exc:
        if debug:
            traceback.print_exc()
        err_console.print(f"[bold red]{t('cli.error')}:[/] {escape(exc.message())}",
                          soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print(t("cli.aborted"))
        sys.exit(130)
    except SQLAlchemyError as exc:
        if debug:
            traceback.print_exc()
        reason = escape(t("error.database", reason=str(exc)))
        err_console.print(f"[bold red]{t('cli.error')}:[/] {reason}", soft_wrap=True)
        sys.exit(2)
    except Exception as exc:  # a bug: say so briefly, details with --debug
        if debug:
            traceback.print_exc()
        reason = escape(t("error.internal", reason=f"{type(exc).__name__}: {exc}"))
        err_console.print(f"[bold red]{t('cli.error')}:[/] {reason}", soft_wrap=True)
        sys.exit(70)
    finally:
        close_all()


if __name__ == "__main__":
    main()
