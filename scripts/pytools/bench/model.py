"""Sentiment-model benchmark: scikit-learn against our trainer on the same stratified 80/20 split, in one run.

Usage: python -m pytools.bench.model TRAINER_BINARY [--data .data/reviews.jsonl] [--work .data/bench] [--markdown]

Prints one table: accuracy, AUC, negative-class F1, training wall time and prediction throughput for
  - the majority class,
  - scikit-learn TF-IDF (uni+bigrams) + logistic regression, C chosen by 5-fold GridSearchCV over our C grid,
    on review text only (the issue's reference) and on text + title (the features our model uses),
  - scikit-learn TF-IDF (uni+bigrams) + a 300-tree random forest,
  - our trainer: linear (5-fold CV over the same C grid), text + title and text only, and the forest grid.
Training time is the wall time of the whole fit including model selection; prediction throughput is measured one
review per call (how a stream processor calls it) and, for scikit-learn, also as one call for the whole test set.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline

C_GRID = [1, 3, 10, 30, 100]
SEED = 42


class TextAndTitle(BaseEstimator, TransformerMixin):
    """TF-IDF of the text and, separately, of the title (weight 0.7): the feature layout our trainer uses."""

    def __init__(self, title_weight=0.7):
        self.title_weight = title_weight

    def fit(self, rows, y=None):
        self.text_ = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit([r[0] for r in rows])
        self.title_ = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit([r[1] for r in rows])
        return self

    def transform(self, rows):
        text = self.text_.transform([r[0] for r in rows])
        title = self.title_.transform([r[1] for r in rows])
        return sp.hstack([text, self.title_weight * title]).tocsr()


def per_review_throughput(predict_one, items, limit=1000):
    sample = items[:limit]
    started = time.perf_counter()
    for item in sample:
        predict_one(item)
    return len(sample) / (time.perf_counter() - started)


def scores(y_true, probabilities):
    predicted = (np.asarray(probabilities) >= 0.5).astype(int)
    return {
        "accuracy": accuracy_score(y_true, predicted),
        "auc": roc_auc_score(y_true, probabilities),
        "neg_f1": f1_score(y_true, predicted, pos_label=0),
    }


def sklearn_row(name, features, estimator, grid, train_x, y_train, test_x, y_test, one):
    pipeline = Pipeline([("features", features), ("model", estimator)])
    started = time.perf_counter()
    if grid:
        search = GridSearchCV(pipeline, grid, cv=StratifiedKFold(5, shuffle=True, random_state=SEED),
                              scoring="accuracy", n_jobs=1, refit=True)
        search.fit(train_x, y_train)
        fitted, chosen = search.best_estimator_, f"C={search.best_params_['model__C']:g}"
    else:
        fitted, chosen = pipeline.fit(train_x, y_train), ""
    train_seconds = time.perf_counter() - started
    started = time.perf_counter()
    probabilities = fitted.predict_proba(test_x)[:, 1]
    batch = len(test_x) / (time.perf_counter() - started)
    single = per_review_throughput(lambda item: fitted.predict_proba([item])[:, 1], one)
    row = {"name": name, "chosen": chosen, "train_s": train_seconds, "per_review": single, "batch": batch}
    row.update(scores(y_test, probabilities))
    print(f"  {name}: done in {train_seconds:.1f} s", file=sys.stderr)
    return row


def trainer_row(name, trainer, train_file, test_file, work, extra, text_only=False):
    model = os.path.join(work, f"model-{name.split()[1]}-{'text' if text_only else 'title'}.json")
    started = time.perf_counter()
    train = subprocess.run([trainer, "--data", train_file, "--test-fraction", "0", "--seed", str(SEED), "--json",
                            "--out", model, "--c-grid", ",".join(map(str, C_GRID))] + extra,
                           check=True, capture_output=True, text=True)
    train_seconds = time.perf_counter() - started
    trained = json.loads(train.stdout)
    evaluate = subprocess.run([trainer, "evaluate", "--model", model, "--data", test_file, "--json"]
                              + (["--text-only"] if text_only else []),
                              check=True, capture_output=True, text=True)
    result = json.loads(evaluate.stdout)
    winner = trained["winner"]
    chosen = f"C={winner['c']:g}" if winner["kind"] == "linear" else f"{winner['trees']} trees, depth {winner['depth']}"
    print(f"  {name}: done in {train_seconds:.1f} s", file=sys.stderr)
    return {"name": name, "chosen": chosen, "train_s": train_seconds, "per_review": result["reviewsPerSecond"],
            "batch": result["reviewsPerSecond"], "accuracy": result["accuracy"], "auc": result["auc"],
            "neg_f1": result["negative"]["f1"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("trainer")
    parser.add_argument("--data", default=".data/reviews.jsonl")
    parser.add_argument("--work", default=".data/bench")
    parser.add_argument("--skip-forest", action="store_true", help="leave out both random forests (the slow rows)")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    with open(args.data, encoding="utf-8") as f:
        lines = f.read().splitlines()
    reviews = [json.loads(line) for line in lines]
    y = np.array([1 if r["overall"] > 3 else 0 for r in reviews])
    train_idx, test_idx = train_test_split(np.arange(len(reviews)), test_size=0.2, stratify=y, random_state=SEED)
    train_file, test_file = os.path.join(args.work, "train.jsonl"), os.path.join(args.work, "test.jsonl")
    for path, indices in ((train_file, train_idx), (test_file, test_idx)):
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(lines[i] + "\n" for i in indices)
    y_train, y_test = y[train_idx], y[test_idx]
    text = [r["reviewText"] for r in reviews]
    both = [(r["reviewText"], r.get("summary") or "") for r in reviews]
    text_train, text_test = [text[i] for i in train_idx], [text[i] for i in test_idx]
    both_train, both_test = [both[i] for i in train_idx], [both[i] for i in test_idx]
    print(f"{len(reviews)} reviews: {len(train_idx)} train, {len(test_idx)} test (stratified, seed {SEED}); "
          f"{os.cpu_count()} CPUs", file=sys.stderr)

    rows = []
    majority = np.full(len(y_test), 1.0 if y_train.mean() >= 0.5 else 0.0)
    rows.append({"name": "majority class", "chosen": "", "train_s": None, "per_review": None, "batch": None,
                 **scores(y_test, majority)})
    lr = LogisticRegression(max_iter=2000)
    rows.append(sklearn_row("sklearn logistic regression, text", TfidfVectorizer(ngram_range=(1, 2)), lr,
                            {"model__C": C_GRID}, text_train, y_train, text_test, y_test, text_test))
    rows.append(sklearn_row("sklearn logistic regression, text+title", TextAndTitle(), lr,
                            {"model__C": C_GRID}, both_train, y_train, both_test, y_test, both_test))
    if not args.skip_forest:
        forest = RandomForestClassifier(n_estimators=300, n_jobs=-1, random_state=SEED)
        rows.append(sklearn_row("sklearn random forest (300 trees), text", TfidfVectorizer(ngram_range=(1, 2)), forest,
                                None, text_train, y_train, text_test, y_test, text_test))
    rows.append(trainer_row("ours linear, text+title", args.trainer, train_file, test_file, args.work,
                            ["--model", "linear"]))
    rows.append(trainer_row("ours linear, text", args.trainer, train_file, test_file, args.work,
                            ["--model", "linear", "--summary-weight", "0"], text_only=True))
    if not args.skip_forest:
        rows.append(trainer_row("ours forest grid, text+title", args.trainer, train_file, test_file, args.work,
                                ["--model", "forest"]))

    def cell(value, fmt):
        return "—" if value is None else fmt.format(value)

    print("| model | chosen | accuracy | AUC | neg F1 | train (s) | predict, 1 review/call (rev/s) | predict, whole set (rev/s) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['name']} | {r['chosen']} | {r['accuracy'] * 100:.2f} % | {r['auc']:.4f} | {r['neg_f1']:.4f} | "
              f"{cell(r['train_s'], '{:.1f}')} | {cell(r['per_review'], '{:,.0f}')} | {cell(r['batch'], '{:,.0f}')} |")

    ours = next(r for r in rows if r["name"] == "ours linear, text+title")
    reference = next(r for r in rows if r["name"] == "sklearn logistic regression, text+title")
    fastest_sklearn = max(r["per_review"] for r in rows if r["name"].startswith("sklearn"))
    checks = [
        ("held-out accuracy ≥ 91 %", ours["accuracy"] >= 0.91, f"{ours['accuracy'] * 100:.2f} %"),
        ("AUC ≥ 0.95", ours["auc"] >= 0.95, f"{ours['auc']:.4f}"),
        ("negative-class F1 ≥ 0.75", ours["neg_f1"] >= 0.75, f"{ours['neg_f1']:.4f}"),
        ("training wall time ≤ scikit-learn's (same features, same CV grid)", ours["train_s"] <= reference["train_s"],
         f"{ours['train_s']:.1f} s vs {reference['train_s']:.1f} s"),
        ("prediction ≥ 10× scikit-learn's per-review throughput", ours["per_review"] >= 10 * fastest_sklearn,
         f"{ours['per_review'] / fastest_sklearn:.1f}× ({ours['per_review']:,.0f} vs {fastest_sklearn:,.0f} rev/s)"),
    ]
    print()
    for name, met, detail in checks:
        print(f"- {'met' if met else 'NOT met'}: {name} — {detail}")


if __name__ == "__main__":
    main()
