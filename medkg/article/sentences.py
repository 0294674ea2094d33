"""Split the source article into sentences, with character offsets.

Offsets count Unicode code points, as the Web Annotation model's TextPositionSelector
requires (and as SPARQL's SUBSTR does), so a quote can be checked inside the graph.
"""

import re
from dataclasses import dataclass

# A sentence ends at . ? or ! (optionally closed by a quotation mark) followed by
# white space and a capital letter or an opening quotation mark. Line breaks always end one.
_BOUNDARY = re.compile(r"(?<=[.?!])[”\"]?(?=\s+[A-Z“\"])")


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Return the article's sentences in order.

    >>> [s.text for s in split_sentences("One. Two?\\nThree “four.” Five")]
    ['One.', 'Two?', 'Three “four.”', 'Five']
    """
    sentences = []
    for line in re.finditer(r"[^\n]+", text):
        pos = line.start()
        for boundary in _BOUNDARY.finditer(line.group()):
            end = line.start() + boundary.end()
            sentences.append((pos, end))
            pos = end
        sentences.append((pos, line.end()))
    result = []
    for start, end in sentences:
        # Trim the white space between sentences so that offsets frame the words only.
        while start < end and text[start].isspace():
            start += 1
        if start < end:
            result.append(Sentence(len(result) + 1, start, end, text[start:end]))
    return result
