"""Sentiment-model benchmark: our trainer against scikit-learn on the same stratified 80/20 splits, in one run.

Usage: scripts/bench/model [--seeds 1,2,3,4,5] [--corpora clothing,movie-reviews,...] (runs python -m pytools.bench.model TRAINER_BINARY ...)
       python -m pytools.bench.model TRAINER_BINARY [--seeds 1,2,3,4,5] [--corpora clothing,movie-reviews,...] [--work .data/bench]

For every corpus and every split seed: a stratified 80/20 split (scikit-learn's train_test_split, that seed), written to
files both sides read; then
  - scikit-learn: TF-IDF (uni+bigrams) + logistic regression, C chosen by 5-fold GridSearchCV over C_GRID, on the
    review text only (the issue's reference) for the title-less corpora, and on text + title (the features our model
    uses there) for the clothing set;
  - ours: `trainer --test-fraction 0` (its own 5-fold CV over C × naive-Bayes interpolation on the training part only),
    then `trainer evaluate` on the held-out part.
Prints one markdown table per corpus — accuracy as mean ± standard deviation over the seeds, with the range, AUC,
training wall time and prediction throughput one review per call — followed by which targets were met.
Both sides use both cores: GridSearchCV with n_jobs=2, our trainer its folds side by side.
scikit-learn's per-review throughput is measured on the first seed's model (1,000 calls of predict_proba([review])).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline

C_GRID = [1, 3, 10, 30, 100]
CORPORA = {
    # name: (file, has titles, description)
    "movie-reviews": (".data/corpora/movie-reviews.jsonl", False, "Pang & Lee long movie reviews (scripts/local/corpora)"),
    "dutch-books": (".data/corpora/dutch-books.jsonl", False, "bol.com Dutch book reviews (scripts/local/corpora)"),
    "movie-snippets": (".data/corpora/movie-snippets.jsonl", False, "Rotten Tomatoes critic snippets (scripts/local/corpora)"),
    "clothing": (".data/reviews.jsonl", True, "Women's clothing reviews with titles (scripts/local/dataset)"),
}


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


def sklearn_run(features, train_x, y_train, test_x, y_test, seed, measure_speed):
    pipeline = Pipeline([("features", features), ("model", LogisticRegression(max_iter=2000))])
    started = time.perf_counter()
    search = GridSearchCV(pipeline, {"model__C": C_GRID}, cv=StratifiedKFold(5, shuffle=True, random_state=seed),
                          scoring="accuracy", n_jobs=2, refit=True)
    search.fit(train_x, y_train)
    train_seconds = time.perf_counter() - started
    fitted = search.best_estimator_
    probabilities = fitted.predict_proba(test_x)[:, 1]
    speed = per_review_throughput(lambda item: fitted.predict_proba([item])[:, 1], test_x) if measure_speed else None
    return {"accuracy": accuracy_score(y_test, (probabilities >= 0.5).astype(int)),
            "auc": roc_auc_score(y_test, probabilities), "train_s": train_seconds, "per_review": speed,
            "chosen": f"C={search.best_params_['model__C']:g}"}


def trainer_run(trainer, train_file, test_file, model, seed, extra, text_only):
    started = time.perf_counter()
    train = subprocess.run([trainer, "--data", train_file, "--test-fraction", "0", "--seed", str(seed), "--json",
                            "--out", model, "--model", "linear", "--c-grid", ",".join(map(str, C_GRID))] + extra,
                           check=True, capture_output=True, text=True)
    train_seconds = time.perf_counter() - started
    winner = json.loads(train.stdout)["winner"]
    evaluate = subprocess.run([trainer, "evaluate", "--model", model, "--data", test_file, "--json"]
                              + (["--text-only"] if text_only else []), check=True, capture_output=True, text=True)
    result = json.loads(evaluate.stdout)
    chosen = f"C={winner['c']:g}" + (f" NB {winner['naiveBayes']:g}" if winner.get("naiveBayes") else "")
    return {"accuracy": result["accuracy"], "auc": result["auc"], "train_s": train_seconds,
            "per_review": result["reviewsPerSecond"], "chosen": chosen}


def summary(runs, key):
    values = [r[key] for r in runs if r[key] is not None]
    if not values:
        return None, None
    return statistics.mean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def bench_corpus(name, path, has_titles, seeds, trainer, work, save):
    with open(path, encoding="utf-8") as f:
        lines = [line for line in f.read().split("\n") if line]
    reviews = [json.loads(line) for line in lines]
    y = np.array([1 if r["overall"] > 3 else 0 for r in reviews])
    text = [r["reviewText"] for r in reviews]
    both = [(r["reviewText"], r.get("summary") or "") for r in reviews]
    print(f"{name}: {len(reviews)} reviews, {y.mean() * 100:.1f} % positive", file=sys.stderr)
    rows = {}  # row name -> list of runs, one per seed

    def add(row, run):
        rows.setdefault(row, []).append(run)

    for index, seed in enumerate(seeds):
        train_idx, test_idx = train_test_split(np.arange(len(reviews)), test_size=0.2, stratify=y, random_state=seed)
        train_file = os.path.join(work, f"{name}-{seed}-train.jsonl")
        test_file = os.path.join(work, f"{name}-{seed}-test.jsonl")
        for file, indices in ((train_file, train_idx), (test_file, test_idx)):
            with open(file, "w", encoding="utf-8") as f:
                f.writelines(lines[i] + "\n" for i in indices)
        y_train, y_test = y[train_idx], y[test_idx]
        first = index == 0
        if not has_titles:
            text_train, text_test = [text[i] for i in train_idx], [text[i] for i in test_idx]
            add("scikit-learn TF-IDF LR, text", sklearn_run(TfidfVectorizer(ngram_range=(1, 2)), text_train, y_train,
                                                            text_test, y_test, seed, first))
            add("ours, text", trainer_run(trainer, train_file, test_file,
                                          os.path.join(work, f"{name}-{seed}-text.json"), seed, ["--summary-weight", "0"],
                                          True))
        else:
            both_train, both_test = [both[i] for i in train_idx], [both[i] for i in test_idx]
            add("scikit-learn TF-IDF LR, text+title", sklearn_run(TextAndTitle(), both_train, y_train, both_test,
                                                                  y_test, seed, first))
            add("ours, text+title", trainer_run(trainer, train_file, test_file,
                                                os.path.join(work, f"{name}-{seed}-title.json"), seed, [], False))
        save(rows)
        print(f"  seed {seed}: " + ", ".join(f"{row} {runs[-1]['accuracy'] * 100:.2f} %" for row, runs in rows.items()),
              file=sys.stderr)
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("trainer")
    parser.add_argument("--seeds", default="1,2,3,4,5")
    parser.add_argument("--corpora", default=",".join(CORPORA))
    parser.add_argument("--work", default=".data/bench")
    parser.add_argument("--report", action="store_true",
                        help="only print the tables from the work folder's results.json (saved after every seed)")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    seeds = [int(s) for s in args.seeds.split(",")]
    results_file = os.path.join(args.work, "results.json")
    started = time.perf_counter()
    if args.report:
        with open(results_file) as f:
            saved = json.load(f)
        results, minutes = saved["corpora"], saved["minutes"]
    else:
        results = {}

        def save(name):
            def store(rows):
                results[name] = rows
                with open(results_file, "w") as f:
                    json.dump({"corpora": results, "minutes": (time.perf_counter() - started) / 60}, f, indent=1)
            return store

        for name in args.corpora.split(","):
            path, has_titles, _ = CORPORA[name]
            bench_corpus(name, path, has_titles, seeds, args.trainer, args.work, save(name))
        minutes = (time.perf_counter() - started) / 60

    seeds_run = sorted({len(runs) for rows in results.values() for runs in rows.values()})
    print(f"scikit-learn {sklearn.__version__}; {'/'.join(map(str, seeds_run))} split seeds per corpus; "
          f"whole run {minutes:.1f} min")
    checks = []
    for name, rows in results.items():
        path, _, description = CORPORA[name]
        print(f"\n### {name}: {description}\n")
        print("| model | chosen per seed | accuracy, mean ± sd | range | AUC, mean | train (s), mean | "
              "predict, 1 review/call (rev/s) |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for row, runs in rows.items():
            accuracy, spread = summary(runs, "accuracy")
            auc, _ = summary(runs, "auc")
            train, _ = summary(runs, "train_s")
            speed, _ = summary(runs, "per_review")
            low, high = min(r["accuracy"] for r in runs), max(r["accuracy"] for r in runs)
            print(f"| {row} | {', '.join(r['chosen'] for r in runs)} | {accuracy * 100:.2f} ± {spread * 100:.2f} % | "
                  f"{low * 100:.2f}–{high * 100:.2f} % | {auc:.4f} | {train:.1f} | {speed:,.0f} |")
        ours = rows["ours, text+title"] if "ours, text+title" in rows else rows["ours, text"]
        ours_accuracy, _ = summary(ours, "accuracy")
        ours_auc, _ = summary(ours, "auc")
        if "ours, text+title" in rows:
            checks.append((f"{name}: mean accuracy ≥ 91.0 % (text+title)", ours_accuracy >= 0.91,
                           f"{ours_accuracy * 100:.2f} %"))
            checks.append((f"{name}: mean AUC ≥ 0.955 (text+title)", ours_auc >= 0.955, f"{ours_auc:.4f}"))
            same_features = rows["scikit-learn TF-IDF LR, text+title"]
        else:
            reference = rows["scikit-learn TF-IDF LR, text"]
            reference_accuracy, _ = summary(reference, "accuracy")
            wins = sum(o["accuracy"] > r["accuracy"] for o, r in zip(ours, reference))
            checks.append((f"{name}: mean accuracy ≥ scikit-learn's mean + 0.5 points", ours_accuracy
                           >= reference_accuracy + 0.005,
                           (f"{ours_accuracy * 100:.2f} % vs {reference_accuracy * 100:.2f} % "
                            f"({(ours_accuracy - reference_accuracy) * 100:+.2f}); better on {wins} of "
                            f"{min(len(ours), len(reference))} splits")))
            same_features = reference
        ours_train, _ = summary(ours, "train_s")
        reference_train, _ = summary(same_features, "train_s")
        checks.append((f"{name}: training wall time ≤ scikit-learn's model selection", ours_train <= reference_train,
                       f"{ours_train:.1f} s vs {reference_train:.1f} s"))
        ours_speed, _ = summary(ours, "per_review")
        reference_speed, _ = summary(same_features, "per_review")
        checks.append((f"{name}: prediction ≥ 10× scikit-learn's, one review per call",
                       ours_speed >= 10 * reference_speed,
                       f"{ours_speed / reference_speed:.0f}× ({ours_speed:,.0f} vs {reference_speed:,.0f} rev/s)"))
    print()
    for name, met, detail in checks:
        print(f"- {'met' if met else 'NOT met'}: {name} — {detail}")


if __name__ == "__main__":
    main()
