"""Re-parsing only the statements a save changed gives the triples a whole parse gives, or says
that only a whole parse will do."""

from collections import Counter

import pyoxigraph as ox
import pytest

from medkg.project_files import DATA_DIR
from medkg.validate.edited_region import reparse

TEXT = (DATA_DIR / "conditions.ttl").read_text(encoding="utf-8")


def whole(text: str) -> Counter:
    return Counter(ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))


def patched(old: str, new: str) -> Counter | None:
    result = reparse(old, whole(old), new.encode())
    if result is None:
        return None
    text, counts = result
    assert text == new
    triples = whole(old)
    for t, n in counts.items():
        triples[t] = n
    return +triples


BLOCKS = TEXT.split("\n\n")
EDITS = {
    "a label changed": TEXT.replace('rdfs:label "pain"@en', 'rdfs:label "pains"@en', 1),
    "a property line removed": TEXT.replace('    rdfs:label "pain"@en ;\n', "", 1),
    "a block added in the middle": "\n\n".join(BLOCKS[:5] + ["kg:new-thing a schema:MedicalCondition ;\n    rdfs:label \"new\"@en ."] + BLOCKS[5:]),
    "a block removed": "\n\n".join(BLOCKS[:4] + BLOCKS[5:]),
    "the last statement edited": TEXT.rstrip("\n")[:-1] + ";\n    rdfs:comment \"at the end\"@en .\n",
    "two far-apart edits": TEXT.replace('"pain"@en', '"pains"@en', 1).replace(BLOCKS[-1], BLOCKS[-1].replace("@en", "@en-gb", 1)),
    "nothing changed": TEXT,
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_the_changed_statements_alone_give_the_whole_files_triples(name):
    new = EDITS[name]
    assert new != TEXT or name == "nothing changed"
    assert patched(TEXT, new) == whole(new)


@pytest.mark.parametrize("new", [
    TEXT.replace("@prefix kg:", "@prefix kgg:", 1),  # a prefix: every later name may change
    TEXT + '\nkg:x rdfs:comment """long\n\nstring""" .\n',  # a long string may hold a blank line
    TEXT + "\nkg:x rdfs:seeAlso [ rdfs:label \"b\" ] .\n",  # a blank node is new at every parse
    TEXT + "\nkg:x rdfs:label\n",  # does not parse alone: the whole parse says where
])
def test_what_a_partial_parse_could_get_wrong_is_left_to_a_whole_parse(new):
    assert patched(TEXT, new) is None
