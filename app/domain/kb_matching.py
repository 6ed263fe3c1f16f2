"""How sure the knowledge base is that an article answers a request.

Words that say nothing on their own (stop words such as "your", "cannot", "my") are dropped, the
rest are cut to a short stem so "invoice" meets "invoices", and the confidence is the share of
the article's key words (title and tags) that the request mentions, out of at most three: an
article whose title is "Reset your password" and whose tags are "password sign-in" is 2/3 sure
for "I forgot my password and cannot sign in", and 0 for "Cannot export invoices"."""

from __future__ import annotations

import re

DEFAULT_CONFIDENCE_THRESHOLD = 0.6
KEY_WORDS_COUNTED = 3
STEM_LENGTH = 5
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "cannot",
        "can't",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "get",
        "gets",
        "got",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "i'm",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "its",
        "it's",
        "itself",
        "just",
        "let",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "need",
        "needs",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "please",
        "same",
        "she",
        "should",
        "so",
        "some",
        "still",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "us",
        "very",
        "want",
        "was",
        "wasn't",
        "we",
        "were",
        "weren't",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "won't",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "hello",
        "hi",
        "thanks",
        "thank",
        "help",
        "work",
        "working",
        "works",
        "doesnt",
        "dont",
        "cant",
        "wont",
        "isnt",
        "im",
        "ive",
    ]
)


def key_words(text: str) -> set[str]:
    """The stems of the words that carry meaning: lower case, no stop words, at least 2 letters."""
    words = (w.lower() for w in _WORD.findall(text or ""))
    return {w[:STEM_LENGTH] for w in words if len(w) >= 2 and w not in STOP_WORDS}


def search_words(text: str) -> str:
    """The request's words without stop words, in order, for the full-text search."""
    words = [w for w in _WORD.findall(text or "") if len(w) >= 2 and w.lower() not in STOP_WORDS]
    return " ".join(dict.fromkeys(words))


def confidence(request_text: str, title: str, tags: str) -> float:
    """How much of the article's key words the request mentions, 0.0–1.0, two decimals."""
    article = key_words(f"{title} {tags}")
    if not article:
        return 0.0
    mentioned = article & key_words(request_text)
    return round(min(1.0, len(mentioned) / min(len(article), KEY_WORDS_COUNTED)), 2)
