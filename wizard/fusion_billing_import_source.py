# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Reading the import's source: the app's PostgreSQL database, or one CSV file per table.

Both return ``{table: [row dict]}`` for ``engine.import_judge``. **H2**: whatever goes
wrong while reading (connection, authentication, a missing table or column, a query
error or timeout) becomes one ``UserError`` naming the problem, never a raw SQL
traceback; the password never appears in it nor in the log.
"""

import logging

import psycopg2
from psycopg2 import errors as pg_errors
from psycopg2 import sql
from psycopg2.extensions import parse_dsn

from odoo.exceptions import UserError

from ..engine import app_invoices
from ..engine.import_source import COLUMNS, TEXT_COLUMNS, SourceError, read_csv

_logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10  # seconds
STATEMENT_TIMEOUT = 120_000  # milliseconds, per query
APPLICATION_NAME = "odoo-fusion-billing-import"


def check_dsn(env, dsn):
    """The DSN's parts, refusing one that carries a password (it would be stored in clear).

    :rtype: dict
    :raise UserError: If the DSN cannot be parsed or holds a password
    """
    try:
        parts = parse_dsn(dsn or "")
    except psycopg2.ProgrammingError:
        raise UserError(env._(
            "The source database connection string cannot be read. Write it as "
            "\"host=... port=5432 dbname=... user=...\" or postgresql://user@host/dbname."
        )) from None
    if "password" in parts:
        raise UserError(env._(
            "Remove the password from the connection string and type it in the Password "
            "field: the connection string is kept in clear, the password is not."))
    return parts


def source_label(parts, schema):
    """Where the rows came from, for the run record (never the password)."""
    return "postgresql://{user}@{host}:{port}/{dbname} (schema {schema})".format(
        user=parts.get("user", ""), host=parts.get("host", "localhost"),
        port=parts.get("port", "5432"), dbname=parts.get("dbname", ""), schema=schema)


def read_database(env, dsn, password, schema):
    """Read every table of the source contract from the app's database.

    The session is read-only, with connect and statement timeouts.

    :rtype: dict
    :raise UserError: **H2**, naming the problem
    """
    connection = _connect(env, dsn, password)
    try:
        with connection.cursor() as cursor:
            return {table: _read_table(env, cursor, schema, table, password)
                    for table in COLUMNS}
    finally:
        connection.close()


def _connect(env, dsn, password):
    """A read-only session with timeouts. Without ``password``, libpq finds it in the
    server's own ``~/.pgpass`` or the file ``PGPASSFILE`` names (the unattended read)."""
    parts = check_dsn(env, dsn)
    try:
        connection = psycopg2.connect(
            dsn, password=password or None, connect_timeout=CONNECT_TIMEOUT,
            application_name=APPLICATION_NAME,
            options=f"-c statement_timeout={STATEMENT_TIMEOUT} "
                    "-c default_transaction_read_only=on",
        )
    except psycopg2.Error as error:
        raise UserError(_connect_message(env, parts, error, password)) from None
    connection.set_session(readonly=True, autocommit=False)
    return connection


def read_app_invoices(env, dsn, password, schema):
    """The app's own invoices from its optional ``invoices`` and ``invoice_lines``
    tables, in the shape of ``engine.app_invoices``.

    :return: ``(invoices, problems by invoice id)``, or ``(None, {})`` when the app has
        no ``invoices`` table (the tables are optional)
    :raise UserError: **H2**, as the import's reading
    """
    connection = _connect(env, dsn, password)
    try:
        with connection.cursor() as cursor:
            tables = {}
            for table, columns in app_invoices.SOURCE_COLUMNS.items():
                cursor.execute("SELECT to_regclass(%s)", [f'"{schema}"."{table}"'])
                if cursor.fetchone()[0] is None:
                    tables[table] = None
                    continue
                tables[table] = _read_table(env, cursor, schema, table, password,
                                            columns, app_invoices.SOURCE_TEXT_COLUMNS)
    finally:
        connection.close()
    if tables[app_invoices.INVOICES] is None:
        return None, {}
    return app_invoices.from_source(tables[app_invoices.INVOICES],
                                    tables[app_invoices.INVOICE_LINES] or [])


def _read_table(env, cursor, schema, table, password, names=None, text_columns=None):
    names = names or COLUMNS[table]
    text_columns = TEXT_COLUMNS if text_columns is None else text_columns
    columns = sql.SQL(", ").join(
        sql.SQL("{}::text AS {}").format(sql.Identifier(c), sql.Identifier(c))
        if c in text_columns else sql.Identifier(c)
        for c in names
    )
    query = sql.SQL("SELECT {} FROM {}.{} ORDER BY 1").format(
        columns, sql.Identifier(schema), sql.Identifier(table))
    try:
        cursor.execute(query)
        rows = cursor.fetchall()
    except pg_errors.UndefinedTable:
        raise UserError(env._(
            "The source database has no table %(schema)s.%(table)s (the source contract is "
            "in docs/import-source.sql).", schema=schema, table=table)) from None
    except pg_errors.UndefinedColumn as error:
        raise UserError(env._(
            "The table %(schema)s.%(table)s of the source database lacks a column: %(error)s "
            "(expected: %(columns)s).", schema=schema, table=table,
            error=_first_line(error, password), columns=", ".join(names))) from None
    except pg_errors.InvalidSchemaName:
        raise UserError(env._("The source database has no schema %(schema)s.",
                              schema=schema)) from None
    except pg_errors.QueryCanceled:
        raise UserError(env._(
            "Reading %(table)s from the source database took longer than %(seconds)s "
            "seconds and was stopped.", table=table,
            seconds=STATEMENT_TIMEOUT // 1000)) from None
    except psycopg2.Error as error:
        raise UserError(env._(
            "Reading %(table)s from the source database failed: %(error)s",
            table=table, error=_first_line(error, password))) from None
    cursor.connection.rollback()  # read-only; ends the transaction between tables
    return [dict(zip(names, row, strict=True)) for row in rows]


def _connect_message(env, parts, error, password):
    text = _first_line(error, password)
    where = "{}:{}/{}".format(parts.get("host", "localhost"), parts.get("port", "5432"),
                              parts.get("dbname", ""))
    if "password authentication failed" in text or "authentication failed" in text \
            or "no password supplied" in text:
        return env._(
            "Authentication to the source database %(where)s failed for user %(user)s: "
            "check the user and the password.", where=where, user=parts.get("user", ""))
    if "does not exist" in text and "database" in text:
        return env._("The source database %(where)s does not exist.", where=where)
    return env._("Could not connect to the source database %(where)s: %(error)s",
                 where=where, error=text)


def _first_line(error, password):
    """The first line of a driver error, with the password masked should it appear."""
    diag = getattr(error, "diag", None)
    text = (getattr(diag, "message_primary", None) or str(error)
            or type(error).__name__).strip()
    text = text.splitlines()[0] if text else type(error).__name__
    if password:
        text = text.replace(password, "******")
    return text


def read_files(env, files):
    """Read the CSV export: ``files`` maps each table to its content (bytes) or ``None``.

    :rtype: dict
    :raise UserError: **H2** for files: a missing file or column, not CSV or not UTF-8
    """
    source = {}
    for table in COLUMNS:
        data = files.get(table)
        if not data:
            raise UserError(env._("Upload the %(table)s CSV file.", table=table))
        try:
            source[table] = read_csv(data, table)
        except SourceError as error:
            raise UserError(str(error)) from None
    return source


def read_app_invoice_files(env, invoices_data, lines_data):
    """The app's invoices from the CSV export of its ``invoices`` and ``invoice_lines``
    tables (the lines file is optional: an app may report totals only).

    :return: ``(invoices, problems by invoice id)``
    :raise UserError: **H2** for files
    """
    try:
        invoices = read_csv(invoices_data, app_invoices.INVOICES,
                            app_invoices.SOURCE_COLUMNS)
        lines = read_csv(lines_data, app_invoices.INVOICE_LINES,
                         app_invoices.SOURCE_COLUMNS) if lines_data else []
    except SourceError as error:
        raise UserError(str(error)) from None
    return app_invoices.from_source(invoices, lines)
