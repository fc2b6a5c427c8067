# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The engine's words in a reader's language and a currency's format (engine.text)."""

from odoo.tools.misc import format_date, get_lang
from odoo.tools.translate import code_translations

from ..engine.text import Locale, MoneyFormat

MODULE = "fusion_centralize_billing"


def translator(env, lang_code=None):
    """The engine's sentences in the environment's (or a given) language, with the
    engine's own number formats: for the back end's words (pricing, problems).

    :rtype: engine.text.Locale
    """
    code = get_lang(env, lang_code).code
    translations = code_translations.get_python_translations(MODULE, code) \
        if code and code != "en_US" else {}
    return Locale(gettext=lambda source: translations.get(source) or source)


def reader_locale(env, currency, lang_code=None):
    """The :class:`engine.text.Locale` of a reader: the sentences of the module's
    translation in their language, amounts in ``currency``'s format, quantities with the
    language's separators, dates in the language's medium format (``Oct 1, 2026``).

    :param env: an environment
    :param currency: a ``res.currency`` record
    :param str lang_code: the reader's language (a customer's); the environment's if empty
    :rtype: engine.text.Locale
    """
    lang = get_lang(env, lang_code)
    thousands, decimal_point = lang.thousands_sep or "", lang.decimal_point or "."
    return Locale(
        gettext=translator(env, lang.code).gettext,
        money=MoneyFormat(
            symbol=currency.symbol or currency.name, position=currency.position or "before",
            places=currency.decimal_places, thousands=thousands,
            decimal_point=decimal_point,
        ),
        thousands=thousands,
        decimal_point=decimal_point,
        date=lambda day: format_date(env, day, lang.code, "medium"),
    )
