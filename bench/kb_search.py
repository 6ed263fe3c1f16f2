"""Knowledge-base suggestion speed.

    python -m bench.kb_search [--articles 50000] [--queries 300] [--database-url URL]

Seeds articles made of a realistic support vocabulary into a scratch database (SQLite by
default; the full-text index fills through the same triggers the app uses) and times the
suggestion query the new-request form sends while a customer types. Last line: JSON with the
median and p95 milliseconds.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime

from flask_migrate import upgrade
from sqlalchemy import insert

from app.domain.kb_vocabulary import ArticleStatus
from app.extensions import db
from app.models import KbArticle

_VOCABULARY = (
    "password reset sign-in login sso saml okta invoice billing export csv report dashboard "
    "webhook api token limit slow error crash mobile app language archive project workspace "
    "user admin permission role team email notification integration salesforce calendar "
    "timezone upload attachment download backup restore delete account plan upgrade refund "
    "security breach phishing twofactor device browser cache cookie session"
)
WORDS = tuple(_VOCABULARY.split())


def seed(count: int) -> float:
    from bench.seed import MIGRATIONS

    started = time.perf_counter()
    upgrade(directory=MIGRATIONS)
    rng = random.Random(3)
    now = datetime.now(UTC)
    for start in range(0, count, 5000):
        rows = []
        for n in range(start, min(start + 5000, count)):
            title_words = rng.sample(WORDS, 4)
            body = " ".join(rng.choices(WORDS, k=120))
            rows.append(
                {
                    "title": " ".join(title_words).capitalize(),
                    "slug": f"article-{n}",
                    "body_markdown": body,
                    "body_html": f"<p>{body}</p>",
                    "body_text": body,
                    "tags": " ".join(rng.sample(WORDS, 3)),
                    "status": ArticleStatus.published,
                    "helpful_count": 0,
                    "not_helpful_count": 0,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        db.session.execute(insert(KbArticle), rows)
        db.session.commit()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    from app import create_app
    from app.services.kb.search import search_articles
    from config import Config

    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(Config, SQLALCHEMY_DATABASE_URI=args.database_url or f"sqlite:///{scratch}/kb.db")
        with app.app_context():
            seeded = seed(args.articles)
            print(f"seeded {args.articles} articles in {seeded:.1f}s", flush=True)
            rng = random.Random(9)
            times = []
            for _ in range(args.queries):
                typed = " ".join(rng.sample(WORDS, rng.randint(2, 5)))
                typed = typed[: rng.randint(max(3, len(typed) - 4), len(typed))]  # mid-word
                started = time.perf_counter()
                search_articles(typed, limit=5, suggest=True)
                times.append((time.perf_counter() - started) * 1000)
            db.session.remove()
            db.engine.dispose()
    times.sort()
    print(
        json.dumps(
            {
                "articles": args.articles,
                "queries": args.queries,
                "suggest_median_ms": round(statistics.median(times), 2),
                "suggest_p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
