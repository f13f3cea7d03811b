"""The condition an article is about, read from its title, headings and intro.

The rule, in order (editors correct the result in the admin; the importer never overwrites a
name an editor set):

1. The title's first clause (up to ", and", "?" or ";") names the condition after its first
   "of", "for", "from", "with" or "about", up to a following "in children" (or another group
   of people), "during", "after" or "and how": "What are the signs of iron-deficiency
   anaemia, and how is it treated?" gives "Iron-deficiency anaemia".
2. Else a question about the condition itself: "What is tinnitus?", "Why do migraines happen?",
   "How is gout treated?" give "Tinnitus", "Migraines", "Gout".
3. Else a heading "Causes of X", "Symptoms of X", "Treating X" ... gives X.
4. Else the title.

Alternative names come from the intro's "X, also known as Y," or "also called Y".
"""

import re

MAX_LENGTH = 120

_FIRST_CLAUSE = re.compile(r"^(.*?)(?:,\s*and\b|\?|;|$)", re.IGNORECASE)
_AFTER_PREPOSITION = re.compile(
    r"\b(?:of|for|from|with|about)\s+(?:the\s+|a\s+|an\s+)?(.+?)"
    r"(?:\s+(?:(?:in|among)\s+(?:children|adults|women|men|babies|infants|pregnancy|older|"
    r"the elderly|teenagers|athletes)|during|after|before|and how|and what|and why)\b.*)?$",
    re.IGNORECASE,
)
_ABOUT_ITSELF = [
    re.compile(r"^what\s+(?:is|are)\s+(?:an?\s+|the\s+)?(.+)$", re.IGNORECASE),
    re.compile(
        r"^(?:why|when|how)\s+(?:do|does|did|is|are|can|should)\s+(.+?)\s+"
        r"(?:happen|occur|develop|start|begin|get|become|treated|diagnosed|managed|prevented|"
        r"cause|affect|spread)\b.*$",
        re.IGNORECASE,
    ),
]
_HEADING = re.compile(
    r"^(?:(?:causes|symptoms|signs|types|diagnosis|treatment|treatments|prevention|"
    r"complications|risk factors)\s+(?:of|for)|treating|preventing|living with|managing|"
    r"diagnosing)\s+(.+)$",
    re.IGNORECASE,
)
_ALSO_KNOWN_AS = re.compile(
    r"\balso\s+(?:known\s+as|called|referred\s+to\s+as)\s+([^,.;:()]+?)(?=\s*[,.;:()]|$)",
    re.IGNORECASE,
)
# Words that name an aspect or a person, never the condition: "the symptoms of ..." after
# "of" would otherwise give "symptoms".
_NOT_A_CONDITION = re.compile(
    r"^(?:it|this|that|them|people|patients|children|adults|women|men|symptoms?|signs?|"
    r"causes?|treatments?|options?)\b",
    re.IGNORECASE,
)


def _tidy(name):
    name = " ".join(name.strip(" .,:;!?\"'").split())
    if not name or _NOT_A_CONDITION.match(name):
        return ""
    return (name[0].upper() + name[1:])[:MAX_LENGTH]


def condition_from(title, headings=()):
    """The condition ``title`` (and, failing that, a heading) names; see the module's rule."""
    clause = _FIRST_CLAUSE.match(title.strip()).group(1).strip()
    if (match := _AFTER_PREPOSITION.search(clause)) and (name := _tidy(match.group(1))):
        return name
    for pattern in _ABOUT_ITSELF:
        if (match := pattern.match(clause)) and (name := _tidy(match.group(1))):
            return name
    for heading in headings:
        if (match := _HEADING.match(heading.strip())) and (name := _tidy(match.group(1))):
            return name
    return _tidy(title) or title.strip()[:MAX_LENGTH]


def alternative_names_from(text, condition=""):
    """Other names the intro gives the condition ("also known as ..."), one per line."""
    names = []
    for match in _ALSO_KNOWN_AS.finditer(text):
        for part in re.split(r"\s+or\s+", match.group(1)):
            name = _tidy(part)
            if name and name.lower() != condition.lower() and name not in names:
                names.append(name)
    return "\n".join(names)


def split_names(text):
    """The alternative names stored one per line, without blanks."""
    return [line.strip() for line in text.splitlines() if line.strip()]
