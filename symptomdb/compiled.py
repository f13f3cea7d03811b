"""Querysets of a fixed shape, compiled to SQL once per process and run with each call's values.

Building and compiling a queryset costs Django far more than the database takes to answer it:
the article page's main query took 3.3 ms, of which 0.3 ms was PostgreSQL's
(``bench/profile_page.py --queries``). A ``CompiledQuery`` builds its queryset once per process
and database with sample values, finds where each value lands among the SQL's parameters, and
from then on sends that SQL with the call's values in those places.

The queryset stays the one definition of what is read: rows are made by Django's own iterable
(``select_related``, annotations, deferred fields, then any ``prefetch_related``) from the SQL
Django compiled.

The builder must hand each value to the queryset as it is, and read nothing else that changes
(settings, the time): those would be compiled in. A shape whose SQL changes with a value (an
``__in`` list made from it, a LIKE pattern, a slice computed from it) cannot be compiled so:
compiling it raises ``ValueError`` when the samples show it. Values that do shape the SQL, such
as a page's slice, are named ``shaped``: each of their combinations is compiled on its own, and
a process keeps the ``SHAPES_KEPT`` last used.
"""

import collections
import copy
import datetime
import threading
import weakref

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router

# Compilations kept per query and database, the least recently used dropped first: a crawler
# walking every page of a long thread must not make a process keep one for each.
SHAPES_KEPT = 16

# The connection's attribute holding each compiled query's converters on it.
CONVERTERS_KEPT = "_symptomdb_compiled_converters"


# Two samples of each kind of value. Strings have capitals, spaces and an accent, so that a
# builder that lowers, strips or slugifies its value is caught rather than sent the raw one;
# ints are small, so that they fit every integer column.
def _sample(kind, index, name):
    if kind is str:
        return f" Compiled Query Sämple {index} {name} "
    if kind is int:
        return 3 + 2 * index + 4 * len(name)
    return datetime.datetime(
        2001 + index,
        2,
        3,
        4,
        5,
        6,
        len(name),
        tzinfo=datetime.UTC if settings.USE_TZ else None,
    )


def _adapted(connection, value):
    """``value`` as a query's parameters hold it on ``connection``."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


class CompiledQuery:
    """``build(**values)``, a queryset of ``model``, compiled once per process and database.

    ``parameters`` names each value and its type (``str``, ``int`` or ``datetime.datetime``);
    ``shaped`` names the values compiled into the SQL (ints).
    ``fetch(**values)`` returns what ``list(build(**values))`` would.
    """

    def __init__(self, model, build, *, shaped=(), **parameters):
        unknown = set(parameters.values()) - {str, int, datetime.datetime}
        if unknown:
            raise TypeError(f"Values of these types cannot be compiled in: {unknown}")
        self.model, self.build, self.parameters = model, build, parameters
        self.shaped = tuple(shaped)
        self._compiled = collections.OrderedDict()
        self._lock = threading.Lock()

    def fetch(self, **values):
        expected = {*self.parameters, *self.shaped}
        if values.keys() != expected:
            raise TypeError(f"Expected the values {sorted(expected)}, got {sorted(values)}")
        for name, kind in [*self.parameters.items(), *((name, int) for name in self.shaped)]:
            if type(values[name]) is not kind:
                raise TypeError(f"{name} must be of type {kind.__name__}")
        shape = tuple(values.pop(name) for name in self.shaped)
        key = (router.db_for_read(self.model), shape)
        with self._lock:
            compiled = self._compiled.get(key)
            if compiled is not None:
                self._compiled.move_to_end(key)
        if compiled is None:
            # Outside the lock: other shapes are not kept waiting. Two threads may both compile
            # a new shape; one result is kept.
            compiled = _Compiled(self, *key)
            with self._lock:
                self._compiled[key] = compiled
                while len(self._compiled) > SHAPES_KEPT:
                    self._compiled.popitem(last=False)
        return compiled.run(values)


class _Compiled:
    """One ``CompiledQuery`` on one database: the SQL, its parameters with the sample values,
    where each value goes, and the compiler that knows how to make rows into objects."""

    def __init__(self, query, alias, shape):
        self.alias = alias
        self.shape = dict(zip(query.shaped, shape, strict=True))
        connection = connections[alias]
        samples = {name: _sample(kind, 0, name) for name, kind in query.parameters.items()}
        self.slots = {}
        try:
            self.queryset, self.compiler, self.sql, self.params = self.compile(query, samples)
        except EmptyResultSet:  # e.g. an empty slice: no SQL, and no rows whatever the values
            others = {name: _sample(kind, 1, name) for name, kind in query.parameters.items()}
            try:
                self.compile(query, others)
            except EmptyResultSet:
                self.sql = None
                return
            raise ValueError(f"Whether {query.build!r} has any rows depends on a value") from None
        for name, kind in query.parameters.items():
            other = {**samples, name: _sample(kind, 1, name)}
            _queryset, _compiler, sql, params = self.compile(query, other)
            if sql != self.sql or len(params) != len(self.params):
                raise ValueError(f"The SQL of {query.build!r} changes with {name}")
            positions = [
                index
                for index, (this, that) in enumerate(zip(self.params, params, strict=True))
                if this != that
            ]
            expected = (_adapted(connection, samples[name]), _adapted(connection, other[name]))
            if not positions or any(
                (self.params[index], params[index]) != expected for index in positions
            ):
                raise ValueError(f"{query.build!r} does not send {name} as a parameter of its own")
            self.slots[name] = positions

    def compile(self, query, values):
        queryset = query.build(**values, **self.shape).using(self.alias)
        compiler = queryset.query.get_compiler(using=self.alias)
        sql, params = compiler.as_sql()
        return queryset, compiler, sql, tuple(params)

    def converters(self, connection):
        """The compiler's ``get_converters`` for ``connection``, answering for the query's own
        columns from what it found the first time: a lookup per column and request otherwise
        (eighty columns on the article page). Other expressions are looked up as usual."""
        # Kept on the connection (one per thread): the converters are bound to it, so kept
        # here they would keep every thread's connection alive. Forgotten with either.
        kept = connection.__dict__.setdefault(CONVERTERS_KEPT, weakref.WeakKeyDictionary())
        found = kept.get(self)
        if found is None:
            compiler = copy.copy(self.compiler)
            compiler.connection = connection
            columns = [column for column, *_ in self.compiler.select[: self.compiler.col_count]]
            remembered = compiler.get_converters(columns)

            def found(expressions):
                if len(expressions) == len(columns) and all(
                    given is column for given, column in zip(expressions, columns, strict=True)
                ):
                    return remembered
                return compiler.get_converters(expressions)

            kept[self] = found
        return found

    def run(self, values):
        if self.sql is None:
            return []
        connection = connections[self.alias]  # this thread's
        params = list(self.params)
        for name, positions in self.slots.items():
            value = _adapted(connection, values[name])
            for index in positions:
                params[index] = value
        sql = self.sql
        # Django's own iterable runs it; the compiler it gets answers with the SQL compiled
        # once and with the compiler's state from then (columns, joins, converters).
        compiler = copy.copy(self.compiler)
        compiler.connection = connection
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        compiler.get_converters = self.converters(connection)
        queryset = self.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)
