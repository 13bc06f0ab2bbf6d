"""The ``claimcheck`` command line: a thin layer over library functions.

Every command calls a plain function (``checker.run.run``, ``checker.store.Store``,
``checker.report.claim_details``...) that a test or another program can call directly.
Mistakes of the user (a missing drop, an unknown claim ID, a database from a newer
version) end with a one-line message and exit code 2, never a traceback.

Only ``run``, ``ingest`` and ``users add`` create a database; every other command opens
an existing one, so a mistyped ``--db`` is an error rather than a new empty store.

Exit codes: 0 done; 1 a required part is missing, or ``run --fail-on new`` found new
findings; 2 usage error (also: no database at ``--db``); 3 ``run --strict`` or
``ingest --strict`` when an input was rejected; 4 another run holds the store
(``run --wait`` waits instead); 5 ``serve`` cannot listen on its address (the port is
taken); 141 standard output was closed early (``claimcheck ... | head``).
"""

from __future__ import annotations

import argparse
import errno
import functools
import io
import os
import re
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, get_args

from claims.model import FindingKind, ReviewStatus

if TYPE_CHECKING:
    from checker.store import Store
    from claims.model import Finding

EXIT_OK = 0
EXIT_MISSING = 1
EXIT_USAGE = 2
EXIT_REJECTED = 3
EXIT_NEW_FINDINGS = 1
EXIT_BUSY = 4
EXIT_CANNOT_LISTEN = 5
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a process ended by SIGPIPE

CLAIM_ID = re.compile(r"^c_[0-9a-f]{16}$")
FINDING_ID = re.compile(r"^f_[0-9a-f]{16}$")
EVENT_ID = re.compile(r"^e_[0-9a-f]{16}$")
ARTICLE_ID = re.compile(r"^a_[0-9a-f]{16}$")
REVIEW_STATUSES: tuple[str, ...] = get_args(ReviewStatus)
FINDING_KINDS: tuple[str, ...] = get_args(FindingKind)
DEFAULT_DB = "claimcheck.db"
SERVE_HOST = "127.0.0.1"
SERVE_PORT = 8000
HELP_WIDTH = 100
SHOW_AGREEING = 20  # `show` lists this many agreeing claims; --json gives the lookup's


class UsageError(Exception):
    """A mistake of the user: reported in one line, exit code 2."""


def _formatter(prog: str) -> argparse.HelpFormatter:
    # A fixed width keeps --help (and the generated docs/cli.md) the same on every terminal.
    return argparse.RawDescriptionHelpFormatter(prog, width=HELP_WIDTH, max_help_position=32)


# Options of earlier versions that are gone, with what replaces them: given, they are a
# usage error that says so.
REMOVED_OPTIONS = {
    "--token": "`serve --token` was removed: every editor signs in with their own account "
    "(`claimcheck users add NAME --password-stdin`), and API clients send their own token "
    "(`claimcheck users token NAME`); see docs/team.md",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        if message.startswith("unrecognized arguments"):
            given = message.partition(":")[2].split()
            message += "".join(
                f"; {why}" for option, why in REMOVED_OPTIONS.items()
                if any(arg == option or arg.startswith(option + "=") for arg in given)
            )
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _out(text: str = "", stream: TextIO | None = None) -> None:
    print(text, file=stream or sys.stdout)


def _err(text: str) -> None:
    sys.stdout.flush()  # keep messages in order when both streams go to one terminal or file
    print(text, file=sys.stderr)


def _json(data: object) -> None:
    from checker.report import dumps_json

    sys.stdout.write(dumps_json(data))


def _utf8_stdio() -> None:
    """Arabic must reach the terminal or pipe as UTF-8 whatever the locale says."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            reconfigure(encoding="utf-8")
        except (ValueError, io.UnsupportedOperation):
            pass


def _open_store(args: argparse.Namespace, *, create: bool = False) -> Store:
    """The store at ``--db``. Only commands that write new data pass ``create=True``: a
    read command run in the wrong folder, or with a mistyped ``--db``, must say so
    instead of answering from a new empty database."""
    import sqlalchemy.exc

    from checker.store import Store, StoreError, StoreMissing

    db = args.db
    is_file = "://" not in db and db != ":memory:"
    if create and is_file and not Path(db).parent.exists():
        raise UsageError(f"cannot create database {db}: folder {Path(db).parent} does not exist")
    try:
        return Store(db, create=create)
    except StoreMissing as exc:
        raise UsageError(
            f"{exc} (only run, ingest and users add create a database: check --db)"
        ) from exc
    except StoreError as exc:
        raise UsageError(str(exc)) from exc
    except sqlalchemy.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise UsageError(f"cannot open database {db}: {reason}") from exc


def _drops(paths: Sequence[str]) -> list[Path]:
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError("drop not found: " + ", ".join(missing))
    return [Path(p) for p in paths]


def _print_rejected(rejected: Sequence[Any]) -> None:
    if not rejected:
        return
    _err(f"{len(rejected)} input(s) rejected:")
    for item in rejected:
        where = f"{item.drop}: {item.path}" if item.drop else item.path
        _err(f"  {where}: {item.reason}: {item.detail}")


# -- commands ------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from checker.ingest import DropError
    from checker.progress import wants_progress
    from checker.rules.registry import RegistryError
    from checker.run import StoreBusy, run

    drops = _drops(args.drops)
    with _open_store(args, create=True) as store:
        try:
            summary = run(
                drops,
                store,
                Path(args.out),
                max_bytes=args.max_bytes,
                reextract=args.reextract,
                jobs=args.jobs,
                article_timeout=args.article_timeout or None,
                wait=args.wait,
                progress=wants_progress(args.quiet or args.json),
                report=args.report,
                dask=args.dask,
            )
        except (DropError, RegistryError) as exc:
            raise UsageError(str(exc)) from exc
        except StoreBusy as exc:
            _err(f"claimcheck run: {exc}")
            return EXIT_BUSY
    if args.json:
        _json(summary.model_dump(mode="json"))
    elif not args.quiet:
        _out(
            f"run {summary.run_id}: {summary.articles_read} articles read "
            f"({summary.articles_added} new, {summary.articles_known} already stored"
            + (f", {summary.articles_updated} updated" if summary.articles_updated else "")
            + f"); {summary.articles_extracted} extracted, {summary.claims_extracted} new claims"
            + f", {summary.claims_linked} claims linked"
            + (" (linker changed: all)" if summary.relinked_all and summary.previous_run_id
               else "")
        )
        severities = ", ".join(
            f"{k} {v}" for k, v in sorted(summary.findings_by_severity.items())
        )
        _out(
            f"store: {summary.articles_total} articles, {summary.claims_total} claims, "
            f"{summary.events} events, {summary.findings} findings"
            + (f" ({severities})" if severities else "")
        )
        if summary.ignored:
            _out(f"ignored (unsupported file type): {', '.join(summary.ignored)}")
        if summary.report_json:
            html = f", {summary.report_html}" if summary.report_html else ""
            scope = ""
            if summary.report_scope == "changed":
                left = summary.report_findings_left_out
                scope = (
                    " (the findings of what this run changed"
                    + (f", the {left:,} least severe left out" if left else "")
                    + "; `claimcheck report` writes the whole store)"
                )
            _out(f"report: {summary.report_json}, {summary.report_md}{html}{scope}")
        since = summary.previous_run_id or "nothing (first run)"
        _out(
            f"since {since}: {summary.new_findings} new, {summary.open_findings} still open, "
            f"{summary.resolved_findings} resolved findings"
            + (f" ({summary.delta_md})" if summary.delta_md else "")
        )
        timing = ", ".join(f"{k} {v:.2f}s" for k, v in summary.timings.items())
        _out(f"timings: {timing}")
    if not args.quiet:
        _print_rejected(summary.rejected)
    if args.strict and summary.rejected:
        _err(f"claimcheck run: {len(summary.rejected)} input(s) rejected (--strict)")
        return EXIT_REJECTED
    if args.fail_on == "new" and summary.new_findings:
        _err(f"claimcheck run: {summary.new_findings} new finding(s) (--fail-on new)")
        return EXIT_NEW_FINDINGS
    return EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    from checker.ingest import DropError
    from checker.run import StoreBusy, ingest_drops

    drops = _drops(args.drops)
    with _open_store(args, create=True) as store:
        try:
            results, status, rejected = ingest_drops(drops, store, max_bytes=args.max_bytes)
        except DropError as exc:
            raise UsageError(str(exc)) from exc
        except StoreBusy as exc:
            _err(f"claimcheck ingest: {exc}")
            return EXIT_BUSY
    read = sum(len(r.articles) for r in results)
    ignored = [(Path(r.drop) / p).as_posix() for r in results for p in r.ignored]
    if args.json:
        _json(
            {
                "articles_read": read,
                "added": status["added"],
                "known": status["known"],
                "updated": status["updated"],
                "rejected": [r.model_dump(mode="json") for r in rejected],
                "ignored": ignored,
            }
        )
    else:
        _out(
            f"{read} articles read: {status['added']} new, {status['known']} already stored"
            + (f", {status['updated']} updated" if status["updated"] else "")
        )
        if ignored:
            _out(f"ignored (unsupported file type): {', '.join(ignored)}")
        _print_rejected(rejected)
    if args.strict and rejected:
        _err(f"claimcheck ingest: {len(rejected)} input(s) rejected (--strict)")
        return EXIT_REJECTED
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from checker.report import claim_details

    item_id = args.id.strip()
    if FINDING_ID.match(item_id):
        return _show_finding(args, item_id)
    claim_id = item_id
    if not CLAIM_ID.match(claim_id):
        raise UsageError(
            f"not a claim ID or finding ID: {args.id!r} (claim IDs look like c_ and 16 hex "
            "digits, finding IDs like f_ and 16 hex digits)"
        )
    with _open_store(args) as store:
        details = claim_details(store, claim_id)
    if details is None:
        raise UsageError(f"no claim with ID {claim_id} in {args.db}")
    if args.json:
        _json(details.model_dump(mode="json"))
        return EXIT_OK
    claim = details.claim
    _out(f"claim {claim.id}")
    title = f" — {details.article_title}" if details.article_title else ""
    _out(f"  article:   {claim.article_name}{title}")
    _out(f"  outlet:    {claim.outlet or '-'}")
    _out(f"  published: {claim.published.isoformat() if claim.published else '-'}")
    _out(f"  url:       {claim.url or '-'}")
    _out(f"  quote:     {claim.quote}  [chars {claim.evidence.start}-{claim.evidence.end}]")
    _out(f"  sentence:  {claim.sentence.text}  [chars {claim.sentence.start}-{claim.sentence.end}]")
    _out("  slots:")
    for key, value in claim.slots_text.items():
        _out(f"    {key}: {value}")
    if details.event:
        label_ar = f" / {details.event.label_ar}" if details.event.label_ar else ""
        _out(f"  event:     {details.event.id} {details.event.label}{label_ar}")
    else:
        _out("  event:     - (not linked to an event)")
    if details.agrees_with:
        _out("  agrees with (same event, on no other side of a finding):")
        for other in details.agrees_with[:SHOW_AGREEING]:
            _out(f"    {other.id} {other.article_name} ({other.outlet or '-'}): {other.quote}")
        if len(details.agrees_with) > SHOW_AGREEING:
            more = len(details.agrees_with) - SHOW_AGREEING
            _out(f"    ... and {more} more (--json lists them)")
        if details.agrees_unread:
            _out(f"    ... and {details.agrees_unread} other claims of the event not listed")
    elif details.event:
        _out("  agrees with: none")
    if details.findings:
        _out("  findings:")
        for f in details.findings:
            _out(
                f"    {f.id} {f.severity.upper()} {f.certainty} {f.code} {f.rule} ({f.kind}) "
                f"[{f.review.status}]"
            )
            if f.explanation_en:
                _out(f"      {f.explanation_en}")
    else:
        _out("  findings:  none")
    return EXIT_OK


def _show_finding(args: argparse.Namespace, finding_id: str) -> int:
    from checker.report import finding_details, reports_en, side_label

    with _open_store(args) as store:
        details = finding_details(store, finding_id)
        history = store.reviews(finding_id) if details is not None else []
    if details is None:
        raise UsageError(f"no finding with ID {finding_id} in {args.db}")
    if args.json:
        data = details.model_dump(mode="json")
        # Every decision on the finding, oldest first: who decided what, and when.
        data["reviews"] = [review.model_dump(mode="json") for review in history]
        _json(data)
        return EXIT_OK
    f = details.finding
    _out(f"finding {f.id}")
    _out(f"  rule:      {f.code} {f.rule} ({f.kind}), severity {f.severity}")
    _out(f"  certainty: {f.certainty_reason or f.certainty}")
    if f.fact:
        _out(f"  fact:      {f.fact}")
    if details.event:
        label_ar = f" / {details.event.label_ar}" if details.event.label_ar else ""
        _out(f"  event:     {details.event.id} {details.event.label}{label_ar}")
    else:
        _out("  event:     - (not linked to an event)")
    review = f.review
    _out(
        f"  review:    {review.status}"
        + (f" by {review.by}" if review.by else "")
        + (f" at {review.at.isoformat()}" if review.at else "")
        + (f"; note: {review.note}" if review.note else "")
    )
    if len(history) > 1:
        _out("  history:")
        for decision in history:
            _out(
                f"    {decision.at.isoformat()} {decision.status} by {decision.by}"
                + (f"; note: {decision.note}" if decision.note else "")
            )
    if f.explanation_en:
        _out(f"  {f.explanation_en}")
    if f.explanation_ar:
        _out(f"  {f.explanation_ar}")
    for index, side in enumerate(f.sides):
        _out(f"  side {side_label(index)}: {side.value} ({reports_en(side.tally)})")
        for quote in side.quotes:
            published = quote.published.isoformat() if quote.published else "-"
            where = f"chars {quote.start}-{quote.end}" if quote.start is not None else "no offsets"
            compared = f"; {quote.field} = {quote.value}" if quote.field else ""
            inferred = "; phase, place or list inferred from its event" if quote.inferred else ""
            _out(
                f"    {quote.claim_id} {quote.article_name or '?'} ({quote.outlet or '-'}, "
                f"{published}), {where}{compared}{inferred}"
            )
            _out(f"      {quote.quote}")
    return EXIT_OK


def cmd_articles(args: argparse.Namespace) -> int:
    with _open_store(args) as store:
        infos = store.article_infos()
    if args.json:
        _json([info.model_dump(mode="json") for info in infos])
        return EXIT_OK
    if not infos:
        _out("no articles stored")
    for info in infos:
        published = info.published.isoformat() if info.published else "-"
        _out(
            f"{info.id}  {info.name}  {info.outlet or '-'}  {published}  "
            f"{info.claim_count} claims{'' if info.extracted else ' (not extracted)'}"
        )
    return EXIT_OK


def cmd_rejected(args: argparse.Namespace) -> int:
    with _open_store(args) as store:
        rejected = store.rejected()
    if args.json:
        _json([r.model_dump(mode="json") for r in rejected])
        return EXIT_OK
    if not rejected:
        _out("no rejected inputs")
    for item in rejected:
        where = f"{item.drop}: {item.path}" if item.drop else item.path
        _out(f"{where}: {item.reason}: {item.detail}")
    return EXIT_OK


def select_findings(
    store: Store,
    *,
    status: ReviewStatus | None = None,
    kind: FindingKind | None = None,
    event: str | None = None,
    article: str | None = None,
    outlet: str | None = None,
) -> list[Finding]:
    """Findings matching every filter given, most severe first (``claimcheck findings``).

    ``event`` is an event ID; ``article`` an article ID or name; ``outlet`` an outlet name
    (case and surrounding spaces ignored). A finding belongs to an article or outlet when
    one of its claims comes from it. Raises ``LookupError`` for an unknown event, article
    or outlet, so that a typo does not pass for "no findings".
    """
    findings = store.findings(status=status, kind=kind)
    if event is not None:
        if not store.get_events([event]):
            raise LookupError(f"no event with ID {event}")
        # The store has no query by event: findings carry their event, filter them here.
        findings = [f for f in findings if f.event_id == event]
    article_ids: set[str] | None = None
    if article is not None:
        found = store.get_article(article) if ARTICLE_ID.match(article) else None
        found = found or store.article_by_name(article)
        if found is None:
            raise LookupError(f"no article with ID or name {article!r}")
        article_ids = {found.id}
    if outlet is not None:
        wanted = outlet.strip().casefold()
        infos = store.article_infos()
        of_outlet = {i.id for i in infos if (i.outlet or "").strip().casefold() == wanted}
        if not of_outlet:
            known = sorted({i.outlet for i in infos if i.outlet})
            raise LookupError(
                f"no article from outlet {outlet!r}"
                + (f" (outlets: {', '.join(known)})" if known else " (no article names an outlet)")
            )
        article_ids = of_outlet if article_ids is None else article_ids & of_outlet
    if article_ids is not None:
        claim_ids = [c.id for c in store.claims_of_articles(sorted(article_ids))]
        keep = store.finding_ids_of_claims(claim_ids)
        findings = [f for f in findings if f.id in keep]
    return findings


def cmd_findings(args: argparse.Namespace) -> int:
    event = args.event.strip() if args.event else None
    if event is not None and not EVENT_ID.match(event):
        raise UsageError(
            f"not an event ID: {args.event!r} (event IDs look like e_ and 16 hex digits)"
        )
    with _open_store(args) as store:
        try:
            findings = select_findings(
                store, status=args.status, kind=args.kind, event=event,
                article=args.article.strip() if args.article else None, outlet=args.outlet,
            )
        except LookupError as exc:
            raise UsageError(str(exc)) from exc
    if args.json:
        _json([f.model_dump(mode="json") for f in findings])
        return EXIT_OK
    if not findings:
        _out("no findings")
    for f in findings:
        sides = " vs ".join(f"{side.value} ({side.tally})" for side in f.sides)
        _out(
            f"{f.id}  {f.severity.upper()} {f.certainty} {f.code} {f.rule} ({f.kind}) "
            f"[{f.review_status}]  {sides}"
        )
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    from checker.store import StoreError, UnknownUser

    finding_id = args.finding_id.strip()
    if not FINDING_ID.match(finding_id):
        raise UsageError(
            f"not a finding ID: {args.finding_id!r} (finding IDs look like f_ and 16 hex digits)"
        )
    by = args.by.strip()
    # A decision is kept on an existing finding: the store must exist already.
    with _open_store(args) as store:
        try:
            finding = store.add_review(finding_id, args.status, note=args.note, by=by)
        except UnknownUser as exc:
            raise UsageError(
                f"unknown user {by!r}: register them first with `claimcheck users add {by}`"
            ) from exc
        except StoreError as exc:
            raise UsageError(str(exc)) from exc
    if args.json:
        _json(finding.model_dump(mode="json"))
    else:
        note = f" ({finding.review_note})" if finding.review_note else ""
        _out(f"{finding.id}: {finding.review_status}{note}")
    return EXIT_OK


def _read_password(prompt: str) -> str:
    """A password from the first line of standard input, or asked for without echo when
    standard input is a terminal. Never an argument: it would show in the process list
    and the shell history."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        password = getpass.getpass(prompt)
    else:
        password = sys.stdin.readline().rstrip("\r\n") if sys.stdin is not None else ""
    if not password:
        raise UsageError("no password on standard input")
    return password


def _unknown_user(name: str) -> UsageError:
    return UsageError(
        f"unknown user {name!r}: register them first with `claimcheck users add {name}`"
    )


def cmd_users_add(args: argparse.Namespace) -> int:
    from checker.store import StoreError

    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("no password on standard input")
    # Users may be registered before the first run: this command creates the store.
    with _open_store(args, create=True) as store:
        try:
            store.add_user(args.name, display=args.display, password=password)
        except (StoreError, ValueError) as exc:
            raise UsageError(str(exc)) from exc
    _out(f"user {args.name} added")
    return EXIT_OK


def cmd_users_password(args: argparse.Namespace) -> int:
    from checker.store import StoreError, UnknownUser

    with _open_store(args) as store:
        if store.get_user(args.name) is None:
            raise _unknown_user(args.name)
        password = _read_password(f"new password for {args.name}: ")
        try:
            store.set_password(args.name, password)
        except UnknownUser as exc:
            raise _unknown_user(args.name) from exc
        except (StoreError, ValueError) as exc:
            raise UsageError(str(exc)) from exc
    _out(f"user {args.name}: new password set; pages signed in with the old one are "
         "signed out")
    return EXIT_OK


def cmd_users_revoke(args: argparse.Namespace) -> int:
    from checker.store import StoreError, UnknownUser

    with _open_store(args) as store:
        try:
            revoked = store.revoke_tokens(args.name)
            had_password = store.remove_password(args.name) if args.password else False
        except UnknownUser as exc:
            raise _unknown_user(args.name) from exc
        except StoreError as exc:
            raise UsageError(str(exc)) from exc
    tokens = "1 API token" if revoked == 1 else f"{revoked} API tokens"
    _out(f"user {args.name}: {tokens} revoked; a revoked token is refused from now on "
         f"(`claimcheck users token {args.name}` issues a new one)")
    if args.password:
        what = "password removed" if had_password else "had no password"
        _out(f"user {args.name}: {what}; they cannot sign in to the pages, and pages "
             f"signed in as them are signed out (`claimcheck users password {args.name}` "
             "sets a new one)")
    return EXIT_OK


def cmd_users_list(args: argparse.Namespace) -> int:
    with _open_store(args) as store:
        users = store.users()
    if args.json:
        _json([user.model_dump(mode="json") for user in users])
        return EXIT_OK
    if not users:
        _out("no users (add one with `claimcheck users add NAME`)")
    for user in users:
        shown = f"  {user.display}" if user.display and user.display != user.name else ""
        _out(f"{user.name}{shown}")
    return EXIT_OK


def cmd_users_token(args: argparse.Namespace) -> int:
    from checker.store import StoreError, UnknownUser

    with _open_store(args) as store:
        try:
            token = store.new_token(args.name)
        except UnknownUser as exc:
            raise _unknown_user(args.name) from exc
        except StoreError as exc:
            raise UsageError(str(exc)) from exc
    _out(token)
    _err("the token is shown only this once; keep it where the user can find it")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from checker.html_report import write_report_html
    from checker.report import build_report, write_report_json, write_report_md

    with _open_store(args) as store:
        report = build_report(store)
    out = Path(args.out)
    write_report_json(report, out / "report.json")
    write_report_md(report, out / "report.md")
    write_report_html(report, out / "report.html")
    _out(f"report: {out / 'report.json'}, {out / 'report.md'}, {out / 'report.html'}")
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from checker.search import MAX_QUERY_WORDS, query_words, search, search_results

    if not query_words(args.text):
        raise UsageError(f"nothing to search for in {args.text!r}")
    if len(args.text) > 200:
        raise UsageError("search text longer than 200 characters")
    with _open_store(args) as store:
        hits = search(store, args.text)
        results = search_results(store, hits[: args.limit])
    if args.json:
        _json({"query": args.text, "total": len(hits), "results": results})
        return EXIT_OK
    if not hits:
        _out("no matching claims")
        return EXIT_OK
    shown = min(len(hits), args.limit)
    _out(f"{len(hits)} matching claims" + (f", best {shown} shown" if shown < len(hits) else ""))
    for item in results:
        claim = item["claim"]
        _out(
            f"{claim['id']}  {item['score']:.1f}  {claim['article_name']} "
            f"({claim.get('outlet') or '-'})  {claim['quote']}"
        )
    if len(query_words(args.text)) == MAX_QUERY_WORDS:
        _err(f"only the first {MAX_QUERY_WORDS} words were searched")
    return EXIT_OK


def check_port(host: str, port: int) -> None:
    """Raise ``OSError`` when nothing could listen on ``host``:``port`` now (the port is
    taken, the address is not this machine's, a privileged port)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As the server will: a port left in TIME_WAIT by a previous server is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)


def cmd_serve(args: argparse.Namespace) -> int:
    from checker.api import (
        ServeError,
        check_no_shared_token,
        check_serve_options,
        resolve_session_secret,
        serve,
    )

    try:
        check_no_shared_token()
        resolve_session_secret()  # a secret that is too short is refused before anything
    except ServeError as exc:
        raise UsageError(str(exc)) from exc
    # Opened once here so that a bad --db is a one-line error, not a server traceback.
    with _open_store(args) as store:
        has_users = bool(store.users())
        shown = store.display_url if "://" in args.db else args.db  # never a password
    try:
        check_serve_options(args.host, has_users=has_users, db=shown)
    except ServeError as exc:
        raise UsageError(str(exc)) from exc
    try:
        check_port(args.host, args.port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            reason = "the port is already in use; stop what holds it or pass another --port"
        else:
            reason = exc.strerror or str(exc)
        _err(f"claimcheck serve: cannot listen on {args.host}:{args.port}: {reason}")
        return EXIT_CANNOT_LISTEN
    try:
        serve(args.db, host=args.host, port=args.port, secure_cookie=args.secure_cookie)
    except ServeError as exc:  # the store changed since the checks above
        raise UsageError(str(exc)) from exc
    except SystemExit as exc:
        # uvicorn exits with its own code 3 when it cannot bind (the port was taken since
        # the check): not to be confused with our 3, --strict.
        if exc.code not in (None, 0):
            _err(f"claimcheck serve: the server could not start on {args.host}:{args.port}")
            return EXIT_CANNOT_LISTEN
        raise
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from checker.export import (
        DEFAULT_BASE_URL,
        DEFAULT_ORGANIZATION,
        check_base_url,
        csv_bytes,
        export_claimreview,
    )
    from checker.report import dumps_json

    try:
        base_url = check_base_url(args.base_url or DEFAULT_BASE_URL)
    except ValueError as exc:
        raise UsageError(f"--base-url: {exc}") from exc
    with _open_store(args) as store:
        if args.format == "claimreview":
            document = export_claimreview(
                store, base_url=base_url, organization=args.organization or DEFAULT_ORGANIZATION
            )
            data = dumps_json(document).encode("utf-8")
        else:
            data = csv_bytes(store, status=args.status)
    if args.out:
        out = Path(args.out)
        if not out.parent.exists():
            raise UsageError(f"folder {out.parent} does not exist")
        out.write_bytes(data)
        _err(f"wrote {out}")
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    import json

    gold = Path(args.gold)
    articles = Path(args.articles)
    if not gold.is_file():
        raise UsageError(f"gold file not found: {gold}")
    if not articles.exists():
        raise UsageError(f"articles folder not found: {articles}")
    # Imported here so that every other command works while evaluation is unavailable.
    try:
        from checker import evaluate

        run_eval = evaluate.run_eval
        format_table = evaluate.format_table
    except (ImportError, AttributeError) as exc:
        _err(f"claimcheck eval: evaluation is not available in this installation ({exc})")
        return EXIT_MISSING
    user_errors: tuple[type[BaseException], ...] = (ValueError, OSError, json.JSONDecodeError)
    eval_error = getattr(evaluate, "EvalError", None)
    if isinstance(eval_error, type) and issubclass(eval_error, Exception):
        user_errors += (eval_error,)
    try:
        result = run_eval(gold, articles)
    except user_errors as exc:
        # The first line says what is wrong; further lines (e.g. each gold quote that is
        # not in its article) are kept because the user needs them to fix the file.
        raise UsageError(f"cannot evaluate {gold}: {exc}") from exc
    if args.json:
        _json(result.as_dict())
    else:
        _out(format_table(result))
    return EXIT_OK


# -- parser --------------------------------------------------------------------------------


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text}")
    return value


def _port(text: str) -> int:
    value = _positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"not a port (1 to 65535): {text}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    from checker.ingest import DEFAULT_MAX_BYTES

    db_help = f"database file or SQLAlchemy URL (default: {DEFAULT_DB} in the current folder)"
    # --db goes before or after the command. After it, it has no default of its own, or
    # the subcommand's default would overwrite a --db given before the command.
    common = _Parser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH", help=db_help)

    parser = _Parser(
        prog="claimcheck",
        description="Claim-consistency checker for Arabic news reports.",
        formatter_class=_formatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument("--db", default=DEFAULT_DB, metavar="PATH", help=db_help)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(
        name: str,
        help_text: str,
        handler: Callable[[argparse.Namespace], int] | None,
        within: Any = sub,
    ) -> Any:
        command = within.add_parser(
            name, help=help_text, description=help_text, parents=[common],
            formatter_class=_formatter,
        )
        if handler is not None:
            command.set_defaults(handler=handler)
        return command

    p = add("run", "ingest drops, extract new articles, link, check and write the report", cmd_run)
    p.add_argument("drops", nargs="+", metavar="DROP", help="folder or file of articles")
    p.add_argument("--out", default="out", metavar="DIR", help="report folder (default: out)")
    p.add_argument(
        "--strict", action="store_true", help="exit with code 3 when any input was rejected"
    )
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.add_argument("--json", action="store_true", help="print the run summary as JSON")
    p.add_argument(
        "--max-bytes", type=_positive_int, default=DEFAULT_MAX_BYTES, metavar="N",
        help=f"reject files larger than N bytes (default: {DEFAULT_MAX_BYTES})",
    )
    p.add_argument(
        "--reextract", action="store_true",
        help="extract claims again for every stored article",
    )
    p.add_argument(
        "--jobs", type=_positive_int, default=None, metavar="N",
        help="extraction processes (default: one per core)",
    )
    p.add_argument(
        "--article-timeout", type=_seconds, default=30.0, metavar="SECONDS",
        help="reject an article whose extraction takes longer, reason 'timeout' "
        "(default: 30; 0: no limit)",
    )
    p.add_argument(
        "--wait", action="store_true",
        help="wait while another run holds the store instead of exiting with code 4",
    )
    p.add_argument(
        "--dask", metavar="SCHEDULER", default=None,
        help="extract on a Dask cluster: 'local' (a LocalCluster of --jobs processes) or a "
        "scheduler address; needs the 'scale' extra",
    )
    p.add_argument(
        "--report", choices=["auto", "full", "changed", "none"], default="auto",
        help="what the report covers: the whole store, the findings of what this run changed "
        "(at most 2,000), or no report (auto: the whole store up to 20,000 claims and 10,000 "
        "findings, else changed)",
    )
    p.add_argument(
        "--fail-on", choices=["new"], default=None,
        help="exit with code 1 when the run found new findings (for cron and CI)",
    )

    p = add("ingest", "read drops into the store without extracting claims", cmd_ingest)
    p.add_argument("drops", nargs="+", metavar="DROP", help="folder or file of articles")
    p.add_argument(
        "--max-bytes", type=_positive_int, default=DEFAULT_MAX_BYTES, metavar="N",
        help=f"reject files larger than N bytes (default: {DEFAULT_MAX_BYTES})",
    )
    p.add_argument(
        "--strict", action="store_true", help="exit with code 3 when any input was rejected"
    )
    p.add_argument("--json", action="store_true", help="print the outcome as JSON")

    p = add(
        "show",
        "show one claim (slots, quote, article, event, findings) or one finding (every side "
        "with its reports and quotes, certainty and why)",
        cmd_show,
    )
    p.add_argument(
        "id", metavar="ID",
        help="a claim ID such as c_0123456789abcdef or a finding ID such as f_0123456789abcdef",
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add("articles", "list stored articles (without their text)", cmd_articles)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add("rejected", "list rejected inputs with their reasons", cmd_rejected)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add("findings", "list findings, most severe first", cmd_findings)
    p.add_argument("--status", choices=REVIEW_STATUSES, help="review status")
    p.add_argument("--kind", choices=FINDING_KINDS, help="finding kind")
    p.add_argument(
        "--event", metavar="EVENT_ID", help="only this event's findings (e_ and 16 hex digits)"
    )
    p.add_argument(
        "--article", metavar="ARTICLE",
        help="only findings with a claim from this article (article ID or name)",
    )
    p.add_argument(
        "--outlet", metavar="NAME", help="only findings with a claim from this outlet"
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add("review", "record an editor's decision on a finding", cmd_review)
    p.add_argument(
        "finding_id", metavar="FINDING_ID", help="a finding ID such as f_0123456789abcdef"
    )
    p.add_argument("status", choices=REVIEW_STATUSES, help="the decision")
    p.add_argument("--note", help="a short note kept with the decision")
    p.add_argument(
        "--by", metavar="NAME", required=True,
        help="who decided: a registered user (`claimcheck users add NAME`)",
    )
    p.add_argument("--json", action="store_true", help="print the finding as JSON")

    users = add("users", "register editors who record decisions, and their API tokens", None)
    users_sub = users.add_subparsers(
        dest="users_command", metavar="USERS_COMMAND", parser_class=_Parser, required=True
    )
    p = add("add", "register a user (creates the database if there is none)", cmd_users_add,
            users_sub)
    p.add_argument("name", metavar="NAME", help="the name given to review --by")
    p.add_argument("--display", metavar="D", help="the name shown to other editors")
    p.add_argument(
        "--password-stdin", action="store_true",
        help="read a password for the web pages from the first line of standard input",
    )
    p = add("list", "list registered users", cmd_users_list, users_sub)
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add("token", "print a new API token for a user (shown only once)", cmd_users_token,
            users_sub)
    p.add_argument("name", metavar="NAME", help="a registered user")
    p = add("revoke", "revoke every API token of a user; --password also removes their "
            "password (no more signing in, open pages signed out)", cmd_users_revoke, users_sub)
    p.add_argument("name", metavar="NAME", help="a registered user")
    p.add_argument(
        "--password", action="store_true",
        help="remove the user's password too: they can no longer sign in to the pages",
    )
    p = add("password", "set a user's password for the web pages (read from standard input, "
            "or asked for on a terminal); pages signed in with the old one are signed out",
            cmd_users_password, users_sub)
    p.add_argument("name", metavar="NAME", help="a registered user")

    p = add("search", "find claims by words (Arabic-normalised, clitic-tolerant, ranked)",
            cmd_search)
    p.add_argument("text", metavar="TEXT", help="words to look for")
    p.add_argument(
        "--limit", type=_positive_int, default=20, metavar="N",
        help="show at most N claims (default: 20)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add("serve", "serve the report, claims and review decisions over HTTP; decisions "
            "need a signed-in user (/login, or an API token)", cmd_serve)
    p.add_argument(
        "--host", default=SERVE_HOST,
        help=f"address to listen on (default: {SERVE_HOST}, where reads are open; on any "
        "other every read needs a signed-in user, and the store needs a user)",
    )
    p.add_argument(
        "--port", type=_port, default=SERVE_PORT, metavar="N",
        help=f"port (default: {SERVE_PORT}); exit code {EXIT_CANNOT_LISTEN} when it is taken",
    )
    p.add_argument(
        "--secure-cookie", action="store_true",
        help="mark the session cookie Secure: the pages are reached over https (through a "
        "TLS proxy)",
    )

    p = add("export", "export reviewed findings as ClaimReview JSON-LD, or findings as CSV",
            cmd_export)
    p.add_argument(
        "--format", required=True, choices=["claimreview", "csv"], help="output format"
    )
    p.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    p.add_argument(
        "--status", choices=REVIEW_STATUSES,
        help="CSV: only findings with this review status",
    )
    p.add_argument(
        "--base-url", metavar="URL",
        help="ClaimReview: where the finding pages are served; each review's url is "
        f"URL/findings/ID/page (default: http://{SERVE_HOST}:{SERVE_PORT}, where `serve` "
        "answers)",
    )
    p.add_argument(
        "--organization", metavar="NAME",
        help="ClaimReview: the reviewing organisation, the reviews' author "
        "(default: claimcheck)",
    )

    p = add("report", "write report.json, report.md and report.html from the store", cmd_report)
    p.add_argument("--out", default="out", metavar="DIR", help="report folder (default: out)")

    p = add("eval", "score extraction and findings against a gold file", cmd_eval)
    p.add_argument("gold", metavar="GOLD", help="gold annotation file (JSON)")
    p.add_argument(
        "--articles", required=True, metavar="DIR", help="folder with the gold's articles"
    )
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    return parser


@functools.cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("claimcheck")
    except PackageNotFoundError:
        return "(not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_stdio()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    command = " ".join(filter(None, (args.command, getattr(args, "users_command", None))))
    try:
        code = int(handler(args))
        sys.stdout.flush()  # here, where a closed pipe can still be handled
        return code
    except UsageError as exc:
        _err(f"claimcheck {command}: {exc}")
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`claimcheck show ID | head -2`): stop quietly, as other
        # command-line programs do. Python's own advice (the signal module docs, "Note on
        # SIGPIPE"): point stdout at devnull so that the flush at exit does not fail again.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        _err("claimcheck: interrupted")
        return 130


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file (captured in a test): nothing is flushed at exit


# -- the CLI reference (docs/cli.md) is generated from the parser ----------------------------


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def cli_reference() -> str:
    """The Markdown CLI reference, generated from the parser (``make docs``)."""
    parser = build_parser()
    lines = [
        "# claimcheck command line",
        "",
        "<!-- Generated from checker/cli.py by `make docs`; a test checks it against --help. -->",
        "",
        "Every command takes `--db PATH`, before or after the command name (default",
        "`claimcheck.db` in the current folder; an SQLAlchemy URL also works). Only `run`,",
        "`ingest` and `users add` create a database; every other command needs an existing",
        "one and says so (exit code 2) rather than answering from a new empty store. JSON",
        "output is UTF-8 with Arabic unescaped.",
        "",
        "Exit codes: `0` done; `1` a required part is missing (e.g. evaluation not installed),",
        "or `run --fail-on new` found new findings; `2` usage error (bad arguments, unknown or",
        "malformed ID, no database at `--db`, missing drop, incompatible database, unknown",
        "user); `3` `run --strict` / `ingest --strict` when an input was rejected; `4` another",
        "run holds the store (`run --wait` waits instead; see docs/batch.md); `5` `serve`",
        "cannot listen on its address (the port is taken); `141` standard output was closed",
        "early (`claimcheck show ID | head -2`), without a traceback.",
        "",
        "Examples:",
        "",
        "```sh",
        "claimcheck run seeds/                      # store, extract, link, check; out/report.*",
        "claimcheck run drops/2025-09-16/ --strict  # exit 3 if any file was rejected",
        "claimcheck articles --json                 # stored articles, without their text",
        "claimcheck show c_0123456789abcdef         # one claim, its event and findings",
        "claimcheck show f_0123456789abcdef --json  # one finding, with its review history",
        "claimcheck findings --status open          # what still needs an editor",
        "claimcheck findings --outlet \"رويترز\" --kind date",
        "claimcheck --db archive.db findings --event e_0123456789abcdef",
        "claimcheck users add rana --display \"رنا\" --password-stdin  # signs in at /login",
        "claimcheck review f_0123456789abcdef dismissed --note \"two phases\" --by rana",
        "claimcheck rejected                        # inputs that were not read, and why",
        "claimcheck search \"انسحاب عين الأسد\"      # claims by words, best first",
        "claimcheck serve --port 8000               # report with review buttons, JSON API",
        "claimcheck export --format claimreview --base-url https://fc.example --out r.jsonld",
        "claimcheck export --format csv --out findings.csv",
        "claimcheck eval gold.json --articles seeds/ --json",
        "```",
        "",
        "## claimcheck",
        "",
        "```text",
        parser.format_help().rstrip(),
        "```",
        "",
    ]
    for name, sub in _subparsers(parser).items():
        lines += [f"## claimcheck {name}", "", "```text", sub.format_help().rstrip(), "```", ""]
        for inner, command in _subparsers(sub).items():
            lines += [
                f"## claimcheck {name} {inner}", "", "```text",
                command.format_help().rstrip(), "```", "",
            ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
